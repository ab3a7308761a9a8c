import { parseArgs } from 'node:util';
import { classifyStoredBody } from '../../lambdas/providers/classify-stored-body.js';
import type { Classification } from '../../lambdas/providers/provider.js';
import type { ExceptionStatus, OperationsRecord } from '../../lambdas/shared/adapters/operations-store.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { UsageError } from '../cli-error.js';
import { parseProvider } from '../local-settings.js';
import {
  COMMON_OPTIONS,
  commonHelp,
  intOption,
  parseRate,
  parseTime,
  TARGET_HELP,
  TARGET_OPTIONS,
} from '../ops/args.js';
import { createRateLimiter, mapPool } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { sendBatch } from '../ops/queue.js';
import { buildReport, defaultReportPath, printSummary, writeReport } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';

const helpFor = (command: string, fixedStatus?: ExceptionStatus) => `Usage:
  webhook-pipeline ${command}${fixedStatus ? '' : ' [--status failed|quarantined]'} (--local | --stack <name>) [options]

Brings ${fixedStatus ?? 'failed or quarantined'} webhooks back. They are read from the table's sparse
'exceptions' index (one Query per shard: only quarantined and failed records are in it), then
each is sent to the queue as a requeued message ({…, rawBody, requeued: true}). The router claims
the record before it publishes (a conditional write: status becomes 'published' only if it is still
that webhookId and not published), so a webhook is published once however often it is requeued,
as a first publication (replayed = false).

Quarantined records are first re-validated as ingest validates a body (JSON, nesting, integers
EventBridge takes) and with the schemas of this version of the catalogue: only those that now pass
are sent; the others are listed with their schema issues and stay quarantined
(they do not make the run fail). Failed records (their last delivery failed after every retry) are
sent as they are: fix the cause first (see the failure in the listing).

Options:
${fixedStatus ? '' : '  --status <status>   failed (default) or quarantined\n'}  --provider <name>   plaid or argyle (default both)
  --from <time>       Only records received at or after this time
  --to <time>         Only records received before this time
  --dry-run           Read (and re-validate) and list; send nothing
  --rate <n>[/s]      Messages a second at most (default 50)
${TARGET_HELP}
${commonHelp(command, 4)}

Exit status: 0 when every record to send was sent, 1 when any failed, 2 on a usage error.`;

export const REQUEUE_HELP = helpFor('requeue');
export const REQUEUE_QUARANTINED_HELP = helpFor('requeue-quarantined', 'quarantined');

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

const parseStatus = (value: string | undefined): ExceptionStatus => {
  if (value === undefined || value === 'failed') return 'failed';
  if (value === 'quarantined') return 'quarantined';
  throw new UsageError(`--status must be failed or quarantined, got "${value}"`);
};

/** `webhook-pipeline requeue` and `requeue-quarantined` (the latter fixes --status quarantined). */
const run = async (
  command: 'requeue' | 'requeue-quarantined',
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...(command === 'requeue' ? { status: { type: 'string' } } : {}),
      provider: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      rate: { type: 'string' },
      ...TARGET_OPTIONS,
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) {
    out(command === 'requeue' ? REQUEUE_HELP : REQUEUE_QUARANTINED_HELP);
    return 0;
  }
  const started = new Date();
  const status: ExceptionStatus =
    command === 'requeue' ? parseStatus(values.status as string | undefined) : 'quarantined';
  const provider = values.provider ? parseProvider(values.provider) : undefined;
  const from = values.from ? parseTime('--from', values.from, started.getTime()) : undefined;
  const to = values.to ? parseTime('--to', values.to, started.getTime()) : undefined;
  if (from && to && !(from < to)) throw new UsageError(`--from (${from}) must be before --to (${to})`);
  const rate = parseRate(values.rate, 50);
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const target = await resolveTarget(
    { local: values.local, stack: values.stack, region: values.region, localDir: values['local-dir'] },
    env,
  );
  try {
    out(
      `${values['dry-run'] ? 'Listing' : 'Requeueing'} ${status} webhooks${provider ? ` of ${provider}` : ''} on ${target.description.target}`,
    );
    const limiter = createRateLimiter(rate);
    const progress = createProgress({ label: values['dry-run'] ? 'read' : 'requeue' });
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
          if (values['dry-run']) {
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
      ...(values['dry-run'] ? { toSend: count('planned') } : { requeued: count('requeued') }),
      failed: count('failed'),
    };
    for (const item of items.filter((i) => i.status === 'still-invalid').slice(0, 10))
      out(`  still invalid ${item.detailType} ${item.webhookId}: ${item.issues?.slice(0, 3).join('; ')}`);
    if (status === 'failed')
      for (const item of items.slice(0, 10))
        out(`  ${item.detailType} ${item.webhookId}: ${item.failure ?? '-'}`);
    for (const item of items.filter((i) => i.status === 'failed').slice(0, 20))
      out(`  failed ${item.webhookId}: ${item.reason}`);
    const file = await writeReport(
      values.report ?? defaultReportPath(command, started),
      buildReport({
        command,
        started,
        finished: new Date(),
        target: target.description,
        parameters: {
          status,
          provider: provider ?? null,
          from: from ?? null,
          to: to ?? null,
          rate,
          concurrency,
          dryRun: values['dry-run'],
        },
        summary,
        items,
      }),
    );
    printSummary(out, values['dry-run'] ? 'Dry run: nothing was sent' : command, summary, file);
    return summary.failed ? 1 : 0;
  } finally {
    target.close();
  }
};

/** `webhook-pipeline requeue [--status failed|quarantined]`. */
export const requeue = (argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void) =>
  run('requeue', argv, env, out);

/** `webhook-pipeline requeue-quarantined`: `requeue --status quarantined`. */
export const requeueQuarantined = (argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void) =>
  run('requeue-quarantined', argv, env, out);
