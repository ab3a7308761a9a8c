import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { exceptionKey, TABLE_LAYOUT } from '../table-layout.js';
import {
  type AdoptResult,
  type PutResult,
  type RouterStore,
  receivedSeconds,
  WebhookStatus as Status,
  type StoredState,
  type WebhookRecord,
  type WebhookStatus,
  type WebhookStore,
} from '../webhook-record.js';
import { batchGetItems } from './batch-get.js';
import { type ClientTimeouts, clientTimeoutConfig, SHARED_CLIENT_CONFIG } from './client-timeouts.js';

const { partitionKey, ttlAttribute, exceptions } = TABLE_LAYOUT;

/**
 * The DynamoDB item of a record. Marshalled by hand: a flat item of strings and numbers, and
 * `@aws-sdk/util-dynamodb`'s `marshall` measured 10.7 µs per item against 0.1–0.4 µs here (every
 * catalogue sample, Node 20), which alone would put Argyle ingest (36 µs of CPU, floor 5.1 µs, target
 * 5×) further past its budget (docs/storage-layout.md).
 * Attributes that are empty or default (one delivery) are left out, so the happy-path item stays
 * small; `exception` exists only on quarantined and failed records (the sparse index).
 */
export const toItem = (record: WebhookRecord): Record<string, AttributeValue> => {
  const item: Record<string, AttributeValue> = {
    [partitionKey]: { S: record.dedupeKey },
    webhookId: { S: record.webhookId },
    provider: { S: record.provider },
    detailType: { S: record.detailType },
    status: { S: record.status },
    receivedAt: { S: record.receivedAt },
    rawBody: { S: record.rawBody },
    [ttlAttribute]: { N: String(record.expiresAt) },
    dedupeUntil: { N: String(record.dedupeUntil) },
  };
  // A missing counter reads as one delivery; a duplicate's `ADD deliveries` starts it.
  if (record.deliveries !== 1) item.deliveries = { N: String(record.deliveries) };
  if (record.bodyEncoding) item.bodyEncoding = { S: record.bodyEncoding };
  if (record.issues?.length) item.issues = { L: record.issues.map((s) => ({ S: s })) };
  if (record.failure) item.failure = { S: record.failure };
  if (record.status === Status.Quarantined || record.status === Status.Failed) {
    item[exceptions.partitionKey] = { S: exceptionKey(record.status, record.dedupeKey) };
  }
  return item;
};

/** Reads a record back from its item. */
export const fromItem = (item: Record<string, AttributeValue>): WebhookRecord => ({
  dedupeKey: item[partitionKey]?.S ?? '',
  webhookId: item.webhookId?.S ?? '',
  provider: (item.provider?.S ?? '') as ProviderName,
  detailType: item.detailType?.S ?? '',
  status: (item.status?.S ?? '') as WebhookStatus,
  receivedAt: item.receivedAt?.S ?? '',
  rawBody: item.rawBody?.S ?? '',
  deliveries: Number(item.deliveries?.N ?? '1'),
  expiresAt: Number(item[ttlAttribute]?.N ?? '0'),
  dedupeUntil: Number(item.dedupeUntil?.N ?? '0'),
  ...(item.bodyEncoding?.S === 'base64' ? { bodyEncoding: 'base64' as const } : {}),
  ...(item.issues?.L ? { issues: item.issues.L.map((v) => v.S ?? '') } : {}),
  ...(item.failure?.S ? { failure: item.failure.S } : {}),
});

/** Options of {@link createDynamoWebhookStore}. */
export interface DynamoWebhookStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** Everything the functions ask of the webhook table (the operations CLI reads it through operations-store.ts). */
export type DynamoWebhookStore = WebhookStore & RouterStore;

const STATE_ATTRIBUTES = [partitionKey, 'webhookId', 'status', 'receivedAt', 'dedupeUntil'] as const;

/** A projection expression naming every attribute through a placeholder (some are reserved words). */
const projectionOf = (
  attributes: readonly string[],
): { expression: string; names: Record<string, string> } => {
  const names: Record<string, string> = {};
  const expression = attributes
    .map((attribute, i) => {
      names[`#a${i}`] = attribute;
      return `#a${i}`;
    })
    .join(', ');
  return { expression, names };
};

/**
 * Not being published by another message: no claim in progress, or this message's (`:claim`), or one
 * made before `:stale` (its holder left without publishing; docs/storage-layout.md).
 */
const CLAIMABLE = '(#status <> :publishing OR claimedBy = :claim OR claimedAt < :stale)';

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

const stateOf = (item: Record<string, AttributeValue>): StoredState => ({
  webhookId: item.webhookId?.S ?? '',
  status: (item.status?.S ?? '') as WebhookStatus,
  receivedAt: item.receivedAt?.S ?? '',
  // A record written before `dedupeUntil` existed counts as outside its window (as ingest's put says).
  dedupeUntil: Number(item.dedupeUntil?.N ?? '0'),
  ...(item.rawBody?.S !== undefined ? { rawBody: item.rawBody.S } : {}),
});

/**
 * The DynamoDB webhook store (docs/storage-layout.md). New versus duplicate is decided by one
 * conditional `PutItem`; a duplicate costs one more `UpdateItem` that counts the delivery and
 * returns the stored record (this also covers emulators that do not return the old item on a
 * failed condition). The router writes only on exceptions: claims, adoptions, quarantines, failures.
 */
export const createDynamoWebhookStore = ({
  client,
  tableName,
}: DynamoWebhookStoreOptions): DynamoWebhookStore => {
  const key = (dedupeKey: string) => ({ [partitionKey]: { S: dedupeKey } });

  /** An update that applies only while its condition holds; false when it does not. */
  const conditionalUpdate = async (
    dedupeKey: string,
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> => {
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(dedupeKey),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  /** Full items by key, 100 keys a call, unprocessed keys asked again with a short backoff. */
  const batchGet = (dedupeKeys: readonly string[], attributes: readonly string[], consistent = false) => {
    const { expression: projection, names } = projectionOf(attributes);
    return batchGetItems({ client, tableName, keys: dedupeKeys.map(key), projection, names, consistent });
  };

  return {
    async putIfAbsent(record, nowSeconds, signal): Promise<PutResult> {
      const abortable = signal ? { abortSignal: signal } : undefined;
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem(record),
            // A record from before `dedupeUntil` existed counts as outside its window.
            ConditionExpression: 'attribute_not_exists(#pk) OR attribute_not_exists(#until) OR #until < :now',
            ExpressionAttributeNames: { '#pk': partitionKey, '#until': 'dedupeUntil' },
            ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
          }),
          abortable,
        );
        return { outcome: 'created' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const counted = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(record.dedupeKey),
          // The counter is absent on a first delivery (one), so the first ADD starts it at two.
          UpdateExpression: 'SET deliveries = if_not_exists(deliveries, :one) + :one',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
        abortable,
      );
      return { outcome: 'duplicate', existing: fromItem(counted.Attributes ?? {}) };
    },

    async getStates(dedupeKeys, withBody, consistent = false) {
      const attributes = [...STATE_ATTRIBUTES, ...(withBody ? ['rawBody'] : [])];
      const states = new Map<string, StoredState>();
      for (const item of await batchGet([...new Set(dedupeKeys)], attributes, consistent)) {
        states.set(item[partitionKey]?.S ?? '', stateOf(item));
      }
      return states;
    },

    claim: (dedupeKey, webhookId, claimId, claimedAt, staleBefore) =>
      conditionalUpdate(
        dedupeKey,
        'SET #status = :publishing, claimedAt = :at, claimedBy = :claim REMOVE #exception, failure, failedBy, issues',
        // Not a record this message marked failed: a late answer of its own abandoned claim must not
        // take the record out of the exceptions index after the mark (requeue would not find it).
        `webhookId = :webhookId AND ${CLAIMABLE} AND #status <> :published AND (attribute_not_exists(failedBy) OR failedBy <> :claim)`,
        { '#status': 'status', '#exception': exceptions.partitionKey },
        {
          ':webhookId': { S: webhookId },
          ':publishing': { S: Status.Publishing },
          ':published': { S: Status.Published },
          ':at': { S: claimedAt },
          ':claim': { S: claimId },
          ':stale': { S: staleBefore },
        },
      ),

    confirm: (dedupeKey, webhookId, claimId, publishedAt) =>
      conditionalUpdate(
        dedupeKey,
        'SET #status = :published, publishedAt = :at',
        'webhookId = :webhookId AND claimedBy = :claim AND #status = :publishing',
        { '#status': 'status' },
        {
          ':webhookId': { S: webhookId },
          ':claim': { S: claimId },
          ':publishing': { S: Status.Publishing },
          ':published': { S: Status.Published },
          ':at': { S: publishedAt },
        },
      ),

    async adopt(record): Promise<AdoptResult> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem(record),
            // The same condition as ingest's put, at the message's own receipt time.
            ConditionExpression:
              'attribute_not_exists(#pk) OR attribute_not_exists(#until) OR #until < :received',
            ExpressionAttributeNames: { '#pk': partitionKey, '#until': 'dedupeUntil' },
            ExpressionAttributeValues: { ':received': { N: String(receivedSeconds(record.receivedAt)) } },
          }),
        );
        return { outcome: 'created' };
      } catch (error) {
        if (isConditionFailure(error)) return { outcome: 'exists' };
        throw error;
      }
    },

    markQuarantined: (dedupeKey, webhookId, issues) =>
      conditionalUpdate(
        dedupeKey,
        'SET #status = :status, issues = :issues, #exception = :exception',
        'webhookId = :webhookId',
        { '#status': 'status', '#exception': exceptions.partitionKey },
        {
          ':webhookId': { S: webhookId },
          ':status': { S: Status.Quarantined },
          ':issues': { L: issues.map((v) => ({ S: v })) },
          ':exception': { S: exceptionKey(Status.Quarantined, dedupeKey) },
        },
      ),

    markFailed: (dedupeKey, webhookId, claimId, failure, staleBefore) =>
      conditionalUpdate(
        dedupeKey,
        'SET #status = :failed, failure = :failure, failedBy = :claim, #exception = :exception',
        `webhookId = :webhookId AND ${CLAIMABLE} AND #status <> :published`,
        { '#status': 'status', '#exception': exceptions.partitionKey },
        {
          ':webhookId': { S: webhookId },
          ':failed': { S: Status.Failed },
          ':publishing': { S: Status.Publishing },
          ':published': { S: Status.Published },
          ':claim': { S: claimId },
          ':stale': { S: staleBefore },
          ':failure': { S: failure.slice(0, 1000) },
          ':exception': { S: exceptionKey(Status.Failed, dedupeKey) },
        },
      ),
  };
};

/** The table definition shared by the emulators, the dev runtime and the tests (the CDK stack mirrors it). */
export const webhookTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: partitionKey, AttributeType: 'S' },
    { AttributeName: exceptions.partitionKey, AttributeType: 'S' },
    { AttributeName: exceptions.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: exceptions.indexName,
      KeySchema: [
        { AttributeName: exceptions.partitionKey, KeyType: 'HASH' },
        { AttributeName: exceptions.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...exceptions.projected] },
    },
  ],
});

/** A DynamoDB client for the function's region, or for an emulator when `endpoint` is set. */
export const createDynamoClient = (endpoint?: string, timeouts?: ClientTimeouts): DynamoDBClient =>
  new DynamoDBClient({
    ...SHARED_CLIENT_CONFIG,
    ...(endpoint ? { endpoint } : {}),
    ...clientTimeoutConfig(timeouts),
  });
