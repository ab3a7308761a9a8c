import { Command, Option } from '@commander-js/extra-typings';
import type { ItemWebhookUpdateResponse } from 'plaid';
import { actionOf, type CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { createGate, mapPool, withRetry } from '../ops/concurrency.js';
import { plaidCredentials } from '../ops/credentials.js';
import { createPlaidApi, plaidBasePath, plaidErrorOf, plaidRetryDecision } from '../ops/plaid.js';
import { createProgress } from '../ops/progress.js';
import { finishRun, maskAccessToken } from '../ops/report.js';
import { hasTarget, resolveTarget } from '../ops/target.js';
import { readValuesFile } from '../ops/values-file.js';
import { addClosingHelp, addPlaidApiHelp } from '../options/help-sections.js';
import { intArg } from '../options/parsers.js';
import {
  accessTokensOption,
  addApiRunOptions,
  addTargetOptions,
  type OptionsOf,
  urlOption,
} from '../options/shared-options.js';
import { type PlaidItemResult, waitForAcknowledgements } from './plaid-acknowledgements.js';

const DESCRIPTION = `Points each Item at the pipeline with Plaid's /item/webhook/update (official SDK), a few calls at
a time, backing off on rate limits (429 RATE_LIMIT_EXCEEDED) and Plaid-side errors (5xx). Each
Item's result (item_id, or Plaid's error_code) is in the report. With --wait, it then waits until
the WEBHOOK_UPDATE_ACKNOWLEDGED of every updated Item is in the pipeline's table and names those
still missing.`;

/** The command's options, declared once: commander parses, checks and documents them. */
const defineRegisterPlaid = () =>
  addClosingHelp(
    addPlaidApiHelp(
      addTargetOptions(
        addApiRunOptions(
          new Command('plaid')
            .summary(
              'Point Plaid Items at a webhook URL (/item/webhook/update); --wait for the acknowledgements',
            )
            .description(DESCRIPTION)
            .addOption(
              urlOption('Webhook URL to register (default with --stack: its PlaidWebhookUrl output)'),
            )
            .addOption(accessTokensOption())
            .option(
              '--wait',
              "Then wait for each Item's WEBHOOK_UPDATE_ACKNOWLEDGED in the table (needs --local or --stack)",
            )
            .addOption(
              new Option('--wait-timeout <s>', 'How long to wait for them')
                .argParser(intArg('--wait-timeout', { max: 86_400 }))
                .default(300),
            )
            .option('--dry-run', 'Read the file and check the configuration; change nothing'),
          'register-plaid',
        ),
      ),
    ),
    {
      ok: 'when every Item was updated (and acknowledged with --wait)',
      failed: 'when any failed',
      examples: [
        'PLAID_ENV=production webhook-pipeline register plaid --stack WebhookPipeline-prod --access-tokens tokens.txt --wait',
        'PLAID_ENV=sandbox webhook-pipeline register plaid --url https://abc.example.dev/webhooks/plaid --access-tokens tokens.txt --local --wait',
      ],
    },
  );

type RegisterPlaidOptions = OptionsOf<typeof defineRegisterPlaid>;

/** Calls /item/webhook/update for every token, `concurrency` at a time, with backoff. */
const updateItems = async (
  tokens: readonly { value: string; line: number }[],
  url: string,
  api: ReturnType<typeof createPlaidApi>,
  { concurrency, maxAttempts, retryDelay }: RegisterPlaidOptions,
): Promise<PlaidItemResult[]> => {
  const gate = createGate();
  const progress = createProgress({ label: 'item/webhook/update', total: tokens.length });
  const results = await mapPool(tokens, concurrency, async (token): Promise<PlaidItemResult> => {
    const call = await withRetry(
      async () => (await api.itemWebhookUpdate({ access_token: token.value, webhook: url })).data,
      plaidRetryDecision,
      { maxAttempts, baseDelayMs: retryDelay, gate },
    );
    const base = { line: token.line, accessToken: maskAccessToken(token.value), attempts: call.attempts };
    if (call.ok) {
      progress.tick('ok');
      const data: ItemWebhookUpdateResponse = call.value;
      return {
        ...base,
        status: 'updated',
        itemId: data.item?.item_id,
        ...(data.item?.webhook ? { webhook: data.item.webhook } : {}),
        requestId: data.request_id,
      };
    }
    progress.tick('failed');
    const { retryAfterMs: _ignored, ...error } = plaidErrorOf(call.error);
    return { ...base, status: 'failed', error };
  });
  progress.done();
  return results;
};

/** The summary counters of a run. */
const summarise = (
  results: readonly PlaidItemResult[],
  tokens: number,
  duplicates: number,
  { dryRun, wait }: { dryRun: boolean; wait: boolean },
): Record<string, number> => {
  const updated = results.filter((r) => r.status === 'updated').length;
  const updateFailed = results.filter((r) => r.status === 'failed').length;
  const summary: Record<string, number> = {
    tokens,
    duplicatesSkipped: duplicates,
    ...(dryRun ? { planned: results.length } : { updated, updateFailed }),
  };
  if (wait && !dryRun) {
    summary.acknowledged = results.filter((r) => r.acknowledged === true).length;
    summary.notAcknowledged = results.filter((r) => r.acknowledged === false).length;
  }
  summary.failed = updateFailed + (summary.notAcknowledged ?? 0);
  return summary;
};

/** `register plaid`; the exit status. */
const registerPlaid = async (options: RegisterPlaidOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const dryRun = options.dryRun === true;
  const wait = options.wait === true;
  if (!options.accessTokens) throw new UsageError('missing --access-tokens <file> (one access token a line)');
  if (wait && !hasTarget(options)) {
    throw new UsageError("--wait reads the pipeline's table: add --local or --stack <name>");
  }
  if (!options.url && !options.stack)
    throw new UsageError('missing --url <webhook url> (or --stack to use its output)');
  const tokens = await readValuesFile(options.accessTokens, '--access-tokens');
  const plaid = plaidBasePath(env);

  const target = hasTarget(options) ? await resolveTarget(options, env) : undefined;
  try {
    const url = options.url ?? target?.plaidWebhookUrl;
    if (!url) throw new Error(`stack ${options.stack} has no PlaidWebhookUrl output; pass --url`);
    const credentials = await plaidCredentials(env, target);
    out(`Registering ${url} for ${tokens.values.length} Item(s) with ${plaid.label}`);
    if (tokens.duplicates.length) out(`  ${tokens.duplicates.length} repeated access token(s) skipped`);

    let results: PlaidItemResult[];
    if (dryRun) {
      results = tokens.values.map((t) => ({
        line: t.line,
        accessToken: maskAccessToken(t.value),
        status: 'planned',
        attempts: 0,
      }));
    } else {
      results = await updateItems(tokens.values, url, createPlaidApi(plaid.basePath, credentials), options);
      if (wait && target) {
        out(
          `Waiting up to ${options.waitTimeout} s for WEBHOOK_UPDATE_ACKNOWLEDGED in ${target.description.target}`,
        );
        // A minute of slack for clock differences between this machine and the pipeline.
        await waitForAcknowledgements(
          target,
          url,
          results,
          new Date(started.getTime() - 60_000).toISOString(),
          options.waitTimeout * 1000,
        );
      }
    }

    const summary = summarise(results, tokens.values.length, tokens.duplicates.length, { dryRun, wait });
    for (const r of results.filter((x) => x.status === 'failed')) {
      out(
        `  line ${r.line} ${r.accessToken}: ${r.error?.error_code} (${r.error?.error_type}) ${r.error?.error_message}`,
      );
    }
    for (const r of results.filter((x) => x.acknowledged === false)) {
      out(
        `  line ${r.line} item ${r.itemId}: ${r.acknowledgement?.error ? 'acknowledged with an error' : 'no WEBHOOK_UPDATE_ACKNOWLEDGED yet'}`,
      );
    }
    return await finishRun(out, {
      command: 'register plaid',
      started,
      reportFile: options.report,
      target: { plaid: plaid.label, ...(target?.description ?? {}) },
      parameters: {
        url,
        accessTokensFile: options.accessTokens,
        concurrency: options.concurrency,
        maxAttempts: options.maxAttempts,
        wait,
        dryRun,
        credentials: credentials.source,
      },
      summary,
      items: results,
      title: dryRun ? 'Dry run: nothing was changed' : 'register plaid',
    });
  } finally {
    target?.close();
  }
};

/** `webhook-pipeline register plaid`. */
export const registerPlaidCommand = (ctx: CliContext) =>
  defineRegisterPlaid().action(actionOf(ctx, registerPlaid));
