import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ItemGetResponse } from 'plaid';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { UsageError } from '../cli-error.js';
import { intOption, parseTime, TARGET_HELP, urlOption } from '../ops/args.js';
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
import { sendBatch } from '../ops/queue.js';
import {
  compareItem,
  environmentOf,
  type ItemGap,
  nudgeBody,
  type StoredPlaidWebhook,
} from '../ops/reconcile-plaid.js';
import { buildReport, defaultReportPath, maskAccessToken, printSummary, writeReport } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';
import { readValuesFile } from '../ops/values-file.js';
import { SHARED_OPTIONS, targetFlags } from './register.js';

export const RECONCILE_HELP = `Usage:
  webhook-pipeline reconcile plaid --access-tokens <file> (--local | --stack <name>) [options]

Finds the Plaid webhooks the pipeline never received. Plaid retries a delivery for 24 hours and then
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
ITEM_LOGIN_REQUIRED…) are reported for that Item.

Options:
  --access-tokens <file>  Access tokens, one a line; blank lines and # comments ignored
  --url <url>             The pipeline's Plaid webhook URL, to flag Items pointed elsewhere
                          (default: the stack's PlaidWebhookUrl output, or the local one)
  --since <time>          Scan only records received since (default: 1 day before the oldest
                          last_webhook.sent_at)
  --slack <s>             A stored webhook counts if received at most s seconds before sent_at (default 300)
  --recover               Publish the nudge for each recoverable gap (default: report only)
  --max-attempts <n>      Attempts per call on rate limits and 5xx (default 6)
  --retry-delay <ms>      First backoff delay, doubled each retry (default 1000)
${TARGET_HELP}
  --concurrency <n>       Calls in flight at once (default 4)
  --report <file>         JSON report (default reports/reconcile-plaid-<timestamp>.json)
  -h, --help              This help

Environment: PLAID_ENV or PLAID_BASE_URL, PLAID_CLIENT_ID + PLAID_SECRET (or PLAID_SECRET_ARN, or
the stack's Plaid secret), as for register plaid.

Exit status: 0 when every Item was read and has no gap left (recovered counts as none), 1 when an
Item could not be read or a gap remains, 2 on a usage error.`;

/** One Item's line of the report. */
interface ReconcileItem extends Partial<ItemGap> {
  line: number;
  accessToken: string;
  attempts: number;
  status: 'ok' | 'missed' | 'recovered' | 'no-webhook' | 'error';
  error?: Omit<PlaidCallError, 'retryAfterMs'>;
  nudge?: { webhookId: string; sent: boolean; reason?: string };
}

const DAY_MS = 86_400_000;

/** `webhook-pipeline reconcile plaid`. */
export const reconcile = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const [provider, ...rest] = argv;
  if (provider === '--help' || provider === '-h') {
    out(RECONCILE_HELP);
    return 0;
  }
  if (provider !== 'plaid')
    throw new UsageError(
      provider
        ? `reconcile supports plaid only, got "${provider}" (Argyle retries and has no last-webhook status to compare)`
        : 'missing provider: reconcile plaid',
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      ...SHARED_OPTIONS,
      'access-tokens': { type: 'string' },
      since: { type: 'string' },
      slack: { type: 'string' },
      recover: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(RECONCILE_HELP);
    return 0;
  }
  const started = new Date();
  if (!values['access-tokens'])
    throw new UsageError('missing --access-tokens <file> (one access token a line)');
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const maxAttempts = intOption('--max-attempts', values['max-attempts'], 6, { max: 20 });
  const retryDelay = intOption('--retry-delay', values['retry-delay'], 1000, { min: 0, max: 600_000 });
  const slackMs = intOption('--slack', values.slack, 300, { min: 0, max: 86_400 }) * 1000;
  const since = values.since ? parseTime('--since', values.since, started.getTime()) : undefined;
  if (values.url) urlOption('--url', values.url);
  const tokens = await readValuesFile(values['access-tokens'], '--access-tokens');
  const plaid = plaidBasePath(env);
  const target = await resolveTarget(targetFlags(values), env);
  try {
    const expectedWebhook = values.url ?? target.plaidWebhookUrl;
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
    const stored = new Map<string, StoredPlaidWebhook[]>();
    if (itemIds.size && from) {
      await target.store.scan(
        { providers: ['plaid'], from, withBody: true },
        { segments: 4 },
        async (page) => {
          for (const r of page.records) {
            let body: { item_id?: unknown; webhook_pipeline_recovery?: { missed_sent_at?: unknown } };
            try {
              body = JSON.parse(r.rawBody ?? '') as typeof body;
            } catch {
              continue;
            }
            if (typeof body.item_id !== 'string' || !itemIds.has(body.item_id)) continue;
            const recoveryOf = body.webhook_pipeline_recovery?.missed_sent_at;
            const list = stored.get(body.item_id) ?? [];
            list.push({
              webhookId: r.webhookId,
              detailType: r.detailType,
              receivedAt: r.receivedAt,
              ...(typeof recoveryOf === 'string' ? { recoveryOf } : {}),
            });
            stored.set(body.item_id, list);
          }
        },
      );
    }

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
      if (!(values.recover && gap.state === 'missed' && gap.recovery?.kind === 'nudge' && gap.lastSent))
        continue;
      const body = nudgeBody(answer, gap.lastSent, environmentOf(token.value, env.PLAID_ENV ?? 'production'));
      const receivedAt = new Date().toISOString();
      const record = {
        dedupeKey: `plaid#${createHash('sha256').update(body).digest('hex')}`,
        webhookId: randomUUID(),
        provider: 'plaid' as const,
        detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
        receivedAt,
        rawBody: body,
      };
      // As ingest does (docs/storage-layout.md): the message first, then the record, so nothing is
      // stored without being enqueued; the router adopts a message whose record is missing.
      const [sent] = await sendBatch(target.sqs, target.queueUrl, [
        buildQueueMessage(
          {
            webhookId: record.webhookId,
            provider: record.provider,
            dedupeKey: record.dedupeKey,
            receivedAt,
          },
          body,
        ),
      ]);
      if (!sent?.ok) {
        result.nudge = { webhookId: record.webhookId, sent: false, reason: sent?.error ?? 'not sent' };
        continue;
      }
      const now = Math.floor(Date.parse(receivedAt) / 1000);
      await target.store
        .putNew({ ...record, expiresAt: now + 30 * 86_400, dedupeUntil: now + 600 })
        .catch(() => false);
      result.nudge = { webhookId: record.webhookId, sent: true };
      result.status = 'recovered';
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
    const file = await writeReport(
      values.report ?? defaultReportPath('reconcile-plaid', started),
      buildReport({
        command: 'reconcile plaid',
        started,
        finished: new Date(),
        target: { plaid: plaid.label, ...target.description },
        parameters: {
          accessTokensFile: values['access-tokens'],
          expectedWebhook: expectedWebhook ?? null,
          since: from ?? null,
          slackSeconds: slackMs / 1000,
          recover: values.recover,
          concurrency,
          maxAttempts,
          credentials: credentials.source,
        },
        summary,
        items: results,
      }),
    );
    printSummary(out, 'reconcile plaid', summary, file);
    return summary.failed ? 1 : 0;
  } finally {
    target.close();
  }
};
