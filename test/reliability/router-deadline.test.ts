import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { handler as RouterHandler } from '../../lambdas/router/handler.js';
import { routeWebhooks } from '../../lambdas/router/route-webhooks.js';
import { createDynamoWebhookStore } from '../../lambdas/shared/adapters/webhook-store.js';
import { RouterDeadlineError } from '../../lambdas/shared/errors.js';
import { lambdaContext } from '../helpers/api-gateway-event.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';
import { InMemoryRouterStore } from '../helpers/fakes.js';
import { mixedMessages, sqsEvent } from '../helpers/messages.js';

// Issue 24 #3: a hung EventBridge (a server that accepts the connection and never answers) must not
// run the router to its function timeout: the batch's work stops in time, and a record on its last
// receive is marked `failed` (so `requeue` finds it) before SQS moves the message to the DLQ.
// The real handler module, real SDK clients, DynamoDB on dynalite.

const FUNCTION_TIMEOUT_MS = 12_000;
let emulators: TestEmulators;
let hung: Server;
const sockets = new Set<Socket>();
let handler: typeof RouterHandler;

beforeAll(async () => {
  emulators = await startTestEmulators();
  hung = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    TABLE_NAME: emulators.tableName,
    EVENT_BUS_NAME: 'webhooks-bus',
    DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    EVENTBRIDGE_ENDPOINT: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
    MAX_RECEIVE_COUNT: '5',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  ({ handler } = await import('../../lambdas/router/handler.js'));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((r) => hung.close(r));
  await emulators.stop();
});

describe('router with a hung EventBridge', () => {
  it('answers before its timeout with the record failed, and marks it failed on its last receive', async () => {
    // Prepare: the record as ingest stored it, its message on its last receive
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    const { message } = first;
    const receivedSeconds = Math.floor(Date.parse(message.receivedAt) / 1000);
    await createDynamoWebhookStore({ client: emulators.dynamo, tableName: emulators.tableName }).putIfAbsent(
      {
        dedupeKey: message.dedupeKey,
        webhookId: message.webhookId,
        provider: message.provider,
        detailType: first.info.detailType,
        status: 'received',
        receivedAt: message.receivedAt,
        rawBody: message.rawBody ?? '',
        deliveries: 1,
        expiresAt: receivedSeconds + 86_400,
        dedupeUntil: receivedSeconds + 600,
      },
      receivedSeconds,
    );
    const started = Date.now();
    const context = {
      ...(lambdaContext as Context),
      getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_MS - (Date.now() - started),
    } as Context;
    // Act: the invocation, against the function's timeout
    let timer: NodeJS.Timeout | undefined;
    const response = await Promise.race([
      handler(sqsEvent([JSON.stringify(message)], 5), context) as Promise<SQSBatchResponse>,
      new Promise<'timed out'>((r) => {
        timer = setTimeout(() => r('timed out'), FUNCTION_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    const tookMs = Date.now() - started;
    // Assess
    expect(response).not.toBe('timed out');
    expect((response as SQSBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(tookMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
    const stored = await emulators.dynamo.send(
      new GetItemCommand({
        TableName: emulators.tableName,
        Key: { pk: { S: message.dedupeKey } },
        ConsistentRead: true,
      }),
    );
    expect(stored.Item?.status?.S).toBe('failed');
    expect(stored.Item?.failure?.S).toMatch(/EventPublishError|RouterDeadlineError|TimeoutError|Timeout/);
    expect(sockets.size).toBeGreaterThan(0);
  }, 30_000);
});

describe('the router core past its deadline', () => {
  it('fails what is not done by the deadline (a publish that never answers) and marks the last receive failed', async () => {
    // Prepare: a stored record, a bus that never answers, a deadline 200 ms away
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    const { message } = first;
    const receivedSeconds = Math.floor(Date.parse(message.receivedAt) / 1000);
    const store = new InMemoryRouterStore();
    store.records.set(message.dedupeKey, {
      dedupeKey: message.dedupeKey,
      webhookId: message.webhookId,
      provider: message.provider,
      detailType: first.info.detailType,
      status: 'received',
      receivedAt: message.receivedAt,
      rawBody: message.rawBody ?? '',
      deliveries: 1,
      expiresAt: receivedSeconds + 86_400,
      dedupeUntil: receivedSeconds + 600,
    });
    const failed: string[] = [];
    // Act
    const results = await routeWebhooks(
      [{ id: 'm-1', body: JSON.stringify(message), receiveCount: 5 }],
      {
        store,
        publisher: { publish: () => new Promise(() => undefined) },
        now: Date.now,
        onFailed: ({ webhookId }) => failed.push(webhookId),
      },
      { deadlineMs: Date.now() + 200 },
    );
    // Assess
    expect(results.get('m-1')).toBeInstanceOf(RouterDeadlineError);
    expect(store.records.get(message.dedupeKey)?.status).toBe('failed');
    expect(failed).toEqual([message.webhookId]);
  });
});
