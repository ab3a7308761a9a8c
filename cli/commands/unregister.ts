import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error.js';
import { COMMON_OPTIONS, commonHelp, intOption, TARGET_OPTIONS, urlOption } from '../ops/args.js';
import { ArgyleApiError, argyleBaseUrl, argyleRetryDecision, createArgyleClient } from '../ops/argyle.js';
import { createGate, mapPool, withRetry } from '../ops/concurrency.js';
import { argyleApiKey } from '../ops/credentials.js';
import { createProgress } from '../ops/progress.js';
import { buildReport, defaultReportPath, printSummary, writeReport } from '../ops/report.js';
import { hasTarget, resolveTarget } from '../ops/target.js';

export const UNREGISTER_HELP = `Usage:
  webhook-pipeline unregister argyle --url <webhook url> [--name <prefix>] [options]

Deletes the Argyle webhook subscriptions that 'register argyle' created for a URL: those whose URL
is exactly <url> and whose name is <prefix> or starts with <prefix>- (DELETE /v2/webhooks/{id}).
A subscription already gone (404) counts as removed. Plaid has no subscriptions: point Items
elsewhere with 'register plaid'.

Options:
  --url <url>         Webhook URL whose subscriptions to remove (default with --stack: its output)
  --name <prefix>     Name prefix used at registration (default webhook-pipeline)
  --any-name          Remove every subscription at the URL, whatever its name
  --dry-run           List what would be removed; change nothing
  --max-attempts <n>  Attempts per call on rate limits and 5xx (default 6)
  --retry-delay <ms>  First backoff delay, doubled each retry (default 1000)
  --stack <name>      Read the URL from the stack's ArgyleWebhookUrl output
  --region <region>   AWS region of the stack
${commonHelp('unregister-argyle', 4)}

Environment: ARGYLE_ENV (sandbox|production) or ARGYLE_BASE_URL; ARGYLE_API_KEY_ID +
ARGYLE_API_KEY_SECRET, or ARGYLE_API_KEY_ARN.

Exit status: 0 when every matching subscription is gone, 1 when a deletion failed, 2 on a usage error.`;

interface UnregisterResult {
  id: string;
  name: string;
  events: readonly string[];
  status: 'deleted' | 'absent' | 'failed' | 'planned';
  attempts?: number;
  error?: { status: number; detail: string };
}

/** `webhook-pipeline unregister argyle`. */
export const unregister = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const [provider, ...rest] = argv;
  if (provider === '--help' || provider === '-h') {
    out(UNREGISTER_HELP);
    return 0;
  }
  if (provider === 'plaid') {
    throw new UsageError('Plaid has no webhook subscriptions: register another URL with register plaid');
  }
  if (provider !== 'argyle') {
    throw new UsageError(
      provider ? `unknown provider "${provider}": use argyle` : 'missing provider: argyle',
    );
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: 'string' },
      name: { type: 'string', default: 'webhook-pipeline' },
      'any-name': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'max-attempts': { type: 'string' },
      'retry-delay': { type: 'string' },
      stack: TARGET_OPTIONS.stack,
      region: TARGET_OPTIONS.region,
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) {
    out(UNREGISTER_HELP);
    return 0;
  }
  const started = new Date();
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const maxAttempts = intOption('--max-attempts', values['max-attempts'], 6, { max: 20 });
  const retryDelay = intOption('--retry-delay', values['retry-delay'], 1000, { min: 0, max: 600_000 });
  if (!values.url && !values.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  if (values.url) urlOption('--url', values.url);
  const baseUrl = argyleBaseUrl(env);
  const flags = { local: false, stack: values.stack, region: values.region };
  const target = hasTarget(flags) ? await resolveTarget(flags, env) : undefined;
  try {
    const url = values.url ?? target?.argyleWebhookUrl;
    if (!url) throw new Error(`stack ${values.stack} has no ArgyleWebhookUrl output; pass --url`);
    const apiKey = await argyleApiKey(env, values.region);
    const client = createArgyleClient({ baseUrl, apiKey });
    const retry = { maxAttempts, baseDelayMs: retryDelay, gate: createGate() };
    const listed = await withRetry(() => client.list(), argyleRetryDecision, retry);
    if (!listed.ok)
      throw new Error(`cannot list the existing subscriptions: ${(listed.error as Error).message}`);
    const prefix = values.name;
    const matching = listed.value.filter(
      (s) => s.url === url && (values['any-name'] || s.name === prefix || s.name.startsWith(`${prefix}-`)),
    );
    out(
      `${matching.length} of ${listed.value.length} subscription(s) match ${url}${values['any-name'] ? '' : ` named ${prefix}*`}`,
    );

    let results: UnregisterResult[];
    if (values['dry-run']) {
      results = matching.map((s) => ({ id: s.id, name: s.name, events: s.events, status: 'planned' }));
    } else {
      const progress = createProgress({ label: 'DELETE /v2/webhooks', total: matching.length });
      results = await mapPool(matching, concurrency, async (s): Promise<UnregisterResult> => {
        const call = await withRetry(() => client.remove(s.id), argyleRetryDecision, retry);
        const base = { id: s.id, name: s.name, events: s.events, attempts: call.attempts };
        if (call.ok) {
          progress.tick('ok');
          return { ...base, status: call.value };
        }
        progress.tick('failed');
        const e = call.error;
        return {
          ...base,
          status: 'failed',
          error:
            e instanceof ArgyleApiError
              ? { status: e.status, detail: e.detail }
              : { status: 0, detail: (e as Error).message },
        };
      });
      progress.done();
    }
    const failed = results.filter((r) => r.status === 'failed');
    for (const r of failed) out(`  ${r.name} (${r.id}): failed (${r.error?.detail})`);
    const summary: Record<string, number> = {
      listed: listed.value.length,
      matched: matching.length,
      ...(values['dry-run']
        ? { planned: results.length }
        : {
            deleted: results.filter((r) => r.status === 'deleted').length,
            alreadyGone: results.filter((r) => r.status === 'absent').length,
          }),
      failed: failed.length,
    };
    const file = await writeReport(
      values.report ?? defaultReportPath('unregister-argyle', started),
      buildReport({
        command: 'unregister argyle',
        started,
        finished: new Date(),
        target: { argyle: baseUrl, ...(target?.description ?? {}) },
        parameters: {
          url,
          name: prefix,
          anyName: values['any-name'],
          dryRun: values['dry-run'],
          apiKey: apiKey.source,
        },
        summary,
        items: results,
      }),
    );
    printSummary(
      out,
      values['dry-run'] ? 'Dry run: nothing was changed' : 'unregister argyle',
      summary,
      file,
    );
    return failed.length ? 1 : 0;
  } finally {
    target?.close();
  }
};
