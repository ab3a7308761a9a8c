import { Command, Option } from '@commander-js/extra-typings';
import { classifyStoredBody } from '../../lambdas/providers/classify-stored-body.js';
import type { Classification } from '../../lambdas/providers/provider.js';
import type { ExceptionStatus, OperationsRecord } from '../../lambdas/shared/adapters/operations-store.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { createRateLimiter, mapPool } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { sendBatch } from '../ops/queue.js';
import { finishRun } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';
import { addClosingHelp } from '../options/help-sections.js';
import { parseTime } from '../options/parsers.js';
import {
  addTargetOptions,
  concurrencyOption,
  type OptionsOf,
  providerOption,
  rateOption,
  reportOption,
  timeOption,
} from '../options/shared-options.js';

const describe = (
  fixedStatus?: ExceptionStatus,
) => `Brings ${fixedStatus ?? 'failed or quarantined'} webhooks back. They are read from the table's sparse
'exceptions' index (one Query per shard: only quarantined and failed records are in it), then
each is sent to the queue as a requeued message ({…, rawBody, requeued: true}). The router claims
the record before it publishes (a conditional write: only if it is still that webhookId and
neither published nor being published by another message), so a webhook is published once
however often it is requeued, as a first publication (replayed = false).

Quarantined records are first re-validated as ingest validates a body (JSON, nesting, integers
EventBridge takes) and with the schemas of this version of the catalogue: only those that now pass
are sent; the others are listed with their schema issues and stay quarantined
(they do not make the run fail). Failed records (their last delivery failed after every retry) are
sent as they are: fix the cause first (see the failure in the listing).`;

/** One record's fate. */
interface RequeueItem {
  webhookId: string;
  dedupeKey: string;
  provider: string;
  detailType: string;
  receivedAt: string;
  status: 'requeued' | 'still-invalid' | 'failed' | 'planned';
  issues?: readonly string[];
  failure?: string;
  reason?: string;
}

/** Ingest's checks and today's catalogue, so nothing is sent that ingest would quarantine. */
const classify = (record: OperationsRecord): Classification =>
  classifyStoredBody(record.provider, record.rawBody ?? '', record.detailType);

/**
 * The options both commands take, declared once: commander parses, checks and documents them.
 * `requeue` adds `--status`; `requeue-quarantined` is `requeue --status quarantined`.
 */
const defineRequeue = (name: 'requeue' | 'requeue-quarantined', summary: string) =>
  addClosingHelp(
    addTargetOptions(
      new Command(name)
        .summary(summary)
        .description(describe(name === 'requeue' ? undefined : 'quarantined'))
        .addOption(providerOption())
        .addOption(timeOption('--from <time>', 'Only records received at or after this time'))
        .addOption(timeOption('--to <time>', 'Only records received before this time'))
        .option('--dry-run', 'Read (and re-validate) and list; send nothing')
        .addOption(rateOption())
        .addOption(concurrencyOption())
        .addOption(reportOption(name)),
    ),
    { ok: 'when every record to send was sent', failed: 'when any failed' },
  );

type RequeueOptions = OptionsOf<typeof defineRequeue> & { readonly status?: ExceptionStatus };

/** `webhook-pipeline requeue` and `requeue-quarantined` (the latter fixes --status quarantined). */
const run = async (
  command: 'requeue' | 'requeue-quarantined',
  options: RequeueOptions,
  { env, out }: CliContext,
): Promise<number> => {
  const started = new Date();
  const status: ExceptionStatus = options.status ?? (command === 'requeue' ? 'failed' : 'quarantined');
  const { provider, rate, concurrency } = options;
  const dryRun = options.dryRun === true;
  const from = options.from ? parseTime('--from', options.from, started.getTime()) : undefined;
  const to = options.to ? parseTime('--to', options.to, started.getTime()) : undefined;
  if (from && to && !(from < to)) throw new UsageError(`--from (${from}) must be before --to (${to})`);
  const target = await resolveTarget(options, env);
  try {
    out(
      `${dryRun ? 'Listing' : 'Requeueing'} ${status} webhooks${provider ? ` of ${provider}` : ''} on ${target.description.target}`,
    );
    const limiter = createRateLimiter(rate);
    const progress = createProgress({ label: dryRun ? 'read' : 'requeue' });
    const items: RequeueItem[] = [];
    await target.store.queryExceptions(
      status,
      { ...(provider ? { provider } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) },
      async (records) => {
        await mapPool(records, concurrency, async (record) => {
          const item: RequeueItem = {
            webhookId: record.webhookId,
            dedupeKey: record.dedupeKey,
            provider: record.provider,
            detailType: record.detailType,
            receivedAt: record.receivedAt,
            status: 'planned',
            ...(record.failure ? { failure: record.failure } : {}),
          };
          items.push(item);
          if (status === 'quarantined') {
            const classification = classify(record);
            item.detailType = classification.detailType;
            if (classification.kind === 'invalid') {
              Object.assign(item, { status: 'still-invalid', issues: classification.issues });
              progress.tick('skipped');
              return;
            }
          }
          if (dryRun) {
            progress.tick('ok');
            return;
          }
          await limiter.take(1);
          const [sent] = await sendBatch(target.sqs, target.queueUrl, [
            buildQueueMessage(
              {
                webhookId: record.webhookId,
                provider: record.provider,
                dedupeKey: record.dedupeKey,
                receivedAt: record.receivedAt,
                ...(record.dedupeUntil === undefined ? {} : { dedupeUntil: record.dedupeUntil }),
                requeued: true,
              },
              record.rawBody,
            ),
          ]);
          if (sent?.ok) {
            item.status = 'requeued';
            progress.tick('ok');
          } else {
            // Nothing was changed in the table: the record stays in the exceptions index for the next run.
            Object.assign(item, {
              status: 'failed',
              reason: `not sent: ${sent?.ok === false ? sent.error : 'no result'}`,
            });
            progress.tick('failed');
          }
        });
      },
    );
    progress.done();

    const count = (s: RequeueItem['status']) => items.filter((i) => i.status === s).length;
    const summary: Record<string, number> = {
      found: items.length,
      ...(status === 'quarantined' ? { stillInvalid: count('still-invalid') } : {}),
      ...(dryRun ? { toSend: count('planned') } : { requeued: count('requeued') }),
      failed: count('failed'),
    };
    for (const item of items.filter((i) => i.status === 'still-invalid').slice(0, 10))
      out(`  still invalid ${item.detailType} ${item.webhookId}: ${item.issues?.slice(0, 3).join('; ')}`);
    if (status === 'failed')
      for (const item of items.slice(0, 10))
        out(`  ${item.detailType} ${item.webhookId}: ${item.failure ?? '-'}`);
    for (const item of items.filter((i) => i.status === 'failed').slice(0, 20))
      out(`  failed ${item.webhookId}: ${item.reason}`);
    return await finishRun(out, {
      command,
      started,
      reportFile: options.report,
      target: target.description,
      parameters: {
        status,
        provider: provider ?? null,
        from: from ?? null,
        to: to ?? null,
        rate,
        concurrency,
        dryRun: dryRun,
      },
      summary,
      items,
      title: dryRun ? 'Dry run: nothing was sent' : command,
    });
  } finally {
    target.close();
  }
};

const STATUSES: readonly ExceptionStatus[] = ['failed', 'quarantined'];

/** `--status`: failed (default) or quarantined. */
const statusArg = (value: string): ExceptionStatus => {
  if ((STATUSES as readonly string[]).includes(value)) return value as ExceptionStatus;
  throw new UsageError(`--status must be failed or quarantined, got "${value}"`);
};

/** `webhook-pipeline requeue [--status failed|quarantined]`. */
export const requeueCommand = (ctx: CliContext) =>
  defineRequeue('requeue', 'Bring failed webhooks back (--status quarantined: quarantined ones)')
    .addOption(
      new Option('--status <status>', 'failed or quarantined')
        .argParser(statusArg)
        .default('failed' as ExceptionStatus),
    )
    .action(async (options) => {
      ctx.status = await run('requeue', options, ctx);
    });

/** `webhook-pipeline requeue-quarantined`: `requeue --status quarantined`. */
export const requeueQuarantinedCommand = (ctx: CliContext) =>
  defineRequeue(
    'requeue-quarantined',
    'Re-validate quarantined webhooks; enqueue those that now pass',
  ).action(async (options) => {
    ctx.status = await run('requeue-quarantined', options, ctx);
  });
