import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoWebhookStore,
  type DynamoWebhookStore,
  fromItem,
  type StoredWebhook,
} from '../../lambdas/shared/adapters/webhook-store.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';

let emulators: TestEmulators;
let store: DynamoWebhookStore;
beforeAll(async () => {
  emulators = await startTestEmulators();
  store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
});
afterAll(async () => emulators.stop());

let n = 0;
const put = async (overrides: Partial<WebhookRecord>): Promise<WebhookRecord> => {
  n += 1;
  const record: WebhookRecord = {
    dedupeKey: `${overrides.provider ?? 'plaid'}#${String(n).padStart(64, '0')}`,
    webhookId: `ops-${n}`,
    provider: 'plaid',
    detailType: 'ITEM.LOGIN_REPAIRED',
    status: 'published',
    receivedAt: '2026-03-10T12:00:00.000Z',
    rawBody: `{"n":${n}}`,
    deliveries: 1,
    expiresAt: 1_900_000_000,
    dedupeUntil: 1_900_000_000,
    ...overrides,
  };
  await store.putIfAbsent(record, 946_684_800);
  return record;
};

const collect = async (pages: AsyncGenerator<StoredWebhook[]>) => {
  const all: StoredWebhook[] = [];
  for await (const page of pages) all.push(...page);
  // Scan segments answer in any order; each page is in time order.
  return all.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
};

describe('operations queries on the webhook table (dynalite)', () => {
  it('queryReceived reads [from, to) of one provider with a filtered parallel Scan, body on request', async () => {
    // Prepare
    const inside = [
      await put({ receivedAt: '2026-03-10T23:59:59.999Z' }),
      await put({ receivedAt: '2026-03-11T00:00:00.000Z', status: 'quarantined' }),
      await put({ receivedAt: '2026-03-12T08:00:00.000Z', status: 'received' }),
      await put({ receivedAt: '2026-03-12T08:00:00.001Z' }),
      await put({ receivedAt: '2026-03-12T09:00:00.000Z' }),
    ];
    await put({ receivedAt: '2026-03-10T20:00:00.000Z' });
    await put({ receivedAt: '2026-03-12T10:00:00.000Z' });
    await put({ receivedAt: '2026-03-11T12:00:00.000Z', provider: 'argyle', detailType: 'accounts.added' });
    // Act
    const found = await collect(
      store.queryReceived('plaid', '2026-03-10T23:00:00.000Z', '2026-03-12T10:00:00.000Z', { segments: 3 }),
    );
    const withBody = await collect(
      store.queryReceived('plaid', '2026-03-12T09:00:00.000Z', '2026-03-12T09:00:00.001Z', {
        withBody: true,
      }),
    );
    // Assess
    expect(found.map((r) => r.webhookId)).toEqual(inside.map((r) => r.webhookId));
    const { rawBody: _omitted, ...summary } = inside[1] as WebhookRecord;
    expect(found[1]).toEqual(summary);
    expect(found[0]).not.toHaveProperty('rawBody');
    expect(withBody).toEqual([inside[4]]);
    expect(
      await collect(store.queryReceived('plaid', '2026-03-12T00:00:00.000Z', '2026-03-12T00:00:00.000Z')),
    ).toEqual([]);
  });

  it('scanQuarantined finds every quarantined record, with body and issues, filtered by provider and time', async () => {
    // Prepare
    const a = await put({
      status: 'quarantined',
      receivedAt: '2026-04-01T10:00:00.000Z',
      issues: ['item_id: bad'],
    });
    const b = await put({
      status: 'quarantined',
      provider: 'argyle',
      detailType: 'accounts.added',
      receivedAt: '2026-04-02T10:00:00.000Z',
    });
    const c = await put({ status: 'quarantined', receivedAt: '2026-04-03T10:00:00.000Z' });
    await put({ status: 'published', receivedAt: '2026-04-01T11:00:00.000Z' });
    const scan = async (options: Parameters<DynamoWebhookStore['scanQuarantined']>[0]) => {
      const found: WebhookRecord[] = [];
      await store.scanQuarantined(options, async (records) => {
        found.push(...records);
      });
      return found
        .filter((r) => r.receivedAt.startsWith('2026-04'))
        .sort((x, y) => x.receivedAt.localeCompare(y.receivedAt));
    };
    // Act
    const all = await scan({ segments: 3 });
    const plaidOnly = await scan({ provider: 'plaid' });
    const windowed = await scan({ from: '2026-04-02T00:00:00.000Z', to: '2026-04-03T10:00:00.000Z' });
    // Assess
    expect(all).toEqual([a, b, c]);
    expect(plaidOnly).toEqual([a, c]);
    expect(windowed).toEqual([b]);
  });

  it('requeue moves a quarantined record back to received and out of the exceptions index, once, and only its own', async () => {
    // Prepare
    const q = await put({
      status: 'quarantined',
      receivedAt: '2026-05-01T10:00:00.000Z',
      issues: ['x: bad'],
    });
    const published = await put({ status: 'published', receivedAt: '2026-05-01T10:00:00.000Z' });
    // Act
    const wrongId = await store.requeue(q.dedupeKey, 'someone-else', '2026-05-02T00:00:00.000Z');
    const first = await store.requeue(q.dedupeKey, q.webhookId, '2026-05-02T00:00:00.000Z');
    const second = await store.requeue(q.dedupeKey, q.webhookId, '2026-05-02T00:00:00.000Z');
    const notQuarantined = await store.requeue(
      published.dedupeKey,
      published.webhookId,
      '2026-05-02T00:00:00.000Z',
    );
    // Assess
    expect([wrongId, first, second, notQuarantined]).toEqual([false, true, false, false]);
    const item = (
      await emulators.dynamo.send(
        new GetItemCommand({
          TableName: emulators.tableName,
          Key: { pk: { S: q.dedupeKey } },
          ConsistentRead: true,
        }),
      )
    ).Item;
    expect(item?.requeuedAt?.S).toBe('2026-05-02T00:00:00.000Z');
    const { issues: _gone, ...rest } = q;
    expect(fromItem(item ?? {})).toEqual({ ...rest, status: 'received' });
    expect(item?.exception).toBeUndefined();
  });
});
