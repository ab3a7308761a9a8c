import { describe, expect, it } from 'vitest';
import {
  chunkEntries,
  entrySize,
  MAX_BYTES_PER_CALL,
} from '../../../lambdas/shared/adapters/event-publisher.js';
import type { EventEntry } from '../../../lambdas/shared/webhook-record.js';

const entry = (detailBytes: number, n = 0): EventEntry => ({
  source: 'webhooks.plaid',
  detailType: `ITEM.ERROR${n}`,
  detail: JSON.stringify({ pad: 'x'.repeat(Math.max(0, detailBytes - 10)) }),
  time: '2026-11-25T12:00:00.000Z',
});

describe('chunkEntries', () => {
  it('splits 25 small entries into calls of 10, 10 and 5, in order', () => {
    const entries = Array.from({ length: 25 }, (_, i) => entry(100, i));
    const chunks = chunkEntries(entries);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(chunks.flat()).toEqual(entries);
  });

  it('starts a new call before a call would pass 256 KB', () => {
    const entries = Array.from({ length: 4 }, (_, i) => entry(100 * 1024, i));
    const chunks = chunkEntries(entries);
    expect(chunks.map((c) => c.length)).toEqual([2, 2]);
    for (const chunk of chunks)
      expect(chunk.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
  });

  it('sends an entry larger than the limit alone (EventBridge then refuses only that entry)', () => {
    const chunks = chunkEntries([entry(10), entry(300 * 1024), entry(10)]);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
  });

  it('returns no call for no entries', () => {
    expect(chunkEntries([])).toEqual([]);
  });
});
