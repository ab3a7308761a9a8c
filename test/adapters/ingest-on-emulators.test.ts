import { createHash } from 'node:crypto';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IngestDeps, ingestWebhook } from '../../lambdas/ingest/ingest-webhook.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { createSqsWebhookQueue } from '../../lambdas/shared/adapters/webhook-queue.js';
import { createDynamoWebhookStore, fromItem } from '../../lambdas/shared/adapters/webhook-store.js';
import { QueueUnavailableError } from '../../lambdas/shared/errors.js';
import { QueueMessageSchema } from '../../lambdas/shared/queue-message-schema.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../local/signing.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';
import { ManualClock } from '../helpers/fakes.js';
import { seed, seedPayloads } from '../helpers/fixtures.js';
import { inMemoryKeyCache, plaidHeaders } from '../helpers/plaid.js';

const SECRET = 'whsec_emulators';
let emulators: TestEmulators;
beforeAll(async () => {
  emulators = await startTestEmulators();
});
afterAll(async () => emulators.stop());

const drain = async () => {
  const messages = [];
  for (;;) {
    const out = await emulators.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emulators.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
      }),
    );
    if (!out.Messages?.length) return messages;
    messages.push(...out.Messages.map((m) => QueueMessageSchema.parse(JSON.parse(m.Body ?? ''))));
  }
};

const setup = (queueClient: SQSClient = emulators.sqs) => {
  const clock = new ManualClock(Date.now());
  const key = generatePlaidSigningKey();
  const deps: IngestDeps = {
    providers: createProviders({
      plaid: { keys: inMemoryKeyCache([key.jwk], clock.now).cache, now: clock.now },
      argyle: { secrets: async () => [SECRET] },
    }),
    store: createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName }),
    queue: createSqsWebhookQueue({ client: queueClient, queueUrl: emulators.queueUrl }),
    now: clock.now,
    newId: () => crypto.randomUUID(),
    settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 300, retentionDays: 30 },
  };
  const signed = (provider: 'plaid' | 'argyle', body: Buffer) => ({
    provider,
    body,
    headers:
      provider === 'plaid'
        ? plaidHeaders(body, key, Math.floor(clock.ms / 1000))
        : { 'x-argyle-signature': signArgyleBody(body, SECRET) },
  });
  return { clock, deps, signed };
};

describe('ingestWebhook with the DynamoDB and SQS adapters on real emulators', () => {
  beforeEach(async () => {
    await drain();
  });

  it('stores every seed once and enqueues one message each; a repeat is a duplicate', async () => {
    // Prepare
    const { deps, signed } = setup();
    const seeds = seedPayloads();
    // Act
    const first = [];
    for (const s of seeds) first.push(await ingestWebhook(signed(s.provider, s.raw), deps));
    const repeats = [];
    for (const s of seeds) repeats.push(await ingestWebhook(signed(s.provider, s.raw), deps));
    // Assess
    expect(first.every((o) => o.status === 'accepted')).toBe(true);
    expect(repeats.map((o) => [o.status, o.webhookId])).toEqual(first.map((o) => ['duplicate', o.webhookId]));
    for (const [i, s] of seeds.entries()) {
      const item = await emulators.dynamo.send(
        new GetItemCommand({
          TableName: emulators.tableName,
          Key: { pk: { S: `${s.provider}#${sha(s.raw)}` } },
        }),
      );
      expect(fromItem(item.Item ?? {})).toMatchObject({
        webhookId: first[i]?.webhookId,
        deliveries: 2,
        rawBody: s.raw.toString(),
      });
    }
    // Every delivery sends its message before the write; a repeat's message carries its own
    // webhookId, which the router drops as a duplicate delivery (the stored record is another's).
    const messages = await drain();
    expect(messages).toHaveLength(seeds.length * 2);
    const firstIds = new Set(first.map((o) => o.webhookId));
    expect(messages.filter((m) => firstIds.has(String(m.webhookId)))).toHaveLength(seeds.length);
  });

  it('answers 503 when SQS is down and stores nothing; the retried delivery is accepted and enqueued', async () => {
    // Prepare
    const down = new SQSClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const failing = setup(down);
    // A body no other test stored (the table is shared by the file).
    const body = Buffer.from(
      JSON.stringify({ ...JSON.parse(seed('argyle__items.updated.json').raw.toString()), sqsDown: true }),
    );
    // Act
    const error = await ingestWebhook(failing.signed('argyle', body), failing.deps).catch((e: unknown) => e);
    const healthy = setup();
    const retry = await ingestWebhook(healthy.signed('argyle', body), healthy.deps);
    // Assess
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(retry.status).toBe('accepted');
    const messages = await drain();
    expect(messages.map((m) => m.webhookId)).toEqual([retry.webhookId]);
    const scan = await emulators.dynamo.send(new ScanCommand({ TableName: emulators.tableName }));
    const stored = (scan.Items ?? []).map(fromItem).find((r) => r.webhookId === retry.webhookId);
    expect(stored?.status).toBe('received');
    down.destroy();
  });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
