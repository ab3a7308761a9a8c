import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_AND_QUEUE_TIMEOUTS } from '../../lambdas/ingest/budget.js';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { createSqsClient, createSqsWebhookQueue } from '../../lambdas/shared/adapters/webhook-queue.js';
import { createDynamoClient, createDynamoWebhookStore } from '../../lambdas/shared/adapters/webhook-store.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import { startTestEmulators, type TestEmulators } from '../helpers/emulators.js';
import { inMemoryKeyCache } from '../helpers/plaid.js';

// Issue 24 #3: when ingest's budget answers 503, the store write it gave up on is aborted, so no
// write lands (and no retry attempt of it starts) after the answer: a record that appeared later,
// after the router had given up on its message, would make the provider's retry a `duplicate` of a
// webhook that is never published. DynamoDB is a server that takes requests and never answers;
// SQS is fauxqs; the SDK clients are the real ones with the function's timeouts.

const SECRET = 'whsec_abort';
const BUDGET_MS = 400;
let emulators: TestEmulators;
let dynamo: Server;
/** Each request the hung DynamoDB received: when it arrived and when its connection closed. */
const requests: { at: number; closedAt?: number }[] = [];

beforeAll(async () => {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
  emulators = await startTestEmulators();
  dynamo = createServer((req: IncomingMessage) => {
    const entry: { at: number; closedAt?: number } = { at: Date.now() };
    requests.push(entry);
    req.socket.on('close', () => {
      entry.closedAt = Date.now();
    });
  });
  await new Promise<void>((r) => dynamo.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  dynamo.closeAllConnections();
  await new Promise((r) => dynamo.close(r));
  await emulators.stop();
});

describe('ingest budget', () => {
  it('aborts the store write it gave up on: nothing reaches the table after the 503', async () => {
    // Prepare
    const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    const handler = createIngestHandler({
      logger: new Logger({ serviceName: 'webhook-ingest', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'WebhookPipelineTest', serviceName: 'webhook-ingest' }),
      budgetMs: BUDGET_MS,
      deps: {
        providers: createProviders({
          plaid: {
            keys: inMemoryKeyCache([generatePlaidSigningKey().jwk], Date.now).cache,
            now: Date.now,
          },
          argyle: { secrets: async () => [SECRET] },
        }),
        store: createDynamoWebhookStore({
          client: createDynamoClient(endpoint, STORE_AND_QUEUE_TIMEOUTS),
          tableName: 'webhooks',
        }),
        queue: createSqsWebhookQueue({
          client: createSqsClient(emulators.sqsEndpoint, STORE_AND_QUEUE_TIMEOUTS),
          queueUrl: emulators.queueUrl,
        }),
        now: Date.now,
        newId: () => crypto.randomUUID(),
        settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 600, retentionDays: 30 },
      },
    });
    const body = Buffer.from('{"event":"items.removed","name":"n","data":{"item":"i"}}');
    // Act: the delivery, then longer than a request timeout and the SDK's retry would take
    const answer = await handler(
      httpApiEvent('argyle', body, { headers: { 'x-argyle-signature': signArgyleBody(body, SECRET) } }),
      lambdaContext,
    );
    const answeredAt = Date.now();
    await new Promise((r) =>
      setTimeout(r, STORE_AND_QUEUE_TIMEOUTS.requestTimeoutMs * STORE_AND_QUEUE_TIMEOUTS.maxAttempts + 500),
    );
    // Assess: one write attempt, cut at the answer; none after it
    expect(answer.statusCode).toBe(503);
    expect(requests).toHaveLength(1);
    expect(requests.filter((r) => r.at > answeredAt)).toEqual([]);
    expect(requests[0]?.closedAt).toBeDefined();
    expect((requests[0]?.closedAt ?? Number.POSITIVE_INFINITY) - answeredAt).toBeLessThan(200);
  }, 20_000);
});
