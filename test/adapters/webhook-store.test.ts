import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoWebhookStore, fromItem } from '../../lambdas/shared/adapters/webhook-store.js';
import { exceptionKeys, TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators.stop());

let n = 0;
/** Unix seconds of 2026-11-25T12:00:00Z, the records' receipt time. */
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0) / 1000;
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
    dedupeUntil: NOW + 600,
    ...overrides,
  };
};

/** Claims made before this are stale: long before the records' receipt, so none is in these tests. */
const LEASE_START = '2026-11-25T00:00:00.000Z';

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
    const result = await store.putIfAbsent(r, NOW);
    // Assess
    expect(result).toEqual({ outcome: 'created' });
    expect(await get(r.dedupeKey)).toEqual(r);
  });

  it('answers a second write inside the window as a duplicate, counting the delivery', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const first = record();
    await store.putIfAbsent(first, NOW);
    // Act: one second before the window ends
    const again = await store.putIfAbsent(
      { ...first, webhookId: 'other', receivedAt: '2026-11-25T12:09:59.000Z' },
      NOW + 599,
    );
    // Assess
    expect(again).toEqual({ outcome: 'duplicate', existing: { ...first, deliveries: 2 } });
    expect((await get(first.dedupeKey))?.webhookId).toBe(first.webhookId);
  });

  it('replaces the record once its dedupeUntil has passed', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const first = record();
    await store.putIfAbsent(first, NOW);
    const later = { ...first, webhookId: 'later', receivedAt: '2026-11-25T12:10:01.000Z' };
    // Act
    const result = await store.putIfAbsent(later, NOW + 601);
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
      Array.from({ length: 10 }, (_, i) => store.putIfAbsent({ ...base, webhookId: `c-${i}` }, NOW)),
    );
    // Assess
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    const stored = await get(base.dedupeKey);
    expect(stored?.deliveries).toBe(10);
    for (const r of results)
      if (r.outcome === 'duplicate') expect(r.existing.webhookId).toBe(stored?.webhookId);
  });

  it('writes no index attribute on the happy path; quarantined and failed records are in the sharded exceptions index', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const receivedAt = '2031-01-02T00:00:01.000Z';
    const happy = record({ receivedAt });
    const quarantined = record({ receivedAt, status: 'quarantined', issues: ['x: bad'] });
    const failing = record({ receivedAt });
    await store.putIfAbsent(happy, NOW);
    await store.putIfAbsent(quarantined, NOW);
    await store.putIfAbsent(failing, NOW);
    // Act
    const failed = await store.markFailed(
      failing.dedupeKey,
      failing.webhookId,
      'm-1',
      'EventPublishError: no',
      LEASE_START,
    );
    const inIndex = async (status: 'quarantined' | 'failed') => {
      const keys: string[] = [];
      for (const value of exceptionKeys(status)) {
        const out = await emulators.dynamo.send(
          new QueryCommand({
            TableName: emulators.tableName,
            IndexName: TABLE_LAYOUT.exceptions.indexName,
            KeyConditionExpression: '#e = :e AND receivedAt = :at',
            ExpressionAttributeNames: { '#e': TABLE_LAYOUT.exceptions.partitionKey },
            ExpressionAttributeValues: { ':e': { S: value }, ':at': { S: receivedAt } },
          }),
        );
        keys.push(...(out.Items ?? []).map((item) => item.pk?.S ?? ''));
      }
      return keys;
    };
    // Assess
    expect(failed).toBe(true);
    const raw = await emulators.dynamo.send(
      new GetItemCommand({ TableName: emulators.tableName, Key: { pk: { S: happy.dedupeKey } } }),
    );
    expect(Object.keys(raw.Item ?? {}).sort()).toEqual(
      [
        'pk',
        'webhookId',
        'provider',
        'detailType',
        'status',
        'receivedAt',
        'rawBody',
        'expiresAt',
        'dedupeUntil',
      ].sort(),
    );
    expect(await inIndex('quarantined')).toEqual([quarantined.dedupeKey]);
    expect(await inIndex('failed')).toEqual([failing.dedupeKey]);
    expect(await get(failing.dedupeKey)).toMatchObject({
      status: 'failed',
      failure: 'EventPublishError: no',
    });
  });

  it('claims a record once per webhook, again for the same message, never for another; confirmed, it is published', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record();
    await store.putIfAbsent(r, NOW);
    const at = '2026-11-25T12:00:05.000Z';
    // Act
    const first = await store.claim(r.dedupeKey, r.webhookId, 'message-a', at, LEASE_START);
    const sameMessage = await store.claim(r.dedupeKey, r.webhookId, 'message-a', at, LEASE_START);
    const otherMessage = await store.claim(r.dedupeKey, r.webhookId, 'message-b', at, LEASE_START);
    const otherWebhook = await store.claim(r.dedupeKey, 'someone-else', 'message-c', at, LEASE_START);
    const claimedStatus = (await get(r.dedupeKey))?.status;
    const notTheHolder = await store.confirm(r.dedupeKey, r.webhookId, 'message-b', at);
    const confirmed = await store.confirm(r.dedupeKey, r.webhookId, 'message-a', at);
    const afterConfirm = await store.claim(
      r.dedupeKey,
      r.webhookId,
      'message-a',
      at,
      '2026-11-25T13:00:00.000Z',
    );
    // Assess
    expect([first, sameMessage, otherMessage, otherWebhook]).toEqual([true, true, false, false]);
    expect(claimedStatus).toBe('publishing');
    expect([notTheHolder, confirmed, afterConfirm]).toEqual([false, true, false]);
    expect((await get(r.dedupeKey))?.status).toBe('published');
  });

  it('never lets a message claim back a record it marked failed (a late answer of its own claim); another message may', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record();
    await store.putIfAbsent(r, NOW);
    await store.markFailed(r.dedupeKey, r.webhookId, 'm-0', 'EventPublishError', LEASE_START);
    // Act
    const same = await store.claim(r.dedupeKey, r.webhookId, 'm-0', '2026-11-25T12:00:10.000Z', LEASE_START);
    const redriven = await store.claim(
      r.dedupeKey,
      r.webhookId,
      'm-9',
      '2026-11-25T12:00:10.000Z',
      LEASE_START,
    );
    // Assess
    expect([same, redriven]).toEqual([false, true]);
  });

  it('lets another message take over a claim older than the lease, never a younger one', async () => {
    // Prepare: message-a claimed at 12:00:05 (its publish failed, and it left for the DLQ unmarked)
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record();
    await store.putIfAbsent(r, NOW);
    await store.claim(r.dedupeKey, r.webhookId, 'message-a', '2026-11-25T12:00:05.000Z', LEASE_START);
    // Act: within the lease (claims before 12:00:00 are stale), then after it (before 12:00:06)
    const young = await store.claim(
      r.dedupeKey,
      r.webhookId,
      'redriven-1',
      '2026-11-25T12:00:30.000Z',
      '2026-11-25T12:00:00.000Z',
    );
    const youngMark = await store.markFailed(
      r.dedupeKey,
      r.webhookId,
      'redriven-1',
      'x',
      '2026-11-25T12:00:00.000Z',
    );
    const old = await store.claim(
      r.dedupeKey,
      r.webhookId,
      'redriven-1',
      '2026-11-25T12:02:30.000Z',
      '2026-11-25T12:00:06.000Z',
    );
    // Assess
    expect([young, youngMark, old]).toEqual([false, false, true]);
    const raw = await emulators.dynamo.send(
      new GetItemCommand({
        TableName: emulators.tableName,
        Key: { pk: { S: r.dedupeKey } },
        ConsistentRead: true,
      }),
    );
    expect(raw.Item?.claimedBy?.S).toBe('redriven-1');
  });

  it('brings a failed record back to published with a claim, out of the exceptions index', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record();
    await store.putIfAbsent(r, NOW);
    await store.markFailed(r.dedupeKey, r.webhookId, 'm-1', 'boom', LEASE_START);
    // Act
    const claimed = await store.claim(
      r.dedupeKey,
      r.webhookId,
      'requeued-1',
      '2026-11-25T13:00:00.000Z',
      LEASE_START,
    );
    await store.confirm(r.dedupeKey, r.webhookId, 'requeued-1', '2026-11-25T13:00:01.000Z');
    // Assess
    expect(claimed).toBe(true);
    const raw = await emulators.dynamo.send(
      new GetItemCommand({ TableName: emulators.tableName, Key: { pk: { S: r.dedupeKey } } }),
    );
    expect(raw.Item?.status?.S).toBe('published');
    expect(raw.Item?.exception).toBeUndefined();
    expect(raw.Item?.failure).toBeUndefined();
  });

  it('adopts a record only where none exists, and reads states consistently', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const r = record({ dedupeUntil: NOW + 86_400 });
    // Act
    const absent = (await store.getStates([r.dedupeKey], false, true)).get(r.dedupeKey);
    const adopted = await store.adopt(r);
    const again = await store.adopt({ ...r, webhookId: 'late' });
    const state = (await store.getStates([r.dedupeKey], true, true)).get(r.dedupeKey);
    const states = await store.getStates([r.dedupeKey, 'plaid#absent'], false);
    // Assess
    expect(absent).toBeUndefined();
    expect(adopted).toEqual({ outcome: 'created' });
    expect(again).toEqual({ outcome: 'exists' });
    expect(state).toEqual({
      webhookId: r.webhookId,
      status: 'received',
      receivedAt: r.receivedAt,
      dedupeUntil: r.dedupeUntil,
      rawBody: r.rawBody,
    });
    expect([...states.keys()]).toEqual([r.dedupeKey]);
  });

  it('adopts over a record of the same body whose window ended before the message was received, never over a live one', async () => {
    // Prepare: an old record whose window ended at NOW + 600
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const old = record();
    await store.putIfAbsent(old, NOW);
    const at = (seconds: number) => new Date(seconds * 1000).toISOString();
    // Act: a message received in the window's last second, then one received just after it
    const inside = await store.adopt({
      ...old,
      webhookId: 'inside',
      receivedAt: at(NOW + 600),
      dedupeUntil: NOW + 1200,
    });
    const after = await store.adopt({
      ...old,
      webhookId: 'after',
      receivedAt: at(NOW + 601),
      dedupeUntil: NOW + 1201,
    });
    // Assess
    expect(inside).toEqual({ outcome: 'exists' });
    expect(after).toEqual({ outcome: 'created' });
    expect((await store.getStates([old.dedupeKey], false, true)).get(old.dedupeKey)).toMatchObject({
      webhookId: 'after',
      dedupeUntil: NOW + 1201,
    });
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
    await expect(store.putIfAbsent(record(), NOW)).rejects.toThrow();
    client.destroy();
  });
});
