import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CATALOGUE_VERSION } from '../../lambdas/providers/catalogue-version.js';
import type { handler as RouterHandler } from '../../lambdas/router/handler.js';
import type { QueueMessage } from '../../lambdas/shared/queue-message.js';
import { lambdaContext } from '../helpers/api-gateway-event.js';
import { mixedMessages, sqsEvent } from '../helpers/messages.js';

expect.extend(allCustomMatcher);

const dynamo = mockClient(DynamoDBClient);
const eventBridge = mockClient(EventBridgeClient);
let handler: typeof RouterHandler;

/** The table as BatchGetItem answers it: only the keys set here are stored. */
let statuses: Map<string, { webhookId: string; status: string; receivedAt?: string; dedupeUntil?: number }>;

const putEntries = (): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);

/** Delivers the messages; each parsed one is stored as its own `received` record unless `stored` is false. */
const invoke = async (
  messages: readonly (QueueMessage | string)[],
  { receiveCount = 1, stored = true }: { receiveCount?: number; stored?: boolean } = {},
) => {
  if (stored) {
    for (const m of messages) {
      if (typeof m !== 'string' && m.dedupeKey && !statuses.has(m.dedupeKey)) {
        statuses.set(m.dedupeKey, { webhookId: m.webhookId, status: 'received', receivedAt: m.receivedAt });
      }
    }
  }
  return (await handler(
    sqsEvent(
      messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))),
      receiveCount,
    ),
    lambdaContext,
  )) as SQSBatchResponse;
};

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'condition', $metadata: {} });

beforeAll(async () => {
  Object.assign(process.env, { TABLE_NAME: 'webhooks', EVENT_BUS_NAME: 'webhooks-bus' });
  ({ handler } = await import('../../lambdas/router/handler.js'));
});
beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  statuses = new Map();
  dynamo.on(BatchGetItemCommand).callsFake((input) => {
    const keys = input.RequestItems.webhooks.Keys as { pk: { S: string } }[];
    return {
      Responses: {
        webhooks: keys.flatMap((k) => {
          const s = statuses.get(k.pk.S);
          return s
            ? [
                {
                  pk: k.pk,
                  webhookId: { S: s.webhookId },
                  status: { S: s.status },
                  receivedAt: { S: s.receivedAt ?? new Date().toISOString() },
                  // Ingest's window (600 s) from the stored receipt unless the test sets another.
                  dedupeUntil: {
                    N: String(
                      s.dedupeUntil ??
                        Math.floor(Date.parse(s.receivedAt ?? new Date().toISOString()) / 1000) + 600,
                    ),
                  },
                },
              ]
            : [];
        }),
      },
    };
  });
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(PutItemCommand).resolves({});
  eventBridge.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `ev-${i}` })),
  }));
});

describe('router handler.ts (AWS clients mocked)', () => {
  it('turns a batch of 25 mixed records into 25 events in 3 PutEvents calls, with no write to the table', async () => {
    // Prepare
    const batch = mixedMessages(25);
    // Act
    const response = await invoke(batch.map((b) => b.message));
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 10, 5,
    ]);
    const entries = putEntries();
    expect(entries).toHaveLength(25);
    for (const { message, info } of batch) {
      const entry = entries.find(
        (e) => JSON.parse(e.Detail ?? '{}').metadata.webhookId === message.webhookId,
      );
      expect(entry).toMatchObject({
        Source: `webhooks.${info.provider}`,
        DetailType: info.detailType,
        EventBusName: 'webhooks-bus',
      });
      const detail = JSON.parse(entry?.Detail ?? '{}');
      expect(detail).toEqual({
        metadata: {
          webhookId: message.webhookId,
          provider: message.provider,
          receivedAt: message.receivedAt,
          dedupeKey: message.dedupeKey,
          schemaVersion: 1,
          replayed: false,
        },
        data: info.entry.sample,
      });
    }
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });

  it('claims a redelivered message with one conditional write before publishing it, and confirms it after', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    // Act
    const response = await invoke([first.message], { receiveCount: 2 });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 1, {
      ConditionExpression:
        'webhookId = :webhookId AND (#status <> :publishing OR claimedBy = :claim OR claimedAt < :stale) AND #status <> :published AND (attribute_not_exists(failedBy) OR failedBy <> :claim)',
      ExpressionAttributeValues: expect.objectContaining({ ':claim': { S: 'msg-0' } }),
    });
    expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 2, {
      ConditionExpression: 'webhookId = :webhookId AND claimedBy = :claim AND #status = :publishing',
      ExpressionAttributeValues: expect.objectContaining({ ':published': { S: 'published' } }),
    });
    expect(putEntries()).toHaveLength(1);
  });

  it('publishes nothing for a redelivered message whose webhook another delivery published', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    statuses.set(first.message.dedupeKey, {
      webhookId: first.message.webhookId,
      status: 'published',
      receivedAt: first.message.receivedAt,
    });
    // Act
    const response = await invoke([first.message], { receiveCount: 3 });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('retries, without publishing, a redelivered message whose webhook another delivery is still publishing', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    statuses.set(first.message.dedupeKey, {
      webhookId: first.message.webhookId,
      status: 'publishing',
      receivedAt: first.message.receivedAt,
    });
    // Act
    const response = await invoke([first.message], { receiveCount: 3 });
    // Assess: SQS brings it back after the visibility timeout, by when the claim is confirmed or lapsed
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('drops the message of a duplicate delivery: another webhook holds the key since before it', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    statuses.set(first.message.dedupeKey, {
      webhookId: 'the-first-delivery',
      status: 'received',
      receivedAt: new Date(Date.parse(first.message.receivedAt) - 30_000).toISOString(),
    });
    // Act
    const response = await invoke([first.message]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it('publishes a message whose record a later identical body replaced after its window, from its own body', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    statuses.set(first.message.dedupeKey, {
      webhookId: 'a-later-webhook',
      status: 'received',
      receivedAt: new Date(Date.parse(first.message.receivedAt) + 601_000).toISOString(),
    });
    // Act
    const response = await invoke([first.message]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(JSON.parse(putEntries()[0]?.Detail ?? '{}').metadata.webhookId).toBe(first.message.webhookId);
  });

  it('adopts a message whose record never landed (after the ingest budget), with the dedupe window ingest gave it, then publishes it', async () => {
    // Prepare: a message older than the ingest budget, no record
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    const receivedAt = new Date(Date.now() - 60_000).toISOString();
    const dedupeUntil = Math.floor(Date.parse(receivedAt) / 1000) + 600;
    const message = { ...first.message, receivedAt, dedupeUntil };
    // Act
    const response = await invoke([message], { stored: false });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo).toHaveReceivedCommandWith(BatchGetItemCommand, {
      RequestItems: { webhooks: expect.objectContaining({ ConsistentRead: true }) },
    });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#until) OR #until < :received',
      ExpressionAttributeValues: { ':received': { N: String(Math.floor(Date.parse(receivedAt) / 1000)) } },
      Item: expect.objectContaining({
        webhookId: { S: message.webhookId },
        status: { S: 'received' },
        dedupeUntil: { N: String(dedupeUntil) },
      }),
    });
    expect(JSON.parse(putEntries()[0]?.Detail ?? '{}').metadata.webhookId).toBe(message.webhookId);
  });

  it('marks a record failed on its last receive, with the reason, before SQS moves it to the DLQ', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    // Act
    const response = await invoke([first.message], { receiveCount: 5 });
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({
        ':failed': { S: 'failed' },
        ':failure': { S: expect.stringContaining('ServiceUnavailable') },
        ':exception': { S: expect.stringMatching(/^failed#[0-7]$/) },
      }),
    });
  });

  it('reports exactly the record whose entry failed inside a successful PutEvents call', async () => {
    // Prepare
    const batch = mixedMessages(12);
    const failing = batch[7]?.message.webhookId;
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      const entries = input.Entries as PutEventsRequestEntry[];
      const results = entries.map((e, i) =>
        JSON.parse(e.Detail ?? '{}').metadata.webhookId === failing
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : { EventId: `ev-${i}` },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    });
    // Act
    const response = await invoke(batch.map((b) => b.message));
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-7' }]);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it('fails only the records of a PutEvents call that fails whole (throttled)', async () => {
    // Prepare
    const batch = mixedMessages(15);
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      call += 1;
      if (call === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return {
        FailedEntryCount: 0,
        Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `ev-${i}` })),
      };
    });
    // Act
    const response = await invoke(batch.map((b) => b.message));
    // Assess
    const failedIds = response.batchItemFailures.map((f) => f.itemIdentifier).sort();
    expect(failedIds).toHaveLength(5);
    const secondCall = eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    const idsOfSecondCall = secondCall.map((e) => JSON.parse(e.Detail ?? '{}').metadata.webhookId);
    const expected = batch
      .flatMap((b, i) => (idsOfSecondCall.includes(b.message.webhookId) ? [`msg-${i}`] : []))
      .sort();
    expect(failedIds).toEqual(expected);
  });

  it('publishes nothing for a message of a record already published by a claim', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    statuses.set(first.message.dedupeKey, { webhookId: first.message.webhookId, status: 'published' });
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    // Act
    const response = await invoke([first.message]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
  });

  it('publishes one event for two messages of the same webhook in one batch', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    // Act
    const response = await invoke([first.message, first.message]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(putEntries()).toHaveLength(1);
  });

  it('reports an invalid message as failed without failing the rest of the batch', async () => {
    // Prepare
    const batch = mixedMessages(3);
    const bodies = [batch[0]?.message, 'not json', { version: 2, webhookId: 'x' }, batch[1]?.message] as (
      | QueueMessage
      | string
    )[];
    // Act
    const response = await invoke(bodies);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }, { itemIdentifier: 'msg-2' }]);
    expect(putEntries()).toHaveLength(2);
  });

  it('reads the body from the table when the message carries none', async () => {
    // Prepare
    const [first] = mixedMessages(1);
    if (!first) throw new Error('no message');
    const { rawBody, ...withoutBody } = first.message;
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: {
        webhooks: [
          {
            pk: { S: first.message.dedupeKey },
            webhookId: { S: first.message.webhookId },
            status: { S: 'received' },
            receivedAt: { S: first.message.receivedAt },
            rawBody: { S: rawBody ?? '' },
          },
        ],
      },
    });
    // Act
    const response = await invoke([withoutBody]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo).toHaveReceivedCommandWith(BatchGetItemCommand, {
      RequestItems: {
        webhooks: expect.objectContaining({
          ProjectionExpression: '#a0, #a1, #a2, #a3, #a4, #a5',
          ExpressionAttributeNames: {
            '#a0': 'pk',
            '#a1': 'webhookId',
            '#a2': 'status',
            '#a3': 'receivedAt',
            '#a4': 'dedupeUntil',
            '#a5': 'rawBody',
          },
        }),
      },
    });
    expect(JSON.parse(putEntries()[0]?.Detail ?? '{}').data).toEqual(first.info.entry.sample);
  });

  it('fails every record when the table cannot be read, so SQS retries them all', async () => {
    // Prepare
    dynamo.on(BatchGetItemCommand).rejects(new Error('ServiceUnavailable'));
    // Act
    const response = await invoke(mixedMessages(3).map((b) => b.message));
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-0', 'msg-1', 'msg-2']);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  /** A Plaid ITEM.ERROR body that fails its schema (`item_id` is a number), and a message carrying it. */
  const failingItemError = () => {
    const body = JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 7 });
    const message = mixedMessages(1)[0]?.message;
    if (!message) throw new Error('no message');
    return { body, message: { ...message, provider: 'plaid' as const, rawBody: body } };
  };

  it('quarantines a body that no longer passes its schema instead of publishing it', async () => {
    // Prepare
    const { message: bad } = failingItemError();
    // Act
    const response = await invoke([bad]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':status': { S: 'quarantined' } }),
    });
  });

  it('takes the classification ingest sent under this catalogue version, without classifying the body again', async () => {
    // Prepare: a body that fails its schema, sent as ingest classified it (with this very code)
    const { body, message } = failingItemError();
    const classified = { ...message, detailType: 'ITEM.ERROR', catalogue: CATALOGUE_VERSION };
    // Act
    const response = await invoke([classified]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(putEntries()).toEqual([
      expect.objectContaining({
        DetailType: 'ITEM.ERROR',
        Detail: expect.stringContaining(`"data":${body}`),
      }),
    ]);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 0);
  });

  it('classifies again a body classified under another catalogue version, and quarantines it if it now fails', async () => {
    // Prepare
    const { message } = failingItemError();
    const stale = { ...message, detailType: 'ITEM.ERROR', catalogue: 'an-older-version' };
    // Act
    const response = await invoke([stale]);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':status': { S: 'quarantined' } }),
    });
  });

  it('publishes an unknown code under its natural detail-type', async () => {
    // Prepare
    const message = mixedMessages(1)[0]?.message;
    if (!message) throw new Error('no message');
    const rawBody = JSON.stringify({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'FUTURE_CODE',
      item_id: 'i',
    });
    // Act
    await invoke([{ ...message, provider: 'plaid', rawBody }]);
    // Assess
    expect(putEntries()[0]).toMatchObject({
      Source: 'webhooks.plaid',
      DetailType: 'TRANSACTIONS.FUTURE_CODE',
    });
  });
});
