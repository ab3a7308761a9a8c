import { parseArgs } from 'node:util';
import { DETAIL_TYPES } from '../../lambdas/events/index.js';
import type { OperationsRecord } from '../../lambdas/shared/adapters/operations-store.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { parseProvider } from '../local-settings.js';
import {
  COMMON_OPTIONS,
  intOption,
  listOption,
  parseRate,
  parseWindow,
  TARGET_HELP,
  TARGET_OPTIONS,
} from '../ops/args.js';
import { createRateLimiter } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { SQS_BATCH, sendBatch } from '../ops/queue.js';
import { loadReplayPrices, replayCost, usd } from '../ops/replay-cost.js';
import { createCursorWriter, openCursor } from '../ops/replay-cursor.js';
import {
  compileFilter,
  parseReplayStatus,
  parseTypeGlobs,
  REPLAY_STATUSES,
  type ReplayFilter,
} from '../ops/replay-filter.js';
import { buildReport, defaultReportPath, printSummary, writeReport } from '../ops/report.js';
import { type PipelineTarget, resolveTarget } from '../ops/target.js';
import { replayArchive } from './replay-archive.js';

export const REPLAY_HELP = `Usage:
  webhook-pipeline replay --from <time> [--to <time>] [filters] (--local | --stack <name>) [options]
  webhook-pipeline replay --archive --from <time> [--to <time>] [filters] (--local | --stack <name>)

Publishes stored webhooks again. The table is read with a parallel Scan filtered on the options
below (no index is written per webhook, so a replay reads the whole table once: --dry-run prints
what that costs); each selected webhook is sent to the pipeline's queue as a replay message
({version, webhookId, provider, dedupeKey, receivedAt, replayed: true}, no body), and the router
publishes it again with its original webhookId and detail.metadata.replayed = true.

With --archive the events come from the bus archive instead, for consumers: an EventBridge replay
(StartReplay) of the window, restricted to the same filters; see "replay --archive" below.

Filters:
  --from <time>        Start of the window, inclusive (required)
  --to <time>          End of the window, exclusive (default now)
  --provider <name>    plaid or argyle (default both)
  --type <glob>        Detail-types, comma-separated or repeated; * matches any run of characters
                       ('TRANSACTIONS.*', 'ITEM.ERROR', '*.DEFAULT_UPDATE', 'accounts.*')
  --status <status>    ${REPLAY_STATUSES.join(' | ')} (default published: stored and neither quarantined
                       nor failed; quarantined / failed records are better brought back by requeue)
  --item <id>          Only webhooks about this Item: Plaid item_id (or account_id), Argyle
                       data.account, data.item or data.user

Times: ISO 8601 (2026-11-25T12:00:00Z, or a date), "now", or a duration ago (90m, 6h, 2d).

Options:
  --dry-run            Count what matches and print what the replay will cost, line by line
                       (Scan reads, SQS, the router's Lambda and reads, PutEvents, archive); send nothing
  --rate <n>[/s]       Messages a second at most (default 50)
  --cursor <file>      Resumable cursor: the position of every Scan segment and what was sent from
                       the page being sent, saved after each batch. Run again with the same file and
                       filters to go on where an interrupted run stopped (Ctrl-C stops cleanly), without
                       repeats or gaps. An interrupted run without --cursor saves one and names it.
  --segments <n>       Parallel Scan segments (default 4)
${TARGET_HELP}
  --report <file>      JSON report (default reports/replay-<timestamp>.json)
  -h, --help           This help

replay --archive (options beyond the filters):
  --rule <name>        A consumer rule on the bus whose targets get the replayed events, repeated
                       for several (required with --stack). The command creates a temporary rule
                       with the filters' event pattern and those targets, replays the archive to it
                       (Destination.FilterArns), waits (DescribeReplay) and deletes the rule.
  --archive-name <n>   The bus archive (default: the stack's EventArchiveName output, or the only
                       archive of the bus)
  --wait-timeout <s>   How long to wait for the replay to complete (default 3600)

Exit status: 0 when every selected webhook was enqueued (or the archive replay completed), 1 when
any failed or the run was interrupted (resume with --cursor), 2 on a usage error.`;

/** One webhook's fate. */
interface ReplayItem {
  webhookId: string;
  dedupeKey: string;
  provider: string;
  detailType: string;
  receivedAt: string;
  status: 'enqueued' | 'failed' | 'planned';
  reason?: string;
}

/** The options `replay` accepts (shared with `replay --archive`). */
export const REPLAY_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  provider: { type: 'string' },
  type: { type: 'string', multiple: true },
  status: { type: 'string' },
  item: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  rate: { type: 'string' },
  cursor: { type: 'string' },
  segments: { type: 'string' },
  archive: { type: 'boolean', default: false },
  rule: { type: 'string', multiple: true },
  'archive-name': { type: 'string' },
  'wait-timeout': { type: 'string' },
  ...TARGET_OPTIONS,
  report: COMMON_OPTIONS.report,
  help: COMMON_OPTIONS.help,
} as const;

/** Parses the filter flags shared by both forms of replay. */
export const parseReplayFilter = (
  values: { from?: string; to?: string; provider?: string; type?: string[]; status?: string; item?: string },
  now: number,
): ReplayFilter => {
  const window = parseWindow(values.from, values.to, now);
  return {
    providers: values.provider ? [parseProvider(values.provider)] : ['plaid', 'argyle'],
    types: parseTypeGlobs(listOption(values.type)),
    from: window.from,
    to: window.to,
    status: parseReplayStatus(values.status),
    ...(values.item ? { item: values.item } : {}),
  };
};

const describeFilter = (f: ReplayFilter) =>
  `${f.providers.join(' and ')} webhooks received in [${f.from}, ${f.to})${f.types.length ? ` of type ${f.types.join(', ')}` : ''}${f.status === 'published' ? '' : `, status ${f.status}`}${f.item ? `, Item ${f.item}` : ''}`;

const describeRecord = (r: OperationsRecord): Omit<ReplayItem, 'status'> => ({
  webhookId: r.webhookId,
  dedupeKey: r.dedupeKey,
  provider: r.provider,
  detailType: r.detailType,
  receivedAt: r.receivedAt,
});

/** The envelope the router adds around a body, bytes (for the PutEvents and archive estimate). */
const EVENT_ENVELOPE_BYTES = 420;

const dryRun = async (
  target: PipelineTarget,
  filter: ReplayFilter,
  segments: number,
  out: (line: string) => void,
) => {
  const { scan, matches } = compileFilter(filter);
  const size = await target.store.describe();
  const progress = createProgress({ label: 'scan', ...(size.itemCount ? { total: size.itemCount } : {}) });
  const items: ReplayItem[] = [];
  const byDetailType: Record<string, number> = {};
  let scanned = 0;
  let readUnits = 0;
  let itemBytes = 0;
  let bodyBytes = 0;
  await target.store.scan({ ...scan, withBody: true }, { segments }, async (page) => {
    scanned += page.scanned;
    readUnits += page.readUnits;
    const selected = page.records.filter(matches);
    progress.tick('skipped', page.scanned - selected.length);
    for (const r of selected) {
      items.push({ ...describeRecord(r), status: 'planned' });
      byDetailType[r.detailType] = (byDetailType[r.detailType] ?? 0) + 1;
      const body = Buffer.byteLength(r.rawBody ?? '');
      bodyBytes += body;
      // The item holds the body and about 250 bytes of attributes.
      itemBytes += body + 250;
      progress.tick('ok');
    }
  });
  progress.done();
  const n = items.length;
  const cost = replayCost(
    {
      events: n,
      tableBytes: size.sizeBytes,
      measuredScanUnits: readUnits,
      meanItemBytes: n ? itemBytes / n : 0,
      meanEventBytes: n ? bodyBytes / n + EVENT_ENVELOPE_BYTES : 0,
    },
    loadReplayPrices(),
  );
  out(`  ${n} webhook(s) match, of ${scanned} items scanned`);
  for (const [detailType, count] of Object.entries(byDetailType)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20))
    out(`    ${detailType.padEnd(50)} ${count}`);
  out('  What the replay will cost (list prices of bench/prices.json):');
  const width = Math.max(...cost.lines.map((l) => l.line.length));
  for (const l of cost.lines) out(`    ${l.line.padEnd(width)}  ${usd(l.usd).padStart(10)}  ${l.quantity}`);
  out(`    ${'total'.padEnd(width)}  ${usd(cost.totalUsd).padStart(10)}`);
  return {
    summary: { scanned, selected: n, planned: n, failed: 0 },
    breakdown: { byDetailType },
    items,
    cost: {
      lines: cost.lines,
      totalUsd: cost.totalUsd,
      tableBytes: size.sizeBytes,
      scanReadUnits: readUnits,
    },
  };
};

/** `webhook-pipeline replay`. */
export const replay = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> => {
  const { values } = parseArgs({ args: argv, options: REPLAY_OPTIONS });
  if (values.help) {
    out(REPLAY_HELP);
    return 0;
  }
  const started = new Date();
  const filter = parseReplayFilter(values, started.getTime());
  if (values.archive) return replayArchive(values, filter, env, out, started);
  const rate = parseRate(values.rate, 50);
  const segments = intOption('--segments', values.segments, 4, { max: 64 });
  const target = await resolveTarget(
    { local: values.local, stack: values.stack, region: values.region, localDir: values['local-dir'] },
    env,
  );
  try {
    const known = new Set<string>(DETAIL_TYPES.map((d) => d.detailType));
    for (const type of filter.types) {
      // Codes the catalogue lacks are published under their natural name, so they stay allowed.
      if (!type.includes('*') && !known.has(type))
        out(`  note: ${type} is not a catalogue detail-type; only webhooks stored under it match`);
    }
    const parameters = {
      ...filter,
      rate,
      segments,
      dryRun: values['dry-run'],
      cursor: values.cursor ?? null,
    };
    out(
      `${values['dry-run'] ? 'Counting' : 'Replaying'} ${describeFilter(filter)} on ${target.description.target}`,
    );
    if (values['dry-run']) {
      const result = await dryRun(target, filter, segments, out);
      const file = await writeReport(
        values.report ?? defaultReportPath('replay', started),
        buildReport({
          command: 'replay',
          started,
          finished: new Date(),
          target: target.description,
          parameters: { ...parameters, cost: result.cost },
          summary: result.summary,
          breakdown: result.breakdown,
          items: result.items,
        }),
      );
      printSummary(out, 'Dry run: nothing was sent', result.summary, file);
      return 0;
    }

    const scope = { target: target.description, ...filter, segments };
    const cursorFile = values.cursor ?? defaultReportPath('replay-cursor', started);
    const { cursor, resumed } = await openCursor(cursorFile, scope, segments);
    if (resumed) {
      const left = cursor.segments.filter((s) => !s.done).length;
      out(`  resuming ${cursorFile}: ${cursor.sentTotal} sent before, ${left} of ${segments} segments left`);
    }
    const writer = createCursorWriter(cursorFile);
    // Without --cursor the position is written only when the run stops early, to resume it.
    const save = () =>
      values.cursor !== undefined || stopReason !== undefined ? writer.save(cursor) : Promise.resolve();
    const { scan, matches } = compileFilter(filter);
    const size = await target.store.describe();
    // The rate limit's waits end early on Ctrl-C, so an interrupted run stops at once.
    const waits = new Set<() => void>();
    const limiter = createRateLimiter(
      rate,
      Date.now,
      (ms) =>
        new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waits.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          waits.add(done);
        }),
    );
    const progress = createProgress({
      label: 'replay',
      ...(size.itemCount ? { total: size.itemCount } : {}),
    });
    const items: ReplayItem[] = [];
    const byDetailType: Record<string, number> = {};
    let scanned = 0;
    let alreadySent = 0;
    let stopReason: string | undefined;
    const onSignal = () => {
      stopReason ??= 'interrupted';
      for (const done of [...waits]) done();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await target.store.scan(
        scan,
        {
          segments,
          resumeFrom: cursor.segments.map((s) => ({
            done: s.done,
            ...(s.startKey ? { startKey: s.startKey } : {}),
          })),
          shouldStop: () => stopReason !== undefined,
        },
        async (page) => {
          const position = cursor.segments[page.segment];
          if (!position) throw new Error(`no cursor position for segment ${page.segment}`);
          scanned += page.scanned;
          const sentBefore = new Set(position.sent);
          const selected = page.records.filter(matches);
          const toSend = selected.filter((r) => !sentBefore.has(r.dedupeKey));
          alreadySent += selected.length - toSend.length;
          progress.tick('skipped', page.scanned - toSend.length);
          for (let i = 0; i < toSend.length; i += SQS_BATCH) {
            if (stopReason !== undefined) return;
            const chunk = toSend.slice(i, i + SQS_BATCH);
            await limiter.take(chunk.length);
            if (stopReason !== undefined) return;
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
            chunk.forEach((r, j) => {
              const outcome = outcomes[j];
              if (outcome?.ok) {
                position.sent.push(r.dedupeKey);
                cursor.sentTotal += 1;
                items.push({ ...describeRecord(r), status: 'enqueued' });
                byDetailType[r.detailType] = (byDetailType[r.detailType] ?? 0) + 1;
                progress.tick('ok');
              } else {
                // Stop everything: the cursor keeps this webhook unsent, so a resume sends it.
                stopReason ??= `SQS refused a message: ${outcome?.error ?? 'not sent'}`;
                items.push({ ...describeRecord(r), status: 'failed', reason: outcome?.error ?? 'not sent' });
                progress.tick('failed');
              }
            });
            await save();
          }
          if (stopReason !== undefined) return;
          // The whole page is sent: the segment moves on.
          position.done = page.nextKey === undefined;
          if (page.nextKey) position.startKey = page.nextKey;
          else delete position.startKey;
          position.sent = [];
          await save();
        },
      );
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await save();
    }
    progress.done();
    const complete = cursor.segments.every((s) => s.done);
    const count = (status: ReplayItem['status']) => items.filter((i) => i.status === status).length;
    const summary: Record<string, number> = {
      scanned,
      enqueued: count('enqueued'),
      ...(resumed ? { alreadySent, sentUnderCursor: cursor.sentTotal } : {}),
      failed: count('failed'),
      segmentsLeft: cursor.segments.filter((s) => !s.done).length,
    };
    for (const [detailType, n] of Object.entries(byDetailType)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20))
      out(`  ${detailType.padEnd(50)} ${n}`);
    for (const item of items.filter((i) => i.status === 'failed').slice(0, 20))
      out(`  failed ${item.webhookId}: ${item.reason}`);
    if (!complete)
      out(`  stopped (${stopReason ?? 'unknown'}); resume with: --cursor ${cursorFile} and the same filters`);
    const file = await writeReport(
      values.report ?? defaultReportPath('replay', started),
      buildReport({
        command: 'replay',
        started,
        finished: new Date(),
        target: target.description,
        parameters: { ...parameters, cursor: cursorFile, complete, ...(stopReason ? { stopReason } : {}) },
        summary,
        breakdown: { byDetailType },
        items,
      }),
    );
    printSummary(out, complete ? 'replay' : 'replay (interrupted)', summary, file);
    return summary.failed || !complete ? 1 : 0;
  } finally {
    target.close();
  }
};
