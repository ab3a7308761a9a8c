import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOperationsStore,
  type OperationsRecord,
  type OperationsStore,
  type ScanFilter,
  type SegmentPosition,
} from '../../lambdas/shared/adapters/operations-store.js';
import { type Emulator, startDynamoEmulator } from '../../local/emulators.js';
import { createV2Table, putV2Record, type Seeded, type SeedRecord } from '../helpers/v2-table.js';

let emulator: Emulator;
let dynamo: DynamoDBClient;
let store: OperationsStore;
const tableName = 'ops-v2';
const seeded: Seeded[] = [];

const seed = async (overrides: Partial<SeedRecord>) => {
  const n = seeded.length;
  const record = await putV2Record(dynamo, tableName, {
    provider: 'plaid',
    detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
    receivedAt: `2026-03-10T12:00:${String(n).padStart(2, '0')}.000Z`,
    status: 'received',
    rawBody: JSON.stringify({ n, item_id: `item-${n % 3}` }),
    ...overrides,
  });
  seeded.push(record);
  return record;
};

const scanAll = async (filter: ScanFilter, segments = 3) => {
  const found: OperationsRecord[] = [];
  await store.scan(filter, { segments, pageLimit: 4 }, async (page) => {
    found.push(...page.records);
  });
  return found.map((r) => r.webhookId).sort();
};
const ids = (records: readonly Seeded[]) => records.map((r) => r.webhookId).sort();

beforeAll(async () => {
  emulator = await startDynamoEmulator();
  dynamo = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  });
  store = createOperationsStore({ client: dynamo, tableName });
  await createV2Table(dynamo, tableName);
  for (let i = 0; i < 6; i += 1) await seed({});
  await seed({ detailType: 'TRANSACTIONS.DEFAULT_UPDATE', status: 'published' });
  await seed({ detailType: 'ITEM.ERROR', status: 'quarantined', issues: ['error: required'] });
  await seed({ detailType: 'TRANSACTIONS.DEFAULT_UPDATE', status: 'failed', failure: 'PutEvents refused' });
  await seed({ provider: 'argyle', detailType: 'accounts.updated', rawBody: '{"data":{"account":"acc-1"}}' });
  await seed({ receivedAt: '2026-03-11T00:00:00.000Z' });
});
afterAll(async () => {
  dynamo?.destroy();
  await emulator?.close();
});

describe('operations store on the v2 layout (dynalite)', () => {
  it('a filtered parallel Scan keeps exactly the records of the provider, type prefix, time window and status', async () => {
    const inWindow = seeded.filter((r) => r.receivedAt < '2026-03-11');
    expect(await scanAll({ providers: ['plaid'], from: '2026-03-10', to: '2026-03-11' })).toEqual(
      ids(inWindow.filter((r) => r.provider === 'plaid')),
    );
    expect(
      await scanAll({ detailType: { prefix: 'TRANSACTIONS.' }, statuses: ['received', 'published'] }),
    ).toEqual(
      ids(
        seeded.filter(
          (r) =>
            r.detailType.startsWith('TRANSACTIONS.') && (r.status === 'received' || r.status === 'published'),
        ),
      ),
    );
    expect(await scanAll({ detailType: { exact: 'accounts.updated' } })).toEqual(
      ids(seeded.filter((r) => r.provider === 'argyle')),
    );
    expect(await scanAll({ bodyContains: '"item-1"', withBody: true }, 1)).toEqual(
      ids(seeded.filter((r) => r.rawBody.includes('"item-1"'))),
    );
  });

  it('a Scan stopped between pages resumes from the positions it returned, without repeats or gaps', async () => {
    // Prepare
    const first: string[] = [];
    let pages = 0;
    // Act
    const positions: readonly SegmentPosition[] = await store.scan(
      {},
      { segments: 2, pageLimit: 2, shouldStop: () => pages >= 2 },
      async (page) => {
        pages += 1;
        first.push(...page.records.map((r) => r.webhookId));
      },
    );
    const rest: string[] = [];
    const end = await store.scan({}, { segments: 2, pageLimit: 2, resumeFrom: positions }, async (page) => {
      rest.push(...page.records.map((r) => r.webhookId));
    });
    // Assess
    expect(first.length).toBeGreaterThan(0);
    expect(rest.length).toBeGreaterThan(0);
    expect([...first, ...rest].sort()).toEqual(ids(seeded));
    expect(end.every((p) => p.done)).toBe(true);
  });

  it('queryExceptions reads quarantined and failed records from the sparse index, with bodies, by provider and time', async () => {
    const read = async (status: 'quarantined' | 'failed', query = {}) => {
      const found: OperationsRecord[] = [];
      await store.queryExceptions(status, query, async (records) => {
        found.push(...records);
      });
      return found;
    };
    const [quarantined] = await read('quarantined');
    expect(quarantined).toMatchObject({ detailType: 'ITEM.ERROR', issues: ['error: required'] });
    expect(quarantined?.rawBody).toBe(seeded.find((r) => r.status === 'quarantined')?.rawBody);
    expect((await read('failed')).map((r) => r.failure)).toEqual(['PutEvents refused']);
    expect(await read('failed', { provider: 'argyle' })).toEqual([]);
    expect(await read('quarantined', { from: '2026-03-10T13:00:00.000Z' })).toEqual([]);
  });

  it('describe names the exceptions index; putNew writes once', async () => {
    expect((await store.describe()).indexes).toContain('exceptions');
    const record = {
      dedupeKey: 'plaid#nudge-1',
      webhookId: 'nudge-1',
      provider: 'plaid' as const,
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      receivedAt: '2026-03-12T00:00:00.000Z',
      rawBody: '{}',
      expiresAt: 1_900_000_000,
      dedupeUntil: 1_800_000_000,
    };
    expect(await store.putNew(record)).toBe(true);
    expect(await store.putNew(record)).toBe(false);
  });
});
