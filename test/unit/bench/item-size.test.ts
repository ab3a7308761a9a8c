import { createHash, randomUUID } from 'node:crypto';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { describe, expect, it } from 'vitest';
import { itemSizeBytes, writeUnits } from '../../../bench/lib/item-size.js';
import { toItem } from '../../../lambdas/shared/adapters/webhook-store.js';
import { type WebhookRecord, WebhookStatus } from '../../../lambdas/shared/webhook-record.js';

/** The happy-path record ingest writes for a body, as in the bench (pretty-printed samples). */
const recordOf = (provider: WebhookRecord['provider'], detailType: string, body: string): WebhookRecord => {
  const now = Math.floor(Date.now() / 1000);
  return {
    dedupeKey: `${provider}#${createHash('sha256').update(body).digest('hex')}`,
    webhookId: randomUUID(),
    provider,
    detailType,
    status: WebhookStatus.Received,
    receivedAt: new Date().toISOString(),
    rawBody: body,
    deliveries: 1,
    expiresAt: now + 30 * 86_400,
    dedupeUntil: now + 600,
  };
};

describe('itemSizeBytes', () => {
  it('counts attribute names and values by the documented rules', () => {
    // "pk" (2) + "ab" (2); "n" (1) + 12345 (3 significant-digit pairs + 1 = 4); "l" (1) + list (3 + 1 + 1).
    expect(itemSizeBytes({ pk: { S: 'ab' } })).toBe(4);
    expect(itemSizeBytes({ n: { N: '12345' } })).toBe(5);
    expect(itemSizeBytes({ l: { L: [{ S: 'x' }] } })).toBe(6);
    expect(itemSizeBytes({ é: { S: 'é' } })).toBe(4);
  });

  it('keeps the happy-path item at one write unit on average over every catalogue sample', () => {
    const sizes = DETAIL_TYPES.map(({ provider, detailType, entry }) => {
      const item = toItem(recordOf(provider, detailType, JSON.stringify(entry.sample, null, 2)));
      return { provider, bytes: itemSizeBytes(item), units: writeUnits(item) };
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const provider of ['plaid', 'argyle'] as const) {
      const mine = sizes.filter((s) => s.provider === provider);
      console.info(
        `${provider}: ${mine.length} samples, item ${Math.round(mean(mine.map((s) => s.bytes)))} B average, ` +
          `max ${Math.max(...mine.map((s) => s.bytes))} B, ${mean(mine.map((s) => s.units)).toFixed(3)} write units average`,
      );
    }
    const average = mean(sizes.map((s) => s.units));
    console.info(`all: ${sizes.length} samples, ${average.toFixed(3)} write units per webhook on average`);
    expect(sizes.length).toBeGreaterThan(100);
    expect(average).toBeLessThanOrEqual(1.1);
    // Every item under 1 KB is one write unit: the attributes around the body stay small.
    const overhead = itemSizeBytes(toItem(recordOf('plaid', 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE', '')));
    expect(overhead).toBeLessThan(300);
  });
});
