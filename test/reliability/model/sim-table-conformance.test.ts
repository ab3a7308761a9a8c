import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoWebhookStore, fromItem } from '../../../lambdas/shared/adapters/webhook-store.js';
import type { WebhookRecord } from '../../../lambdas/shared/webhook-record.js';
import { startTestEmulators, type TestEmulators } from '../../helpers/emulators.js';
import { SimTable } from './sim-table.js';
import { FAULTS, SimWorld } from './sim-world.js';

// The model's table is only as good as its likeness to the real one: the same generated sequences
// of puts, claims, confirmations, adoptions and marks run on SimTable and on the DynamoDB adapter
// against dynalite, and every answer and every stored item must agree.

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators.stop());

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const iso = (offsetSeconds: number) => new Date(T0 + offsetSeconds * 1000).toISOString();

type Op =
  | { kind: 'put'; id: number; at: number; window: number }
  | { kind: 'adopt'; id: number; at: number; window: number }
  | { kind: 'claim'; id: number; claim: number; at: number; lease: number }
  | { kind: 'confirm'; id: number; claim: number; at: number }
  | { kind: 'markFailed'; id: number; claim: number; at: number; lease: number }
  | { kind: 'markQuarantined'; id: number };

const id = fc.integer({ min: 1, max: 2 });
// Around the windows' ends (600 s and 330 s after 0 and 300) and a claim lease (60 s and 120 s).
const at = fc.constantFrom(0, 30, 60, 61, 120, 300, 330, 600, 601, 630, 900, 901, 1200);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), id, at, window: fc.constantFrom(600, 330) }),
  fc.record({ kind: fc.constant('adopt' as const), id, at, window: fc.constantFrom(600, 330) }),
  fc.record({ kind: fc.constant('claim' as const), id, claim: id, at, lease: fc.constantFrom(60, 120) }),
  fc.record({ kind: fc.constant('confirm' as const), id, claim: id, at }),
  fc.record({ kind: fc.constant('markFailed' as const), id, claim: id, at, lease: fc.constantFrom(60, 120) }),
  fc.record({ kind: fc.constant('markQuarantined' as const), id }),
);

/** Calls run at once (the conformance test needs no interleaving). */
const immediate = { schedule: <T>(task: Promise<T>) => task } as unknown as fc.Scheduler;

let sequence = 0;
describe('SimTable answers as the DynamoDB adapter does on dynalite', () => {
  it('agrees on every answer and every stored item over generated sequences', async () => {
    const adapter = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        sequence += 1;
        const key = `argyle#conformance-${sequence}`;
        const noFaults = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<
          (typeof FAULTS)[number],
          number
        >;
        const sim = new SimTable(new SimWorld(immediate, noFaults, 1));
        const record = (webhook: number, atSeconds: number, window: number): WebhookRecord => ({
          dedupeKey: key,
          webhookId: `wh-${webhook}`,
          provider: 'argyle',
          detailType: 'items.removed',
          status: 'received',
          receivedAt: iso(atSeconds),
          rawBody: '{}',
          deliveries: 1,
          expiresAt: T0 / 1000 + 86_400,
          dedupeUntil: T0 / 1000 + atSeconds + window,
        });
        for (const o of ops) {
          const answers = await Promise.all(
            [sim, adapter].map(async (store) => {
              switch (o.kind) {
                case 'put': {
                  const put = await store.putIfAbsent(record(o.id, o.at, o.window), T0 / 1000 + o.at);
                  return put.outcome === 'created' ? 'created' : `duplicate of ${put.existing.webhookId}`;
                }
                case 'adopt':
                  return (await store.adopt(record(o.id, o.at, o.window))).outcome;
                case 'claim':
                  return store.claim(key, `wh-${o.id}`, `m-${o.claim}`, iso(o.at), iso(o.at - o.lease));
                case 'confirm':
                  return store.confirm(key, `wh-${o.id}`, `m-${o.claim}`, iso(o.at));
                case 'markFailed':
                  return store.markFailed(key, `wh-${o.id}`, `m-${o.claim}`, 'boom', iso(o.at - o.lease));
                case 'markQuarantined':
                  return store.markQuarantined(key, `wh-${o.id}`, ['x: bad']);
              }
            }),
          );
          expect(answers[0], JSON.stringify(o)).toEqual(answers[1]);
          const raw = (
            await emulators.dynamo.send(
              new GetItemCommand({
                TableName: emulators.tableName,
                Key: { pk: { S: key } },
                ConsistentRead: true,
              }),
            )
          ).Item;
          const simItem = sim.current(key);
          const real = raw ? fromItem(raw) : undefined;
          expect(
            real && {
              ...real,
              claimedBy: raw?.claimedBy?.S,
              claimedAt: raw?.claimedAt?.S,
              failedBy: raw?.failedBy?.S,
              publishedAt: raw?.publishedAt?.S,
            },
          ).toEqual(
            simItem && {
              ...simItem,
              claimedBy: simItem.claimedBy,
              claimedAt: simItem.claimedAt,
              failedBy: simItem.failedBy,
              publishedAt: simItem.publishedAt,
            },
          );
          compared += 1;
        }
      }),
      { numRuns: 250 },
    );
    expect(compared).toBeGreaterThan(250);
  }, 120_000);
});
