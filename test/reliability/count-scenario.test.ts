import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { countScenario, type Delivery, makeDeliveries } from './fault-harness.js';

const stored = (delivery: Delivery, webhookId: string): WebhookRecord =>
  ({
    dedupeKey: `${delivery.info.provider}#${createHash('sha256').update(delivery.body).digest('hex')}`,
    webhookId,
    status: 'received',
  }) as WebhookRecord;

describe("a fault scenario's row", () => {
  it("counts the records and events of the scenario's deliveries only: never more events than sent", async () => {
    // A probe sent first and answered 503, whose record the router adopted and published, and two
    // deliveries of the scenario, one published twice.
    const [probe, a, b] = makeDeliveries('count-scenario', 3) as [Delivery, Delivery, Delivery];
    const env = {
      records: async () => [stored(probe, 'wh-probe'), stored(a, 'wh-a'), stored(b, 'wh-b')],
      events: () => ['wh-probe', 'wh-a', 'wh-b', 'wh-b'].map((webhookId) => ({ webhookId, detailType: 'T' })),
    };
    const outcomes = [
      { acceptedId: 'wh-a', statuses: [200] },
      { acceptedId: 'wh-b', statuses: [503, 200] },
    ];
    const { missing, ...row } = await countScenario(env, 'hung', [a, b], outcomes, 0);
    expect(row).toEqual({ name: 'hung', sent: 2, accepted: 2, events: 2, lost: 0, duplicateEvents: 1 });
    expect(missing).toEqual([]);
  });

  it('a stored record of the scenario without an event is lost', async () => {
    const [a, b] = makeDeliveries('count-scenario-lost', 2) as [Delivery, Delivery];
    const env = {
      records: async () => [stored(a, 'wh-a'), stored(b, 'wh-b')],
      events: () => [{ webhookId: 'wh-a', detailType: 'T' }],
    };
    const { missing, ...row } = await countScenario(
      env,
      'lost',
      [a, b],
      [{ statuses: [503] }, { statuses: [503] }],
      0,
    );
    expect(row).toMatchObject({ sent: 2, accepted: 0, events: 1, lost: 1 });
    expect(missing).toEqual(['wh-b']);
  });
});
