import { parseArgs } from 'node:util';
import { DETAIL_TYPES } from '../../lambdas/events/index.js';
import type { StoredWebhook } from '../../lambdas/shared/adapters/webhook-store.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { WebhookStatus } from '../../lambdas/shared/webhook-record.js';
import { parseProvider } from '../local-settings.js';
import {
  COMMON_OPTIONS,
  commonHelp,
  intOption,
  listOption,
  numberOption,
  parseWindow,
  TARGET_HELP,
  TARGET_OPTIONS,
} from '../ops/args.js';
import { createRateLimiter, mapPool } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { SQS_BATCH, sendBatch } from '../ops/queue.js';
import { buildReport, defaultReportPath, printSummary, writeReport } from '../ops/report.js';
import { resolveTarget } from '../ops/target.js';

export const REPLAY_HELP = `Usage:
  webhook-pipeline replay --from <time> [--to <time>] [--provider plaid|argyle] [--type <detail-type>]
                          (--local | --stack <name>) [options]

Publishes stored webhooks again: each published webhook received in [from, to) is sent to the
pipeline's queue as a replay message (no body; the router reads it from the table), and the
router publishes it once more with detail.metadata.replayed = true and its original webhookId.
Records found through the table's day-sharded byProviderDay index, never a Scan. Webhooks not yet
published are skipped: the reconciler owns those 'received', requeue-quarantined the quarantined.

Times: ISO 8601 (2026-11-25T12:00:00Z, or a date), "now", or a duration ago (90m, 6h, 2d).

Options:
  --from <time>       Start of the window, inclusive (required)
  --to <time>         End of the window, exclusive (default now)
  --provider <name>   plaid or argyle (default both)
  --type <list>       Only these detail-types, comma-separated or repeated
                      (e.g. TRANSACTIONS.SYNC_UPDATES_AVAILABLE, accounts.updated)
  --dry-run           Count and list what would be replayed; send nothing
  --rate <n>          Messages a second at most (default 50)
${TARGET_HELP}
${commonHelp('replay', 4)}

Exit status: 0 when every selected webhook was enqueued, 1 when any failed, 2 on a usage error.`;

/** One stored webhook's fate. */
interface ReplayItem {
  webhookId: string;
  dedupeKey: string;
  provider: string;
  detailType: string;
  receivedAt: string;
  status: 'enqueued' | 'failed' | 'skipped' | 'planned';
  reason?: string;
}

const SKIP_REASONS: Record<string, string> = {
  [WebhookStatus.Quarantined]: 'quarantined (see requeue-quarantined)',
  [WebhookStatus.Failed]: 'failed (see redrive-dlq)',
};

/** `webhook-pipeline replay`. */
export const replay = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      provider: { type: 'string' },
      type: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      rate: { type: 'string' },
      ...TARGET_OPTIONS,
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) {
    out(REPLAY_HELP);
    return 0;
  }
  const started = new Date();
  const window = parseWindow(values.from, values.to, started.getTime());
  const providers = values.provider ? [parseProvider(values.provider)] : (['plaid', 'argyle'] as const);
  const types = new Set(listOption(values.type));
  const rate = numberOption('--rate', values.rate, 50);
  const concurrency = intOption('--concurrency', values.concurrency, 4, { max: 50 });
  const target = await resolveTarget(
    { local: values.local, stack: values.stack, region: values.region, localDir: values['local-dir'] },
    env,
  );
  try {
    const known = new Set<string>(DETAIL_TYPES.map((d) => d.detailType));
    for (const type of types) {
      // Codes the catalogue lacks are published under their natural name, so they stay allowed.
      if (!known.has(type))
        out(`  note: ${type} is not a catalogue detail-type; only webhooks stored under it match`);
    }
    out(
      `Replaying ${providers.join(' and ')} webhooks received in [${window.from}, ${window.to})${types.size ? ` of type ${[...types].join(', ')}` : ''} on ${target.description.target}`,
    );
    const limiter = createRateLimiter(rate);
    const progress = createProgress({ label: values['dry-run'] ? 'selecting' : 'replay' });
    const items: ReplayItem[] = [];
    const byDetailType: Record<string, number> = {};
    let inWindow = 0;
    let otherTypes = 0;

    const describe = (r: StoredWebhook): Omit<ReplayItem, 'status'> => ({
      webhookId: r.webhookId,
      dedupeKey: r.dedupeKey,
      provider: r.provider,
      detailType: r.detailType,
      receivedAt: r.receivedAt,
    });

    for (const provider of providers) {
      for await (const page of target.store.queryReceived(provider, window.from, window.to)) {
        inWindow += page.length;
        const selected = page.filter((r) => types.size === 0 || types.has(r.detailType));
        otherTypes += page.length - selected.length;
        const replayable: StoredWebhook[] = [];
        for (const r of selected) {
          // Storage layout v2: a first publication writes nothing, so `received` records are published too.
          if (r.status === WebhookStatus.Published || r.status === WebhookStatus.Received) replayable.push(r);
          else {
            items.push({
              ...describe(r),
              status: 'skipped',
              reason: SKIP_REASONS[r.status] ?? `status ${r.status}`,
            });
            progress.tick('skipped');
          }
        }
        if (values['dry-run']) {
          for (const r of replayable) {
            items.push({ ...describe(r), status: 'planned' });
            byDetailType[r.detailType] = (byDetailType[r.detailType] ?? 0) + 1;
            progress.tick('ok');
          }
          continue;
        }
        const chunks: StoredWebhook[][] = [];
        for (let i = 0; i < replayable.length; i += SQS_BATCH)
          chunks.push(replayable.slice(i, i + SQS_BATCH));
        await mapPool(chunks, concurrency, async (chunk) => {
          await limiter.take(chunk.length);
          const outcomes = await sendBatch(
            target.sqs,
            target.queueUrl,
            chunk.map((r) =>
              buildQueueMessage({
                webhookId: r.webhookId,
                provider: r.provider,
                dedupeKey: r.dedupeKey,
                receivedAt: r.receivedAt,
                replayed: true,
              }),
            ),
          );
          chunk.forEach((r, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok) {
              items.push({ ...describe(r), status: 'enqueued' });
              byDetailType[r.detailType] = (byDetailType[r.detailType] ?? 0) + 1;
              progress.tick('ok');
            } else {
              items.push({ ...describe(r), status: 'failed', reason: outcome?.error ?? 'not sent' });
              progress.tick('failed');
            }
          });
        });
      }
    }
    progress.done();

    const count = (status: ReplayItem['status']) => items.filter((i) => i.status === status).length;
    const summary: Record<string, number> = {
      inWindow,
      otherTypes,
      selected: inWindow - otherTypes,
      skipped: count('skipped'),
      ...(values['dry-run'] ? { planned: count('planned') } : { enqueued: count('enqueued') }),
      failed: count('failed'),
    };
    for (const [detailType, n] of Object.entries(byDetailType)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)) {
      out(`  ${detailType.padEnd(50)} ${n}`);
    }
    for (const item of items.filter((i) => i.status === 'failed').slice(0, 20)) {
      out(`  failed ${item.webhookId}: ${item.reason}`);
    }
    const file = await writeReport(
      values.report ?? defaultReportPath('replay', started),
      buildReport({
        command: 'replay',
        started,
        finished: new Date(),
        target: target.description,
        parameters: {
          from: window.from,
          to: window.to,
          providers,
          types: [...types],
          rate,
          concurrency,
          dryRun: values['dry-run'],
        },
        summary,
        breakdown: { byDetailType },
        items,
      }),
    );
    printSummary(out, values['dry-run'] ? 'Dry run: nothing was sent' : 'replay', summary, file);
    return summary.failed ? 1 : 0;
  } finally {
    target.close();
  }
};
