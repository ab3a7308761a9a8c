import type { OperationsRecord } from '../../lambdas/shared/adapters/operations-store.js';
import { createProgress } from '../ops/progress.js';
import { loadReplayPrices, replayCost, usd } from '../ops/replay-cost.js';
import { compileFilter, type ReplayFilter } from '../ops/replay-filter.js';
import type { PipelineTarget } from '../ops/target.js';

// `replay --dry-run`: what a replay would send and what it would cost, before anything is sent.

/** One webhook's fate in a replay. */
export interface ReplayItem {
  webhookId: string;
  dedupeKey: string;
  provider: string;
  detailType: string;
  receivedAt: string;
  status: 'enqueued' | 'failed' | 'planned';
  reason?: string;
}

/** A record as the report lists it. */
export const describeRecord = (r: OperationsRecord): Omit<ReplayItem, 'status'> => ({
  webhookId: r.webhookId,
  dedupeKey: r.dedupeKey,
  provider: r.provider,
  detailType: r.detailType,
  receivedAt: r.receivedAt,
});

/** Prints the most frequent detail-types of a run, most first. */
export const printBreakdown = (
  out: (line: string) => void,
  byDetailType: Record<string, number>,
  indent: string,
): void => {
  for (const [detailType, count] of Object.entries(byDetailType)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20))
    out(`${indent}${detailType.padEnd(50)} ${count}`);
};

/** The envelope the router adds around a body, bytes (for the PutEvents and archive estimate). */
const EVENT_ENVELOPE_BYTES = 420;
/** What an item holds besides the body (keys, status, times), bytes. */
const ITEM_ATTRIBUTE_BYTES = 250;

/**
 * Scans the table as the real run would and counts what matches, then prices the replay at the
 * list prices of bench/prices.json, line by line (docs/operations.md shows an example).
 */
export const planReplay = async (
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
      itemBytes += body + ITEM_ATTRIBUTE_BYTES;
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
  printBreakdown(out, byDetailType, '    ');
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
