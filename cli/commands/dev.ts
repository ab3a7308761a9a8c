import { parseArgs } from 'node:util';
import { startDevPipeline } from '../../lambdas/local/dev-pipeline.js';
import { UsageError } from '../cli-error.js';
import { eventsLogPath, localDir } from '../local-settings.js';

export const DEV_HELP = `Usage:
  webhook-pipeline dev [--port <n>] [--fresh] [--persist] [--rules <file>]

Runs the whole pipeline on this machine, with no Docker and no AWS account: the ingest endpoint
with API Gateway's routes, embedded DynamoDB (dynalite) and SQS (fauxqs) emulators, the router
fed like the Lambda event source mapping, a local EventBridge bus writing every event to the
events log. The console, at http://127.0.0.1:<port>/console, shows every
request as it arrives, what became of it, and its event; it can resend, replay, requeue and fire.
Ctrl-C stops everything.

With --rules, each event is also delivered to every local rule whose EventBridge pattern matches
it. The file is a JSON array of { "name", "eventPattern", "target" }, target "http://…" (POSTed as
application/json, the JSON a rule target receives) or "file:relative/path.ndjson" (one event a
line, relative to the rules file). A target that fails is retried with backoff (1 s doubling to
10 s) until the event is 24 hours old, as EventBridge does; nothing is dropped while it restarts.
The file is read again when it changes.

Options:
  --port <n>          Port of the ingest endpoint (default $PORT or 3000)
  --host <host>       Address to listen on (default 127.0.0.1)
  --fresh             Delete the local state first (dev keys, events log, kept table)
  --persist           Keep the table between runs (in <local dir>/dynamodb); in memory otherwise
  --rules <file>      Local subscriptions: deliver matching events to local targets
  --events-log <path> Where events go (default $EVENTS_LOG or <local dir>/events.ndjson)
  --local-dir <dir>   Folder for local state (default $LOCAL_DIR or .local)
  -h, --help          This help

Environment:
  DYNAMODB_ENDPOINT, SQS_ENDPOINT, EVENTBRIDGE_ENDPOINT  use these instead of the embedded stand-ins
  PLAID_BASE_URL, PLAID_CLIENT_ID, PLAID_SECRET           verify Plaid webhooks with keys from that Plaid API
  ARGYLE_WEBHOOK_SECRETS                                  comma-separated secrets instead of the dev secret
  MAX_BODY_BYTES, DEDUPE_WINDOW_SECONDS                   as in the deployed ingest function
  PLAID_ALLOWED_SOURCE_IPS, PLAID_KEY_FETCHES_PER_MINUTE  as in the deployed ingest function (allowlist off)
  MAX_RECEIVE_COUNT (5), VISIBILITY_TIMEOUT_SECONDS (30), BATCH_SIZE (10)  queue and poller settings
  DEV_BUS_REJECT_MATCHING                                 testing aid: the local bus refuses entries containing it`;

const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
};

/** `webhook-pipeline dev`: runs until SIGINT or SIGTERM. */
export const dev = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      fresh: { type: 'boolean', default: false },
      persist: { type: 'boolean', default: false },
      rules: { type: 'string' },
      'events-log': { type: 'string' },
      'local-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(DEV_HELP);
    return 0;
  }
  const dir = localDir(env, values['local-dir']);
  const port = positiveInt('--port', values.port ?? env.PORT, 3000);
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const pipeline = await startDevPipeline({
    port,
    host: values.host,
    localDir: dir,
    eventsLog: eventsLogPath(env, dir, values['events-log']),
    fresh: values.fresh,
    persist: values.persist,
    tableName: 'webhooks',
    queueName: 'webhooks',
    maxReceiveCount: positiveInt('MAX_RECEIVE_COUNT', env.MAX_RECEIVE_COUNT, 5),
    visibilityTimeoutSeconds: positiveInt('VISIBILITY_TIMEOUT_SECONDS', env.VISIBILITY_TIMEOUT_SECONDS, 30),
    batchSize: positiveInt('BATCH_SIZE', env.BATCH_SIZE, 10),
    rejectDetailContaining: env.DEV_BUS_REJECT_MATCHING,
    rulesFile: values.rules,
    env,
    log: out,
  });
  out('webhook-pipeline: local pipeline running');
  for (const [label, value] of Object.entries(pipeline.summary)) out(`  ${label.padEnd(16)} ${value}`);
  out(`Try: npx webhook-pipeline fire plaid TRANSACTIONS SYNC_UPDATES_AVAILABLE   (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  out('stopping…');
  await pipeline.stop();
  out('stopped');
  return 0;
};
