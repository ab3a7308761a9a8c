import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../lambdas/reconciler/reconcile.js';
import { createSqsWebhookQueue } from '../../lambdas/shared/adapters/webhook-queue.js';
import { createDynamoWebhookStore } from '../../lambdas/shared/adapters/webhook-store.js';
import { QueueMessageSchema } from '../../lambdas/shared/queue-message.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';

let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators.stop());

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const record = (n: number, status: WebhookRecord['status'], minutesAgo: number): WebhookRecord => ({
  dedupeKey: `argyle#${String(n).padStart(64, 'a')}`,
  webhookId: `wh-${n}`,
  provider: 'argyle',
  detailType: 'items.removed',
  status,
  receivedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  rawBody: `{"event":"items.removed","name":"n","data":{"item":"${n}"}}`,
  deliveries: 1,
  expiresAt: 2_000_000_000,
});

const receiveAll = async () => {
  const out = await emulators.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: emulators.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (out.Messages ?? []).map((m) => QueueMessageSchema.parse(JSON.parse(m.Body ?? '')));
};

describe('reconcile (dynalite + fauxqs)', () => {
  it('enqueues a record written without its message once, and leaves published, quarantined and recent ones alone', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const queue = createSqsWebhookQueue({ client: emulators.sqs, queueUrl: emulators.queueUrl });
    const stranded = record(1, 'received', 10);
    const published = record(2, 'received', 10);
    const quarantined = record(3, 'quarantined', 10);
    const recent = record(4, 'received', 1);
    for (const r of [stranded, published, quarantined, recent]) await store.putIfAbsent(r, r.receivedAt);
    await store.markPublished(published.dedupeKey, published.webhookId, new Date(NOW).toISOString());
    const deps = { store, queue, now: () => NOW, afterSeconds: 300, maxRecords: 100 };
    // Act
    const report = await reconcile(deps);
    const messages = await receiveAll();
    // Assess
    expect(report).toEqual({ found: 1, enqueued: 1, failed: 0, oldestReceivedAt: stranded.receivedAt });
    expect(messages).toEqual([
      {
        version: 1,
        webhookId: stranded.webhookId,
        provider: 'argyle',
        dedupeKey: stranded.dedupeKey,
        receivedAt: stranded.receivedAt,
      },
    ]);
  });

  it('stops finding a record once the router has marked it published', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const queue = createSqsWebhookQueue({ client: emulators.sqs, queueUrl: emulators.queueUrl });
    const stranded = record(1, 'received', 10);
    // Act
    await store.markPublished(stranded.dedupeKey, stranded.webhookId, new Date(NOW).toISOString());
    const report = await reconcile({ store, queue, now: () => NOW, afterSeconds: 300, maxRecords: 100 });
    // Assess
    expect(report.found).toBe(0);
  });

  it('takes at most maxRecords per run, oldest first', async () => {
    // Prepare
    const store = createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName });
    const queue = createSqsWebhookQueue({ client: emulators.sqs, queueUrl: emulators.queueUrl });
    for (let i = 10; i < 15; i += 1)
      await store.putIfAbsent(record(i, 'received', 30 - i), '2000-01-01T00:00:00.000Z');
    await receiveAll();
    // Act
    const report = await reconcile({ store, queue, now: () => NOW, afterSeconds: 300, maxRecords: 2 });
    // Assess
    expect(report.found).toBe(2);
    expect((await receiveAll()).map((m) => m.webhookId)).toEqual(['wh-10', 'wh-11']);
  });
});
