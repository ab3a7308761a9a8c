import { parseArgs } from 'node:util';
import { CLASSIFIERS } from '../../lambdas/providers/index.js';
import type { Classification } from '../../lambdas/providers/provider.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { parseProvider } from '../local-settings.js';
import {
  COMMON_OPTIONS,
  commonHelp,
  intOption,
  numberOption,
  parseTime,
  TARGET_HELP,
  TARGET_OPTIONS,
} from '../ops/args.js';
import { createRateLimiter, mapPool } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { sendBatch } from '../ops/queue.js';
import { buildReport, defaultReportPath, printSummary, writeReport } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';

export const REQUEUE_QUARANTINED_HELP = `Usage:
  webhook-pipeline requeue-quarantined (--local | --stack <name>) [options]

Re-validates every quarantined webhook with the schemas of this version of the catalogue and
enqueues those that now pass: the record goes back from 'quarantined' to 'received' (a conditional
write, so a record that changed meanwhile is left alone), then its message is sent, and the router
publishes it as a first publication (replayed = false). If the send fails the record is already
'received', so the reconciler enqueues it: nothing is lost. Bodies that still fail are listed with
their schema issues and stay quarantined.

Finding them is a parallel Scan filtered on status: no index holds quarantined records, and
quarantine is rare enough that a Scan run by an operator after a schema fix costs less than an
index every write would pay for.

Options:
  --provider <name>   plaid or argyle (default both)
  --from <time>       Only records received at or after this time
  --to <time>         Only records received before this time
  --dry-run           Re-validate and list; change nothing
  --rate <n>          Messages a second at most (default 50)
  --segments <n>      Parallel Scan segments (default 4)
${TARGET_HELP}
${commonHelp('requeue-quarantined', 4)}

Exit status: 0 when every webhook that now passes was enqueued, 1 when any failed, 2 on a usage
error. Bodies that still fail their schema do not make it fail.`;

/** One quarantined record's fate. */
interface RequeueItem {
  webhookId: string;
  dedupeKey: string;
  provider: string;
  detailType: string;
  receivedAt: string;
  status: 'requeued' | 'still-invalid' | 'changed' | 'failed' | 'planned';
  issues?: readonly string[];
  reason?: string;
}

const classify = (record: WebhookRecord): Classification => {
  let payload: unknown;
  try {
    payload = JSON.parse(record.rawBody);
  } catch {
    return {
      kind: 'invalid',
      detailType: record.detailType,
      issues: ['(root): the stored body is not JSON'],
    };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { kind: 'invalid', detailType: record.detailType, issues: ['(root): expected an object'] };
  }
  return CLASSIFIERS[record.provider](payload as Record<string, unknown>);
};

/** `webhook-pipeline requeue-quarantined`. */
export const requeueQuarantined = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      provider: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      rate: { type: 'string' },
      segments: { type: 'string' },
      ...TARGET_OPTIONS,
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) {
    out(REQUEUE_QUARANTINED_HELP);
    return 0;
  }
  const started = new Date();
  const provider = values.provider ? parseProvider(values.provider) : undefined;
  const from = values.from ? parseTime('--from', values.from, started.getTime()) : undefined;
  const to = values.to ? parseTime('--to', values.to, started.getTime()) : undefined;
  const rate = numberOption('--rate', values.rate, 50);
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const segments = intOption('--segments', values.segments, 4, { max: 64 });
  const target = await resolveTarget(
    { local: values.local, stack: values.stack, region: values.region, localDir: values['local-dir'] },
    env,
  );
  try {
    out(
      `Re-validating quarantined webhooks${provider ? ` of ${provider}` : ''} on ${target.description.target}`,
    );
    const limiter = createRateLimiter(rate);
    const progress = createProgress({ label: values['dry-run'] ? 're-validate' : 'requeue' });
    const items: RequeueItem[] = [];
    const requeuedAt = started.toISOString();

    await target.store.scanQuarantined(
      { ...(provider ? { provider } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), segments },
      async (records) => {
        await mapPool(records, concurrency, async (record) => {
          const base = {
            webhookId: record.webhookId,
            dedupeKey: record.dedupeKey,
            provider: record.provider,
            receivedAt: record.receivedAt,
          };
          const classification = classify(record);
          const item: RequeueItem = { ...base, detailType: classification.detailType, status: 'planned' };
          items.push(item);
          if (classification.kind === 'invalid') {
            Object.assign(item, { status: 'still-invalid', issues: classification.issues });
            progress.tick('skipped');
            return;
          }
          if (values['dry-run']) {
            progress.tick('ok');
            return;
          }
          let moved: boolean;
          try {
            moved = await target.store.requeue(record.dedupeKey, record.webhookId, requeuedAt);
          } catch (error) {
            Object.assign(item, { status: 'failed', reason: `not requeued: ${(error as Error).message}` });
            progress.tick('failed');
            return;
          }
          if (!moved) {
            Object.assign(item, {
              status: 'changed',
              reason: 'the record changed since it was read; left alone',
            });
            progress.tick('skipped');
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
            Object.assign(item, {
              status: 'failed',
              reason: `record is 'received' again but the send failed (${sent?.ok === false ? sent.error : 'no result'}); the reconciler will enqueue it`,
            });
            progress.tick('failed');
          }
        });
      },
    );
    progress.done();

    const count = (status: RequeueItem['status']) => items.filter((i) => i.status === status).length;
    const summary: Record<string, number> = {
      quarantined: items.length,
      stillInvalid: count('still-invalid'),
      ...(values['dry-run']
        ? { nowValid: count('planned') }
        : { requeued: count('requeued'), changed: count('changed') }),
      failed: count('failed'),
    };
    for (const item of items.filter((i) => i.status === 'still-invalid').slice(0, 10)) {
      out(`  still invalid ${item.detailType} ${item.webhookId}: ${item.issues?.slice(0, 3).join('; ')}`);
    }
    for (const item of items.filter((i) => i.status === 'failed').slice(0, 20)) {
      out(`  failed ${item.webhookId}: ${item.reason}`);
    }
    const file = await writeReport(
      values.report ?? defaultReportPath('requeue-quarantined', started),
      buildReport({
        command: 'requeue-quarantined',
        started,
        finished: new Date(),
        target: target.description,
        parameters: {
          provider: provider ?? null,
          from: from ?? null,
          to: to ?? null,
          rate,
          concurrency,
          segments,
          dryRun: values['dry-run'],
        },
        summary,
        items,
      }),
    );
    printSummary(
      out,
      values['dry-run'] ? 'Dry run: nothing was changed' : 'requeue-quarantined',
      summary,
      file,
    );
    return summary.failed ? 1 : 0;
  } finally {
    target.close();
  }
};
