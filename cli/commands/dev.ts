import { Command } from '@commander-js/extra-typings';
import { startDevPipeline } from '../../local/dev-pipeline.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { showFunctionLogsReadably } from '../dev-log.js';
import { removeDevRecord, writeDevRecord } from '../dev-record.js';
import { eventsLogPath, localDir } from '../local-settings.js';
import { localDirOption, portOption } from '../options/shared-options.js';

const DESCRIPTION = `Runs the whole pipeline on this machine, with no Docker and no AWS account: the ingest endpoint
with API Gateway's routes, embedded DynamoDB (dynalite) and SQS (fauxqs) emulators, the router
fed like the Lambda event source mapping, a local EventBridge bus writing every event to the
events log. The console, at http://127.0.0.1:<port>/console, shows every request as it arrives,
what became of it, and its event; it can resend, replay, requeue and fire. Ctrl-C stops everything.

While it runs, <local dir>/dev.json records its port, process id and events log, so that fire,
send, events and the --local operations find it from another terminal.

With --rules, each event is also delivered to every local rule whose EventBridge pattern matches
it. The file is a JSON array of { "name", "eventPattern", "target" }, target "http://…" (POSTed as
application/json, the JSON a rule target receives) or "file:relative/path.ndjson" (one event a
line, relative to the rules file). A target that fails is retried with backoff (1 s doubling to
10 s) until the event is 24 hours old, as EventBridge does; nothing is dropped while it restarts.
The file is read again when it changes.`;

const ENVIRONMENT = `
Environment:
  PORT                                                    port of the ingest endpoint (as --port)
  DYNAMODB_ENDPOINT, SQS_ENDPOINT, EVENTBRIDGE_ENDPOINT  use these instead of the embedded stand-ins
  PLAID_BASE_URL, PLAID_CLIENT_ID, PLAID_SECRET           verify Plaid webhooks with keys from that Plaid API
  ARGYLE_WEBHOOK_SECRETS                                  comma-separated secrets instead of the dev secret
  MAX_BODY_BYTES, DEDUPE_WINDOW_SECONDS                   as in the deployed ingest function
  PLAID_ALLOWED_SOURCE_IPS, PLAID_KEY_FETCHES_PER_MINUTE  as in the deployed ingest function (allowlist off)
  MAX_RECEIVE_COUNT (5), VISIBILITY_TIMEOUT_SECONDS (30), BATCH_SIZE (10)  queue and poller settings
  DEV_BUS_REJECT_MATCHING                                 testing aid: the local bus refuses entries containing it`;

/** A whole-number setting read from the environment. */
const envInt = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
};

/** `webhook-pipeline dev`: runs until SIGINT or SIGTERM. */
export const devCommand = (ctx: CliContext) =>
  new Command('dev')
    .summary('Run the whole pipeline locally (emulators, no AWS account)')
    .description(DESCRIPTION)
    .addOption(portOption('Port of the ingest endpoint (default $PORT or 3000; 0: any free port)'))
    .option('--host <host>', 'Address to listen on', '127.0.0.1')
    .option('--fresh', 'Delete the local state first (dev keys, events log, kept table)', false)
    .option('--persist', 'Keep the table between runs (in <local dir>/dynamodb); in memory otherwise', false)
    .option('--rules <file>', 'Local subscriptions: deliver matching events to local targets')
    .option('--events-log <path>', 'Where events go (default $EVENTS_LOG or <local dir>/events.ndjson)')
    .addOption(localDirOption())
    .addHelpText('after', ENVIRONMENT)
    .action(async (options) => {
      const { env, out } = ctx;
      const dir = localDir(env, options.localDir);
      const port = options.port ?? envInt(env, 'PORT', 3000);
      if (port > 65_535) throw new UsageError(`PORT must be at most 65535, got ${port}`);
      const eventsLog = eventsLogPath(env, dir, options.eventsLog);
      // The functions run in this process: their JSON lines become entries of this log.
      const restoreOutput = [process.stdout, process.stderr].map(showFunctionLogsReadably);
      const pipeline = await startDevPipeline({
        port,
        host: options.host,
        localDir: dir,
        eventsLog,
        fresh: options.fresh,
        persist: options.persist,
        tableName: 'webhooks',
        queueName: 'webhooks',
        maxReceiveCount: envInt(env, 'MAX_RECEIVE_COUNT', 5),
        visibilityTimeoutSeconds: envInt(env, 'VISIBILITY_TIMEOUT_SECONDS', 30),
        batchSize: envInt(env, 'BATCH_SIZE', 10),
        rejectDetailContaining: env.DEV_BUS_REJECT_MATCHING,
        rulesFile: options.rules,
        env,
        log: out,
      });
      // Other terminals find this process (its port and events log) through this record.
      const record = await writeDevRecord(dir, { url: pipeline.url, eventsLog });
      const forget = () => removeDevRecord(dir, record.pid);
      process.once('exit', forget);
      out('webhook-pipeline: local pipeline running');
      for (const [label, value] of Object.entries(pipeline.summary)) out(`  ${label.padEnd(16)} ${value}`);
      out(`Try: npx webhook-pipeline fire plaid TRANSACTIONS SYNC_UPDATES_AVAILABLE   (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const shutdown = () => resolve();
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      out('stopping…');
      forget();
      process.off('exit', forget);
      await pipeline.stop();
      for (const restore of restoreOutput) restore();
      out('stopped');
      ctx.status = 0;
    });
