import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { handler as IngestHandler } from '../../lambdas/ingest/handler.js';
import { toItem } from '../../lambdas/shared/adapters/webhook-store.js';
import { type PlaidKeyServer, startPlaidKeyServer } from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import { seed, seedPayloads } from '../helpers/fixtures.js';
import { plaidHeaders } from '../helpers/plaid.js';

expect.extend(allCustomMatcher);

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks';
const ARGYLE_SECRETS = ['whsec_current', 'whsec_previous'];
const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const key = generatePlaidSigningKey();
let keyServer: PlaidKeyServer;
let handler: typeof IngestHandler;

const invoke = async (...args: Parameters<typeof httpApiEvent>) => {
  const response = await handler(httpApiEvent(...args), lambdaContext);
  return {
    status: response.statusCode,
    body: JSON.parse(response.body) as Record<string, unknown>,
    headers: response.headers,
  };
};

const plaid = (file: string) => {
  const body = seed(file).raw;
  return { body, headers: plaidHeaders(body, key) };
};

beforeAll(async () => {
  keyServer = await startPlaidKeyServer({ keys: [key.jwk] });
  Object.assign(process.env, {
    TABLE_NAME: 'webhooks',
    QUEUE_URL,
    PLAID_BASE_URL: keyServer.url,
    PLAID_CLIENT_ID: 'client',
    PLAID_SECRET: 'secret',
    ARGYLE_WEBHOOK_SECRETS: ARGYLE_SECRETS.join(','),
  });
  ({ handler } = await import('../../lambdas/ingest/handler.js'));
});
afterAll(async () => keyServer.close());
beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  dynamo.on(PutItemCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

describe('ingest handler.ts (AWS clients mocked)', () => {
  it.each(seedPayloads().map((s) => [s.file, s] as const))(
    'accepts the seed %s: one PutItem, one SendMessage, 200',
    async (_f, s) => {
      // Prepare
      const headers =
        s.provider === 'plaid'
          ? plaidHeaders(s.raw, key)
          : {
              'Content-Type': 'application/json',
              'X-Argyle-Signature': signArgyleBody(s.raw, 'whsec_previous'),
            };
      // Act
      const response = await invoke(s.provider, s.raw, { headers });
      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'accepted', webhookId: expect.any(String) });
      expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
      expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
        TableName: 'webhooks',
        ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#until) OR #until < :now',
      });
      expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      const message = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}');
      expect(message).toMatchObject({
        version: 1,
        webhookId: response.body.webhookId,
        provider: s.provider,
        rawBody: s.raw.toString(),
      });
    },
  );

  it('decodes a base64-encoded body before verifying it', async () => {
    const { body, headers } = plaid('plaid__ITEM__ERROR.json');
    const response = await invoke('plaid', body, { headers, base64: true });
    expect(response.status).toBe(200);
  });

  it('answers a conditional-check failure as a duplicate with the stored webhookId (its message, sent first, is dropped by the router)', async () => {
    // Prepare
    const { body, headers } = plaid('plaid__ITEM__ERROR.json');
    dynamo
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(UpdateItemCommand).resolves({
      Attributes: toItem({
        dedupeKey: 'plaid#x',
        webhookId: 'first-id',
        provider: 'plaid',
        detailType: 'ITEM.ERROR',
        status: 'received',
        receivedAt: new Date().toISOString(),
        rawBody: body.toString(),
        deliveries: 2,
        expiresAt: 0,
        dedupeUntil: 0,
      }),
    });
    // Act
    const response = await invoke('plaid', body, { headers });
    // Assess
    expect(response).toMatchObject({ status: 200, body: { status: 'duplicate', webhookId: 'first-id' } });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      UpdateExpression: 'SET deliveries = if_not_exists(deliveries, :one) + :one',
      ReturnValues: 'ALL_NEW',
    });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('answers 401 with a reason and stores nothing for a wrong Argyle secret', async () => {
    // Prepare
    const body = seed('argyle__items.removed.json').raw;
    // Act
    const response = await invoke('argyle', body, {
      headers: { 'x-argyle-signature': signArgyleBody(body, 'whsec_wrong') },
    });
    // Assess
    expect(response.status).toBe(401);
    expect(String(response.body.error)).toContain('does not match');
    expect(JSON.stringify(response.body)).not.toContain('whsec');
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 0);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
  });

  it('answers 401 for a Plaid body whose iat is 6 minutes old', async () => {
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const response = await invoke('plaid', body, {
      headers: plaidHeaders(body, key, Math.floor(Date.now() / 1000) - 360),
    });
    expect(response.status).toBe(401);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });

  it('answers 503 with no internals when DynamoDB fails; the message is already out', async () => {
    // Prepare
    const { body, headers } = plaid('plaid__ITEM__ERROR.json');
    dynamo.on(PutItemCommand).rejects(new Error('ThrottlingException: secret internals'));
    // Act
    const response = await invoke('plaid', body, { headers });
    // Assess
    expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).not.toContain('internals');
    expect(response.headers).toMatchObject({ 'retry-after': '30' });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
  });

  it('answers 503 when SQS fails, and writes nothing', async () => {
    // Prepare
    const { body, headers } = plaid('plaid__ITEM__ERROR.json');
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));
    // Act
    const response = await invoke('plaid', body, { headers });
    // Assess
    expect(response.status).toBe(503);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });

  it('answers 400 for a verified body that is not JSON', async () => {
    const body = Buffer.from('not json');
    const response = await invoke('argyle', body, {
      headers: { 'x-argyle-signature': signArgyleBody(body, 'whsec_current') },
    });
    expect(response).toMatchObject({ status: 400, body: { error: 'body is not valid JSON' } });
  });

  it('answers 413 for a body over 256 KiB, base64 or not', async () => {
    const body = Buffer.alloc(300 * 1024, 0x61);
    expect((await invoke('argyle', body)).status).toBe(413);
    expect((await invoke('argyle', body, { base64: true })).status).toBe(413);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });

  it('answers 404 for an unknown provider and 405 for a GET', async () => {
    expect((await invoke('stripe', '{}')).status).toBe(404);
    const get = await invoke('plaid', '', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers).toMatchObject({ allow: 'POST' });
  });
});
