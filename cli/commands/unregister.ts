import { Argument, Command } from '@commander-js/extra-typings';
import { actionOf, type CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { ArgyleApiError, argyleBaseUrl, argyleRetryDecision, createArgyleClient } from '../ops/argyle.js';
import { createGate, mapPool, withRetry } from '../ops/concurrency.js';
import { argyleApiKey } from '../ops/credentials.js';
import { createProgress } from '../ops/progress.js';
import { finishRun } from '../ops/report.js';
import { hasTarget, resolveTarget } from '../ops/target.js';
import { addArgyleApiHelp, addClosingHelp } from '../options/help-sections.js';
import { addApiRunOptions, addStackOptions, type OptionsOf, urlOption } from '../options/shared-options.js';

interface UnregisterResult {
  id: string;
  name: string;
  events: readonly string[];
  status: 'deleted' | 'absent' | 'failed' | 'planned';
  attempts?: number;
  error?: { status: number; detail: string };
}

const DESCRIPTION = `Deletes the Argyle webhook subscriptions that 'register argyle' created for a URL: those whose URL
is exactly <url> and whose name is <prefix> or starts with <prefix>- (DELETE /v2/webhooks/{id}).
A subscription already gone (404) counts as removed. Plaid has no subscriptions: point Items
elsewhere with 'register plaid'.`;

/** The provider argument: Argyle only. */
const argyleOnly = (value: string): 'argyle' => {
  if (value === 'argyle') return value;
  if (value === 'plaid')
    throw new UsageError('Plaid has no webhook subscriptions: register another URL with register plaid');
  throw new UsageError(`unknown provider "${value}": use argyle`);
};

/** The command's arguments and options, declared once: commander parses, checks and documents them. */
const defineUnregister = () =>
  addClosingHelp(
    addArgyleApiHelp(
      addStackOptions(
        addApiRunOptions(
          new Command('unregister')
            .summary('Delete the Argyle subscriptions created for a URL')
            .description(DESCRIPTION)
            .addArgument(new Argument('<provider>', 'argyle').argParser(argyleOnly))
            .addOption(
              urlOption('Webhook URL whose subscriptions to remove (default with --stack: its output)'),
            )
            .option('--name <prefix>', 'Name prefix used at registration', 'webhook-pipeline')
            .option('--any-name', 'Remove every subscription at the URL, whatever its name')
            .option('--dry-run', 'List what would be removed; change nothing'),
          'unregister-argyle',
        ),
      ),
    ),
    { ok: 'when every matching subscription is gone', failed: 'when a deletion failed' },
  );

type UnregisterOptions = OptionsOf<typeof defineUnregister>;

/** Deletes the matching subscriptions; the exit status. */
const unregisterArgyle = async (options: UnregisterOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const { concurrency, maxAttempts, retryDelay } = options;
  const dryRun = options.dryRun === true;
  if (!options.url && !options.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  const baseUrl = argyleBaseUrl(env);
  const flags = { local: false, stack: options.stack, region: options.region };
  const target = hasTarget(flags) ? await resolveTarget(flags, env) : undefined;
  try {
    const url = options.url ?? target?.argyleWebhookUrl;
    if (!url) throw new Error(`stack ${options.stack} has no ArgyleWebhookUrl output; pass --url`);
    const apiKey = await argyleApiKey(env, options.region);
    const client = createArgyleClient({ baseUrl, apiKey });
    const retry = { maxAttempts, baseDelayMs: retryDelay, gate: createGate() };
    const listed = await withRetry(() => client.list(), argyleRetryDecision, retry);
    if (!listed.ok)
      throw new Error(`cannot list the existing subscriptions: ${(listed.error as Error).message}`);
    const prefix = options.name;
    const matching = listed.value.filter(
      (s) =>
        s.url === url && (options.anyName === true || s.name === prefix || s.name.startsWith(`${prefix}-`)),
    );
    out(
      `${matching.length} of ${listed.value.length} subscription(s) match ${url}${options.anyName === true ? '' : ` named ${prefix}*`}`,
    );

    let results: UnregisterResult[];
    if (dryRun) {
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
      ...(dryRun
        ? { planned: results.length }
        : {
            deleted: results.filter((r) => r.status === 'deleted').length,
            alreadyGone: results.filter((r) => r.status === 'absent').length,
          }),
      failed: failed.length,
    };
    return await finishRun(out, {
      command: 'unregister argyle',
      started,
      reportFile: options.report,
      target: { argyle: baseUrl, ...(target?.description ?? {}) },
      parameters: {
        url,
        name: prefix,
        anyName: options.anyName === true,
        dryRun: dryRun,
        apiKey: apiKey.source,
      },
      summary,
      items: results,
      title: dryRun ? 'Dry run: nothing was changed' : 'unregister argyle',
    });
  } finally {
    target?.close();
  }
};

/** `webhook-pipeline unregister argyle`. */
export const unregisterCommand = (ctx: CliContext) =>
  defineUnregister().action(actionOf(ctx, unregisterArgyle));
