import { describe, expect, it } from 'vitest';
import { type IngestDeps, ingestWebhook } from '../../lambdas/ingest/ingest-webhook.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { type RouterRecord, routeWebhooks } from '../../lambdas/router/route-webhooks.js';
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from '../../lambdas/shared/config.js';
import type { EventEntry } from '../../lambdas/shared/webhook-record.js';
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

// Issue 14 #7: the dedupe window covers the oldest accepted Plaid token plus clock skew, and a
// provider retry of a webhook that never got its 2xx keeps its webhookId within the window (an
// adopted record has the window ingest gave it: issue 24, test/reliability/loss-paths.test.ts).
// The real ingest and router cores, real Plaid signatures, one in-memory table shared by both.

const build = () => {
  const clock = new ManualClock(Date.now());
  const key = generatePlaidSigningKey();
  const { cache } = inMemoryKeyCache([key.jwk], clock.now);
  const store = new InMemoryWebhookStore();
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
  const routerStore = new InMemoryRouterStore(store.records);
  let sent = 0;
  /** Routes the messages sent since the last call, as a first receive. */
  const route = () => {
    const records: RouterRecord[] = queue.messages
      .slice(sent)
      .map((body, i) => ({ id: `m-${sent + i}`, body, receiveCount: 1 }));
    sent = queue.messages.length;
    return routeWebhooks(records, {
      store: routerStore,
      publisher: {
        publish: async (entries) => {
          published.push(...entries);
          return entries.map((_, i) => ({ ok: true as const, eventId: `e-${i}` }));
        },
      },
      now: clock.now,
      sleep: async (ms) => clock.advance(ms),
    });
  };
  /** A Plaid delivery signed now (`aheadSeconds`: Plaid's clock ahead of ours). */
  const plaid = (body: Buffer, aheadSeconds = 0) => ({
    provider: 'plaid',
    body,
    headers: plaidHeaders(body, key, Math.floor(clock.ms / 1000) + aheadSeconds),
  });
  return { clock, store, queue, deps, route, published, plaid };
};

const webhookIdsOf = (entries: readonly EventEntry[]) =>
  entries.map((e) => (JSON.parse(e.detail) as { metadata: { webhookId: string } }).metadata.webhookId);

describe('dedupe window (issue 14 #7)', () => {
  it('answers a captured Plaid delivery replayed at 301 s, its token still accepted, as a duplicate: one event', async () => {
    // Prepare: Plaid's clock 30 s ahead, within the verifier's skew allowance
    const { clock, deps, route, published, plaid } = build();
    const captured = plaid(seed('plaid__TRANSACTIONS__SYNC_UPDATES_AVAILABLE.json').raw, 30);
    const first = await ingestWebhook(captured, deps);
    await route();
    // Act: the same request, byte for byte, 301 s later
    clock.advance(301_000);
    const replay = await ingestWebhook(captured, deps);
    await route();
    // Assess
    expect(replay).toMatchObject({ status: 'duplicate', webhookId: first.webhookId });
    expect(webhookIdsOf(published)).toEqual([first.webhookId]);
  });

  it('keeps the webhookId of an adopted record when the provider retries within the window', async () => {
    // Prepare: the first delivery's write fails (503): its message is out, no record
    const { clock, store, deps, route, published, plaid } = build();
    const body = seed('plaid__ITEM__ERROR.json').raw;
    store.failWith = new Error('DynamoDB unavailable');
    const failed = await ingestWebhook(plaid(body), deps).catch((e: unknown) => e);
    store.failWith = undefined;
    // The router waits for the ingest budget, finds no record, adopts the message and publishes it.
    await route();
    const adopted = webhookIdsOf(published);
    // Act: the provider's retry comes near the end of the window
    clock.advance((DEFAULT_DEDUPE_WINDOW_SECONDS - 60) * 1000);
    const retry = await ingestWebhook(plaid(body), deps);
    await route();
    // Assess: one webhook, one webhookId, one event
    expect(failed).toBeInstanceOf(Error);
    expect(adopted).toHaveLength(1);
    expect(retry).toMatchObject({ status: 'duplicate', webhookId: adopted[0] });
    expect(webhookIdsOf(published)).toEqual(adopted);
    expect(store.records.size).toBe(1);
  });

  it('still treats an identical body after the window of a normally stored record as a new webhook', async () => {
    // Prepare
    const { clock, deps, route, published, plaid } = build();
    const body = seed('plaid__TRANSACTIONS__SYNC_UPDATES_AVAILABLE.json').raw;
    const first = await ingestWebhook(plaid(body), deps);
    await route();
    // Act: a legitimate second SYNC_UPDATES_AVAILABLE, well after the window
    clock.advance((DEFAULT_DEDUPE_WINDOW_SECONDS + 1) * 1000);
    const later = await ingestWebhook(plaid(body), deps);
    await route();
    // Assess
    expect(later.status).toBe('accepted');
    expect(later.webhookId).not.toBe(first.webhookId);
    expect(webhookIdsOf(published)).toEqual([first.webhookId, later.webhookId]);
  });
});
