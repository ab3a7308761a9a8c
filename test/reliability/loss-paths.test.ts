import { describe, expect, it } from 'vitest';
import { type IngestDeps, type IngestOutcome, ingestWebhook } from '../../lambdas/ingest/ingest-webhook.js';
import { createProviders } from '../../lambdas/providers/index.js';
import {
  DEFAULT_ROUTER_SETTINGS,
  type RouterRecord,
  type RouterSettings,
  routeWebhooks,
} from '../../lambdas/router/route-webhooks.js';
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from '../../lambdas/shared/config.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import {
  type EventEntry,
  type EventPublisher,
  type PutResult,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
} from '../../lambdas/shared/webhook-record.js';
import { generatePlaidSigningKey } from '../../local/signing.js';
import {
  InMemoryRouterStore,
  InMemoryWebhookQueue,
  InMemoryWebhookStore,
  ManualClock,
  sequentialIds,
} from '../helpers/fakes.js';
import { seed } from '../helpers/fixtures.js';
import { inMemoryKeyCache, plaidHeaders } from '../helpers/plaid.js';

// The paths that once answered a webhook 200 `accepted` and never published it (issue 24), each
// through the real ingest and router cores on one in-memory table; these tests failed before the
// router waited for a message's own record over an expired one and tried a claim with every message.

/** An ingest store whose writes can be held back, so the router reads before they land. */
class HeldStore extends InMemoryWebhookStore {
  private held: (() => void) | undefined;
  public hold = false;
  public override async putIfAbsent(record: WebhookRecord, nowSeconds: number): Promise<PutResult> {
    if (this.hold) await new Promise<void>((release) => (this.held = release));
    return super.putIfAbsent(record, nowSeconds);
  }
  /** Lets a held write land. */
  public release(): void {
    this.hold = false;
    this.held?.();
    this.held = undefined;
  }
}

/** The router's view, whose eventually consistent reads can return what was stored before `staleFrom`. */
class StaleReadStore extends InMemoryRouterStore {
  public stale: Map<string, WebhookRecord> | undefined;
  public consistentReads = 0;
  public override async getStates(dedupeKeys: readonly string[], withBody: boolean, consistent?: boolean) {
    if (consistent) this.consistentReads += 1;
    if (consistent || !this.stale) return super.getStates(dedupeKeys, withBody);
    const out = new Map<string, StoredState>();
    for (const key of dedupeKeys) {
      const record = this.stale.get(key);
      if (record)
        out.set(key, {
          webhookId: record.webhookId,
          status: record.status,
          receivedAt: record.receivedAt,
          dedupeUntil: record.dedupeUntil,
        });
    }
    return out;
  }
}

const build = () => {
  const clock = new ManualClock(Date.now());
  const key = generatePlaidSigningKey();
  const { cache } = inMemoryKeyCache([key.jwk], clock.now);
  const store = new HeldStore();
  const queue = new InMemoryWebhookQueue();
  const deps: IngestDeps = {
    providers: createProviders({
      plaid: { keys: cache, now: clock.now },
      argyle: { secrets: async () => ['unused'] },
    }),
    store,
    queue,
    now: clock.now,
    newId: sequentialIds(),
    settings: {
      maxBodyBytes: 256 * 1024,
      dedupeWindowSeconds: DEFAULT_DEDUPE_WINDOW_SECONDS,
      retentionDays: 30,
    },
  };
  const published: EventEntry[] = [];
  let failPublish = 0;
  const publisher: EventPublisher = {
    publish: async (entries) => {
      if (failPublish > 0) {
        failPublish -= 1;
        return entries.map(() => ({
          ok: false as const,
          errorCode: 'InternalFailure',
          errorMessage: 'down',
        }));
      }
      published.push(...entries);
      return entries.map((_, i) => ({ ok: true as const, eventId: `e-${i}` }));
    },
  };
  const routerStore = new StaleReadStore(store.records);
  /** Sleeps of the router advance the clock; `onSleep` runs at each. */
  let onSleep: (() => void) | undefined;
  const route = (records: RouterRecord[], settings?: RouterSettings) =>
    routeWebhooks(records, {
      store: routerStore,
      publisher,
      now: clock.now,
      ...(settings ? { settings } : {}),
      sleep: async (ms) => {
        clock.advance(ms);
        onSleep?.();
      },
    });
  const sent = (i: number): RouterRecord => ({
    id: `m-${i}`,
    body: queue.messages[i] as string,
    receiveCount: 1,
  });
  const plaid = (body: Buffer) => ({
    provider: 'plaid',
    body,
    headers: plaidHeaders(body, key, Math.floor(clock.ms / 1000)),
  });
  return {
    clock,
    store,
    routerStore,
    queue,
    deps,
    route,
    sent,
    published,
    plaid,
    failNextPublish: () => (failPublish += 1),
    setOnSleep: (f: (() => void) | undefined) => (onSleep = f),
  };
};

const webhookIdsOf = (entries: readonly EventEntry[]) =>
  entries.map((e) => (JSON.parse(e.detail) as { metadata: { webhookId: string } }).metadata.webhookId);

const SYNC = 'plaid__TRANSACTIONS__SYNC_UPDATES_AVAILABLE.json';

describe('a repeated body after the dedupe window (issue 24 #1)', () => {
  it('publishes the second webhook when the router reads its key before its write replaces the expired record', async () => {
    // Prepare: body B stored and published as W0
    const t = build();
    const body = seed(SYNC).raw;
    const first = await ingestWebhook(t.plaid(body), t.deps);
    await t.route([t.sent(0)]);
    // Act: B again 2 h later; its message is out, its write held back until the router has read
    t.clock.advance(2 * 3_600_000);
    t.store.hold = true;
    const second = ingestWebhook(t.plaid(body), t.deps);
    while (t.queue.messages.length < 2) await new Promise((r) => setImmediate(r));
    t.setOnSleep(() => t.store.release());
    const routed = await t.route([t.sent(1)]);
    t.store.release();
    const answer: IngestOutcome = await second;
    // Assess: the provider got `accepted` with W2's id, and W2 is on the bus
    expect(answer).toMatchObject({ status: 'accepted' });
    expect(answer.webhookId).not.toBe(first.webhookId);
    expect(routed.get('m-1')).toMatchObject({ status: 'published', webhookId: answer.webhookId });
    expect(webhookIdsOf(t.published)).toEqual([first.webhookId, answer.webhookId]);
  });

  it('publishes the second webhook when an eventually consistent read still returns the record it replaced', async () => {
    // Prepare
    const t = build();
    const body = seed(SYNC).raw;
    const first = await ingestWebhook(t.plaid(body), t.deps);
    await t.route([t.sent(0)]);
    t.routerStore.stale = new Map(t.store.records);
    // Act: the write of the second delivery has landed, but the batch's first read is stale
    t.clock.advance(2 * 3_600_000);
    const second = await ingestWebhook(t.plaid(body), t.deps);
    const routed = await t.route([t.sent(1)]);
    // Assess: read again strongly consistent, found its own record, published
    expect(second.status).toBe('accepted');
    expect(t.routerStore.consistentReads).toBeGreaterThan(0);
    expect(routed.get('m-1')).toMatchObject({ status: 'published', webhookId: second.webhookId });
    expect(webhookIdsOf(t.published)).toEqual([first.webhookId, second.webhookId]);
  });

  it('adopts, over the expired record, a message whose own write never landed, and publishes it', async () => {
    // Prepare
    const t = build();
    const body = seed(SYNC).raw;
    const first = await ingestWebhook(t.plaid(body), t.deps);
    await t.route([t.sent(0)]);
    // Act: 2 h later the message is sent but the write fails (503); the router runs past the budget
    t.clock.advance(2 * 3_600_000);
    t.store.failWith = new Error('DynamoDB unavailable');
    const failed = await ingestWebhook(t.plaid(body), t.deps).catch((e: unknown) => e);
    t.store.failWith = undefined;
    const message = JSON.parse(t.queue.messages[1] as string) as { webhookId: string };
    const routed = await t.route([t.sent(1)]);
    // Assess: the record is the message's own now, and its event is out
    expect(failed).toBeInstanceOf(Error);
    expect(routed.get('m-1')).toMatchObject({ status: 'published', adopted: true });
    expect(t.store.records.get(`plaid#${[...t.store.records.keys()][0]?.split('#')[1]}`)?.webhookId).toBe(
      message.webhookId,
    );
    expect(webhookIdsOf(t.published)).toEqual([first.webhookId, message.webhookId]);
  });

  it('still drops the message of a duplicate delivery inside the window, whose webhook is published', async () => {
    // Prepare
    const t = build();
    const body = seed(SYNC).raw;
    const first = await ingestWebhook(t.plaid(body), t.deps);
    // Act: the same body 5 s later is a duplicate; both messages in one batch
    t.clock.advance(5_000);
    const again = await ingestWebhook(t.plaid(body), t.deps);
    const routed = await t.route([t.sent(0), t.sent(1)]);
    // Assess
    expect(again).toMatchObject({ status: 'duplicate', webhookId: first.webhookId });
    expect(routed.get('m-1')).toMatchObject({ status: 'duplicate' });
    expect(webhookIdsOf(t.published)).toEqual([first.webhookId]);
  });
});

describe('an adopted record (issue 24 #3)', () => {
  it('keeps the dedupe window ingest gave it: an identical body after that window is a new webhook, published', async () => {
    // Prepare: the first delivery's write fails; the router adopts its message
    const t = build();
    const body = seed(SYNC).raw;
    t.store.failWith = new Error('DynamoDB unavailable');
    await ingestWebhook(t.plaid(body), t.deps).catch(() => undefined);
    t.store.failWith = undefined;
    await t.route([t.sent(0)]);
    const [adopted] = webhookIdsOf(t.published);
    // Act: a legitimate second SYNC_UPDATES_AVAILABLE after the window
    t.clock.advance((DEFAULT_DEDUPE_WINDOW_SECONDS + 60) * 1000);
    const later = await ingestWebhook(t.plaid(body), t.deps);
    await t.route([t.sent(1)]);
    // Assess
    expect(later.status).toBe('accepted');
    expect(later.webhookId).not.toBe(adopted);
    expect(webhookIdsOf(t.published)).toEqual([adopted, later.webhookId]);
  });
});

describe('the claim holder in a group (issue 24 #2)', () => {
  it('publishes when the message that claimed comes back after another message of its webhook', async () => {
    // Prepare: message R (redelivered, so it claims) claims the record; its PutEvents fails
    const t = build();
    const body = seed(SYNC).raw;
    const stored = await ingestWebhook(t.plaid(body), t.deps);
    const r: RouterRecord = { ...t.sent(0), receiveCount: 2 };
    t.failNextPublish();
    const failed = await t.route([r]);
    // A second message D of the same webhook (a requeue), ordered before R's redelivery
    const record = t.store.records.values().next().value as WebhookRecord;
    const d: RouterRecord = {
      id: 'requeue-1',
      receiveCount: 1,
      body: buildQueueMessage(
        {
          webhookId: record.webhookId,
          provider: record.provider,
          dedupeKey: record.dedupeKey,
          receivedAt: record.receivedAt,
          requeued: true,
        },
        record.rawBody,
      ),
    };
    // Act
    const routed = await t.route([d, { ...r, receiveCount: 3 }]);
    // Assess
    expect(failed.get(r.id)).toBeInstanceOf(Error);
    expect(t.store.records.get(record.dedupeKey)?.status).toBe(WebhookStatus.Published);
    expect(routed.get(r.id)).toMatchObject({ status: 'published' });
    expect(routed.get(d.id)).toMatchObject({ status: 'published' });
    expect(webhookIdsOf(t.published)).toEqual([stored.webhookId]);
  });
});

describe('a requeued body that ingest would have quarantined (issue 24 #3)', () => {
  it('is quarantined by the router instead of failing PutEvents on every receive', async () => {
    // Prepare: a quarantined record whose body passes its schema but holds an integer beyond int64
    const t = build();
    const body = Buffer.from(
      seed(SYNC).raw.toString().replace(/^\{/, '{"cursor_position":99999999999999999999,'),
    );
    const stored = await ingestWebhook(t.plaid(body), t.deps);
    const record = t.store.records.get([...t.store.records.keys()][0] ?? '') as WebhookRecord;
    const requeued: RouterRecord = {
      id: 'requeue-1',
      receiveCount: 1,
      body: buildQueueMessage(
        {
          webhookId: record.webhookId,
          provider: record.provider,
          dedupeKey: record.dedupeKey,
          receivedAt: record.receivedAt,
          requeued: true,
        },
        record.rawBody,
      ),
    };
    // Act
    const routed = await t.route([requeued]);
    // Assess
    expect(stored.status).toBe('quarantined');
    expect(routed.get('requeue-1')).toMatchObject({ status: 'quarantined' });
    expect(t.published).toEqual([]);
    expect(t.store.records.get(record.dedupeKey)?.issues).toEqual([
      '(body): an integer outside the 64-bit range, which EventBridge refuses',
    ]);
  });
});

describe('paths a review of the change found (issue 24)', () => {
  const stored = (t: ReturnType<typeof build>) => t.store.records.values().next().value as WebhookRecord;

  it('stores, failed, the record of a message on its last receive whose own record never landed', async () => {
    // Prepare: the write fails (503), the message stays; PutEvents fails on every receive
    const t = build();
    t.store.failWith = new Error('DynamoDB unavailable');
    await ingestWebhook(t.plaid(seed(SYNC).raw), t.deps).catch(() => undefined);
    t.store.failWith = undefined;
    // The router's own write (its adoption) fails too, on the last receive
    t.routerStore.failWith = undefined;
    const adopt = t.routerStore.adopt.bind(t.routerStore);
    let adoptions = 0;
    t.routerStore.adopt = async (record) => {
      adoptions += 1;
      if (adoptions === 1) throw new Error('DynamoDB unavailable');
      return adopt(record);
    };
    // Act
    const routed = await t.route([{ ...t.sent(0), receiveCount: 5 }]);
    // Assess: failed, and findable by requeue
    expect(routed.get('m-0')).toBeInstanceOf(Error);
    expect(stored(t)).toMatchObject({ status: WebhookStatus.Failed });
  });

  it('keeps in the queue (to the DLQ) a replaced webhook whose body the catalogue now refuses, instead of dropping it', async () => {
    // Prepare: W1's message is late; W2, the same bytes 700 s later, replaced its record; the
    // message carries no classification, so the router classifies W1's body, which fails
    const t = build();
    const body = Buffer.from(
      seed(SYNC)
        .raw.toString()
        .replace('"environment": "production"', '"environment": "production", "item_id": 42'),
    );
    const at = new Date(t.clock.ms).toISOString();
    const first = JSON.parse(
      buildQueueMessage(
        {
          webhookId: 'W1',
          provider: 'plaid',
          dedupeKey: 'plaid#k',
          receivedAt: at,
          dedupeUntil: Math.floor(t.clock.ms / 1000) + 600,
        },
        body.toString(),
      ),
    ) as Record<string, unknown>;
    t.store.records.set('plaid#k', {
      dedupeKey: 'plaid#k',
      webhookId: 'W2',
      provider: 'plaid',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      status: WebhookStatus.Quarantined,
      receivedAt: new Date(t.clock.ms + 700_000).toISOString(),
      rawBody: body.toString(),
      deliveries: 1,
      expiresAt: 0,
      dedupeUntil: Math.floor(t.clock.ms / 1000) + 1300,
    });
    t.clock.advance(701_000);
    // Act
    const routed = await t.route([{ id: 'late', body: JSON.stringify(first), receiveCount: 1 }]);
    // Assess
    expect(routed.get('late')).toBeInstanceOf(Error);
    expect(t.published).toEqual([]);
  });

  it('retries a message without a body whose record is not there yet, and drops it only on a later receive', async () => {
    // Prepare: a body-less message (as for a body too large for SQS), nothing stored
    const t = build();
    const message = buildQueueMessage({
      webhookId: 'W1',
      provider: 'plaid',
      dedupeKey: 'plaid#nothing',
      receivedAt: new Date(t.clock.ms - 60_000).toISOString(),
    });
    // Act
    const first = await t.route([{ id: 'm', body: message, receiveCount: 1 }]);
    const later = await t.route([{ id: 'm', body: message, receiveCount: 2 }]);
    // Assess
    expect(first.get('m')).toBeInstanceOf(Error);
    expect(later.get('m')).toMatchObject({ status: 'dropped' });
  });

  it('publishes a requeued message without its window when a record of its body came later than the smallest window', async () => {
    // Prepare: W1 failed (received at 0, when the window was 330 s); W2 of the same bytes stored at
    // 700 s replaced it; a deploy has raised the window to 3600 s since. A message that does not
    // carry its window must not be judged by today's, which would make W1 a duplicate and drop it
    const t = build();
    const body = seed(SYNC).raw.toString();
    const at0 = Math.floor(t.clock.ms / 1000);
    t.store.records.set('plaid#k', {
      dedupeKey: 'plaid#k',
      webhookId: 'W2',
      provider: 'plaid',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      status: WebhookStatus.Received,
      receivedAt: new Date((at0 + 700) * 1000).toISOString(),
      rawBody: body,
      deliveries: 1,
      expiresAt: 0,
      dedupeUntil: at0 + 700 + 3600,
    });
    const requeued = buildQueueMessage(
      {
        webhookId: 'W1',
        provider: 'plaid',
        dedupeKey: 'plaid#k',
        receivedAt: new Date(at0 * 1000).toISOString(),
        requeued: true,
      },
      body,
    );
    t.clock.advance(800_000);
    // Act
    const routed = await t.route([{ id: 'rq', body: requeued, receiveCount: 1 }], {
      ...DEFAULT_ROUTER_SETTINGS,
      dedupeWindowSeconds: 3600,
    });
    // Assess: published (at worst a duplicate of a webhook that was a duplicate), never dropped
    expect(routed.get('rq')).toMatchObject({ status: 'published', webhookId: 'W1' });
  });
});
