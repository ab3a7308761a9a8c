import { Argument, Command, Option } from '@commander-js/extra-typings';
import type { ItemGetResponse } from 'plaid';
import { actionOf, type CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { createGate, mapPool, withRetry } from '../ops/concurrency.js';
import { plaidCredentials } from '../ops/credentials.js';
import {
  createPlaidApi,
  type PlaidCallError,
  plaidBasePath,
  plaidErrorOf,
  plaidRetryDecision,
} from '../ops/plaid.js';
import { createProgress } from '../ops/progress.js';
import {
  compareItem,
  environmentOf,
  type ItemGap,
  nudgeBody,
  type StoredPlaidWebhook,
} from '../ops/reconcile-plaid.js';
import { type NudgeResult, publishNudge, readStoredPlaidWebhooks } from '../ops/reconcile-table.js';
import { finishRun, maskAccessToken } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';
import { readValuesFile } from '../ops/values-file.js';
import { addClosingHelp, addPlaidApiHelp } from '../options/help-sections.js';
import { intArg, parseTime } from '../options/parsers.js';
import {
  accessTokensOption,
  addApiRunOptions,
  addTargetOptions,
  type OptionsOf,
  timeOption,
  urlOption,
} from '../options/shared-options.js';

const DESCRIPTION = `Finds the Plaid webhooks the pipeline never received. Plaid retries a delivery for 24 hours and then
drops it (an outage, a wrong URL, a lost secret), and offers no replay. For each Item (the access
tokens register plaid takes) the command reads /item/get (official SDK): status.last_webhook says
which code Plaid last sent and when. It compares that with the Item's webhooks in the table (one
parallel Scan of the Plaid records) and prints a table of the gaps, with the recovery Plaid
documents for the Item's products:

  transactions   a TRANSACTIONS.SYNC_UPDATES_AVAILABLE event is enough: /transactions/sync returns
                 every change since the consumer's cursor. With --recover the command publishes it
                 through the pipeline (queue message, then the record), marked in the body with
                 webhook_pipeline_recovery {missed_code, missed_sent_at}; a later run counts the gap
                 as recovered and sends no second nudge.
  other products the consumer calls the product's endpoint (e.g. /investments/holdings/get); an
                 event cannot carry that data, so nothing is published.
  Item in error  (e.g. ITEM_LOGIN_REQUIRED) the user goes through Link update mode first.

It also names Items whose webhook URL at Plaid is not the pipeline's (the usual cause of gaps).
Calls back off on 429 RATE_LIMIT_EXCEEDED and retry 5xx; other Plaid errors (INVALID_ACCESS_TOKEN,
ITEM_LOGIN_REQUIRED…) are reported for that Item.`;

/** The provider argument: Plaid only. */
const plaidOnly = (value: string): 'plaid' => {
  if (value === 'plaid') return value;
  throw new UsageError(
    `reconcile supports plaid only, got "${value}" (Argyle retries and has no last-webhook status to compare)`,
  );
};

/** The command's arguments and options, declared once: commander parses, checks and documents them. */
const defineReconcile = () =>
  addClosingHelp(
    addPlaidApiHelp(
      addTargetOptions(
        addApiRunOptions(
          new Command('reconcile')
            .summary('Find Plaid webhooks never received (/item/get last_webhook); --recover')
            .description(DESCRIPTION)
            .addArgument(new Argument('<provider>', 'plaid').argParser(plaidOnly))
            .addOption(accessTokensOption())
            .addOption(
              urlOption(
                "The pipeline's Plaid webhook URL, to flag Items pointed elsewhere (default: the stack's PlaidWebhookUrl output, or the local one)",
              ),
            )
            .addOption(
              timeOption(
                '--since <time>',
                'Scan only records received since (default: 1 day before the oldest last_webhook.sent_at)',
              ),
            )
            .addOption(
              new Option(
                '--slack <s>',
                'A stored webhook counts if received at most s seconds before sent_at',
              )
                .argParser(intArg('--slack', { min: 0, max: 86_400 }))
                .default(300),
            )
            .option('--recover', 'Publish the nudge for each recoverable gap (default: report only)'),
          'reconcile-plaid',
        ),
      ),
    ),
    {
      ok: 'when every Item was read and has no gap left (recovered counts as none)',
      failed: 'when an Item could not be read or a gap remains',
      examples: [
        'PLAID_ENV=production webhook-pipeline reconcile plaid --stack WebhookPipeline-prod --access-tokens tokens.txt --recover',
      ],
    },
  );

type ReconcileOptions = OptionsOf<typeof defineReconcile>;

/** One Item's line of the report. */
interface ReconcileItem extends Partial<ItemGap> {
  line: number;
  accessToken: string;
  attempts: number;
  status: 'ok' | 'missed' | 'recovered' | 'no-webhook' | 'error';
  error?: Omit<PlaidCallError, 'retryAfterMs'>;
  nudge?: NudgeResult;
}

const DAY_MS = 86_400_000;

/** `reconcile plaid`; the exit status. */
const reconcilePlaid = async (options: ReconcileOptions, { env, out }: CliContext): Promise<number> => {
  const started = new Date();
  const { concurrency, maxAttempts, retryDelay } = options;
  const recover = options.recover === true;
  if (!options.accessTokens) throw new UsageError('missing --access-tokens <file> (one access token a line)');
  const slackMs = options.slack * 1000;
  const since = options.since ? parseTime('--since', options.since, started.getTime()) : undefined;
  const tokens = await readValuesFile(options.accessTokens, '--access-tokens');
  const plaid = plaidBasePath(env);
  const target = await resolveTarget(options, env);
  try {
    const expectedWebhook = options.url ?? target.plaidWebhookUrl;
    const credentials = await plaidCredentials(env, target);
    const api = createPlaidApi(plaid.basePath, credentials);
    out(`Reconciling ${tokens.values.length} Item(s) of ${plaid.label} with ${target.description.target}`);

    // 1. What Plaid last sent each Item.
    const gate = createGate();
    const progress = createProgress({ label: 'item/get', total: tokens.values.length });
    const answers = await mapPool(tokens.values, concurrency, async (token) => {
      const call = await withRetry(
        async () => (await api.itemGet({ access_token: token.value })).data,
        plaidRetryDecision,
        { maxAttempts, baseDelayMs: retryDelay, gate },
      );
      progress.tick(call.ok ? 'ok' : 'failed');
      return { token, call };
    });
    progress.done();

    // 2. The Items' webhooks in the table: one Scan of the Plaid records since the oldest sent_at.
    const sentTimes = answers
      .map((a) => (a.call.ok ? a.call.value.status?.last_webhook?.sent_at : undefined))
      .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
      .map((t) => Date.parse(t));
    const from =
      since ?? (sentTimes.length ? new Date(Math.min(...sentTimes) - DAY_MS).toISOString() : undefined);
    const itemIds = new Set(answers.flatMap((a) => (a.call.ok ? [a.call.value.item.item_id] : [])));
    const stored =
      itemIds.size && from
        ? await readStoredPlaidWebhooks(target, itemIds, from)
        : new Map<string, StoredPlaidWebhook[]>();

    // 3. Compare, and recover what a nudge can recover when asked.
    const results: ReconcileItem[] = [];
    for (const { token, call } of answers) {
      const base = { line: token.line, accessToken: maskAccessToken(token.value), attempts: call.attempts };
      if (!call.ok) {
        const { retryAfterMs: _ignored, ...error } = plaidErrorOf(call.error);
        results.push({ ...base, status: 'error', error });
        continue;
      }
      const answer: ItemGetResponse = call.value;
      const gap = compareItem(answer, stored.get(answer.item.item_id) ?? [], expectedWebhook, slackMs);
      const result: ReconcileItem = { ...base, ...gap, status: gap.state };
      results.push(result);
      if (!(recover && gap.state === 'missed' && gap.recovery?.kind === 'nudge' && gap.lastSent)) continue;
      const body = nudgeBody(answer, gap.lastSent, environmentOf(token.value, env.PLAID_ENV ?? 'production'));
      result.nudge = await publishNudge(target, body);
      if (result.nudge.sent) result.status = 'recovered';
    }

    // 4. The table and the summary.
    const rows = results.filter((r) => r.status !== 'ok' && r.status !== 'no-webhook');
    if (rows.length) {
      out(
        '  item / token                      last sent by Plaid                          last stored                                  state      recovery',
      );
      for (const r of rows) {
        const who = (r.itemId ?? r.accessToken).padEnd(33);
        const sent = r.lastSent ? `${r.lastSent.code} ${r.lastSent.sentAt}` : '-';
        const kept = r.lastStored ? `${r.lastStored.detailType} ${r.lastStored.receivedAt}` : '-';
        const what =
          r.status === 'error'
            ? `${r.error?.error_code} (${r.error?.error_type}) ${r.error?.error_message ?? ''}`
            : r.nudge
              ? `${r.nudge.sent ? 'nudge published' : `nudge not sent: ${r.nudge.reason}`} ${r.nudge.webhookId}`
              : (r.recovery?.action ?? '');
        out(`  ${who} ${sent.padEnd(43)} ${kept.padEnd(44)} ${r.status.padEnd(10)} ${what}`);
        if (r.webhookElsewhere)
          out(`    webhook URL at Plaid is ${r.webhookElsewhere}, not ${expectedWebhook}`);
      }
    }
    const count = (s: ReconcileItem['status']) => results.filter((r) => r.status === s).length;
    const summary: Record<string, number> = {
      items: results.length,
      ok: count('ok'),
      noWebhook: count('no-webhook'),
      missed: count('missed'),
      recovered: count('recovered'),
      recoverable: results.filter((r) => r.status === 'missed' && r.recovery?.kind === 'nudge').length,
      webhookElsewhere: results.filter((r) => r.webhookElsewhere).length,
      errors: count('error'),
      failed:
        count('error') + results.filter((r) => r.status === 'missed' && r.recovery?.kind !== 'none').length,
    };
    return await finishRun(out, {
      command: 'reconcile plaid',
      started,
      reportFile: options.report,
      target: { plaid: plaid.label, ...target.description },
      parameters: {
        accessTokensFile: options.accessTokens,
        expectedWebhook: expectedWebhook ?? null,
        since: from ?? null,
        slackSeconds: slackMs / 1000,
        recover: recover,
        concurrency,
        maxAttempts,
        credentials: credentials.source,
      },
      summary,
      items: results,
      title: 'reconcile plaid',
    });
  } finally {
    target.close();
  }
};

/** `webhook-pipeline reconcile plaid`. */
export const reconcileCommand = (ctx: CliContext) => defineReconcile().action(actionOf(ctx, reconcilePlaid));
