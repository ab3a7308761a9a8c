import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { createRateLimiter } from '../ops/concurrency.js';
import { createProgress } from '../ops/progress.js';
import { SQS_BATCH, sendBatch } from '../ops/queue.js';
import { createCursorWriter, openCursor } from '../ops/replay-cursor.js';
import { compileFilter, type ReplayFilter } from '../ops/replay-filter.js';
import type { PipelineTarget } from '../ops/target.js';
import { describeRecord, printBreakdown, type ReplayItem } from './replay-plan.js';

// `replay` from the table: every selected record is sent to the queue as a replay message, at a
// bounded rate, with a cursor saved after each batch so that an interrupted run resumes exactly.

/**
 * Stops a run cleanly on Ctrl-C (SIGINT) or SIGTERM: `reason` is set, and a wait of the rate
 * limiter in progress ends at once, so the batch in flight finishes and nothing else is sent.
 */
const createStopSwitch = () => {
  const waits = new Set<() => void>();
  const state: { reason?: string } = {};
  const stop = (reason: string) => {
    state.reason ??= reason;
    for (const done of [...waits]) done();
  };
  const onSignal = () => stop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get reason() {
      return state.reason;
    },
    stop,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waits.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waits.add(done);
      }),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};

/** Settings of {@link replayFromTable}. */
export interface TableReplaySettings {
  readonly rate: number;
  readonly segments: number;
  /** `--cursor`, or undefined: then a cursor is saved (to `fallbackCursor`) only if the run stops early. */
  readonly cursor?: string | undefined;
  readonly fallbackCursor: string;
}

/** Sends every selected record of the table to the queue as a replay message; what became of each. */
export const replayFromTable = async (
  target: PipelineTarget,
  filter: ReplayFilter,
  settings: TableReplaySettings,
  out: (line: string) => void,
) => {
  const { segments } = settings;
  const scope = { target: target.description, ...filter, segments };
  const cursorFile = settings.cursor ?? settings.fallbackCursor;
  const { cursor, resumed } = await openCursor(cursorFile, scope, segments);
  if (resumed) {
    const left = cursor.segments.filter((s) => !s.done).length;
    out(`  resuming ${cursorFile}: ${cursor.sentTotal} sent before, ${left} of ${segments} segments left`);
  }
  const writer = createCursorWriter(cursorFile);
  const stop = createStopSwitch();
  // Without --cursor the position is written only when the run stops early, to resume it.
  const save = () =>
    settings.cursor !== undefined || stop.reason !== undefined ? writer.save(cursor) : Promise.resolve();
  const { scan, matches } = compileFilter(filter);
  const size = await target.store.describe();
  const limiter = createRateLimiter(settings.rate, Date.now, stop.sleep);
  const progress = createProgress({ label: 'replay', ...(size.itemCount ? { total: size.itemCount } : {}) });
  const items: ReplayItem[] = [];
  const byDetailType: Record<string, number> = {};
  let scanned = 0;
  let alreadySent = 0;
  try {
    await target.store.scan(
      scan,
      {
        segments,
        resumeFrom: cursor.segments.map((s) => ({
          done: s.done,
          ...(s.startKey ? { startKey: s.startKey } : {}),
        })),
        shouldStop: () => stop.reason !== undefined,
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
          if (stop.reason !== undefined) return;
          const chunk = toSend.slice(i, i + SQS_BATCH);
          await limiter.take(chunk.length);
          if (stop.reason !== undefined) return;
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
              stop.stop(`SQS refused a message: ${outcome?.error ?? 'not sent'}`);
              items.push({ ...describeRecord(r), status: 'failed', reason: outcome?.error ?? 'not sent' });
              progress.tick('failed');
            }
          });
          await save();
        }
        if (stop.reason !== undefined) return;
        // The whole page is sent: the segment moves on.
        position.done = page.nextKey === undefined;
        if (page.nextKey) position.startKey = page.nextKey;
        else delete position.startKey;
        position.sent = [];
        await save();
      },
    );
  } finally {
    stop.dispose();
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
  printBreakdown(out, byDetailType, '  ');
  for (const item of items.filter((i) => i.status === 'failed').slice(0, 20))
    out(`  failed ${item.webhookId}: ${item.reason}`);
  if (!complete)
    out(`  stopped (${stop.reason ?? 'unknown'}); resume with: --cursor ${cursorFile} and the same filters`);
  return { summary, items, byDetailType, complete, cursorFile, stopReason: stop.reason };
};
