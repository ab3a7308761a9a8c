import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoWebhookStore, fromItem } from '../../lambdas/shared/adapters/webhook-store.js';
import { TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators.stop());

let n = 0;
const record = (overrides: Partial<WebhookRecord> = {}): WebhookRecord => {
  n += 1;
  return {
    dedupeKey: `plaid#${String(n).padStart(64, '0')}`,
    webhookId: `id-${n}`,
    provider: 'plaid',
    detailType: 'ITEM.ERROR',
    status: 'received',
    receivedAt: '2026-11-25T12:00:00.000Z',
    rawBody: '{"webhook_type":"ITEM"}',
    deliveries: 1,
    expiresAt: 1_800_000_000,
    ...overrides,
  };
};

const get = async (dedupeKey: string) => {
  const out = await emulators.dynamo.send(
    new GetItemCommand({
      TableName: emulators.tableName,
      Key: { pk: { S: dedupeKey } },
      ConsistentRead: true,
    }),
  );
  return out.Item ? fromItem(out.Item) : undefined;
};

describe('createDynamoWebhookStore (dynalite)', () => {
  it('writes a new record and reads it back unchanged', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record({ issues: ['item_id: expected string'] });
    // Act
    const result = await store.putIfAbsent(r, '2026-11-25T11:55:00.000Z');
    // Assess
    expect(result).toEqual({ outcome: 'created' });
    expect(await get(r.dedupeKey)).toEqual(r);
  });

  it('answers a second write inside the window as a duplicate, counting the delivery', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const first = record();
    await store.putIfAbsent(first, '2026-11-25T11:55:00.000Z');
    // Act
    const again = await store.putIfAbsent(
      { ...first, webhookId: 'other', receivedAt: '2026-11-25T12:01:00.000Z' },
      '2026-11-25T11:56:00.000Z',
    );
    // Assess
    expect(again).toEqual({ outcome: 'duplicate', existing: { ...first, deliveries: 2 } });
    expect((await get(first.dedupeKey))?.webhookId).toBe(first.webhookId);
  });

  it('replaces the record when the stored one is older than the window', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const first = record();
    await store.putIfAbsent(first, '2026-11-25T11:55:00.000Z');
    const later = { ...first, webhookId: 'later', receivedAt: '2026-11-25T12:10:00.000Z' };
    // Act
    const result = await store.putIfAbsent(later, '2026-11-25T12:05:00.000Z');
    // Assess
    expect(result).toEqual({ outcome: 'created' });
    expect((await get(first.dedupeKey))?.webhookId).toBe('later');
  });

  it('lets exactly one of many concurrent identical deliveries create the record', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const base = record();
    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.putIfAbsent({ ...base, webhookId: `c-${i}` }, '2026-11-25T11:55:00.000Z'),
      ),
    );
    // Assess
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    const stored = await get(base.dedupeKey);
    expect(stored?.deliveries).toBe(10);
    for (const r of results)
      if (r.outcome === 'duplicate') expect(r.existing.webhookId).toBe(stored?.webhookId);
  });

  it('indexes a received record as pending and by provider and day; a quarantined one is not pending', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const day = '2031-01-02';
    const pending = record({ receivedAt: `${day}T00:00:01.000Z` });
    const quarantined = record({ receivedAt: `${day}T00:00:02.000Z`, status: 'quarantined' });
    await store.putIfAbsent(pending, `${day}T00:00:00.000Z`);
    await store.putIfAbsent(quarantined, `${day}T00:00:00.000Z`);
    // Act
    const byDay = await emulators.dynamo.send(
      new QueryCommand({
        TableName: emulators.tableName,
        IndexName: TABLE_LAYOUT.byProviderDay.indexName,
        KeyConditionExpression: 'providerDay = :d',
        ExpressionAttributeValues: { ':d': { S: `plaid#${day}` } },
      }),
    );
    const waiting = await emulators.dynamo.send(
      new QueryCommand({
        TableName: emulators.tableName,
        IndexName: TABLE_LAYOUT.pending.indexName,
        KeyConditionExpression: '#p = :p AND receivedAt BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#p': TABLE_LAYOUT.pending.partitionKey },
        ExpressionAttributeValues: {
          ':p': { S: TABLE_LAYOUT.pending.value },
          ':from': { S: `${day}T00:00:00.000Z` },
          ':to': { S: `${day}T23:59:59.999Z` },
        },
      }),
    );
    // Assess
    expect(byDay.Items?.map((i) => i.pk?.S).sort()).toEqual(
      [pending.dedupeKey, quarantined.dedupeKey].sort(),
    );
    expect(waiting.Items?.map((i) => i.pk?.S)).toEqual([pending.dedupeKey]);
  });

  it('lets errors other than a failed condition through (unreachable endpoint)', async () => {
    // Prepare
    const client = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const store = createDynamoWebhookStore({ client, tableName: emulators.tableName });
    // Act + Assess
    await expect(store.putIfAbsent(record(), '2026-11-25T11:55:00.000Z')).rejects.toThrow();
    client.destroy();
  });
});
