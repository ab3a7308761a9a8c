import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProviderName } from '../../providers/provider.js';
import { TABLE_LAYOUT } from '../table-layout.js';
import {
  type PendingStore,
  type PendingWebhook,
  type PutResult,
  type RouterStore,
  WebhookStatus as Status,
  type StoredState,
  type WebhookRecord,
  type WebhookStatus,
  type WebhookStore,
} from '../webhook-record.js';
import { type ClientTimeouts, clientTimeoutConfig } from './client-timeouts.js';

const { partitionKey, byProviderDay, pending } = TABLE_LAYOUT;

/** The DynamoDB item of a record (plain attribute values; the marshalling is small enough to write by hand). */
export const toItem = (record: WebhookRecord): Record<string, AttributeValue> => {
  const item: Record<string, AttributeValue> = {
    [partitionKey]: { S: record.dedupeKey },
    webhookId: { S: record.webhookId },
    provider: { S: record.provider },
    detailType: { S: record.detailType },
    status: { S: record.status },
    receivedAt: { S: record.receivedAt },
    rawBody: { S: record.rawBody },
    deliveries: { N: String(record.deliveries) },
    [TABLE_LAYOUT.ttlAttribute]: { N: String(record.expiresAt) },
    // Day-sharded partition so that replay by provider and time is a Query, without one hot key per provider.
    [byProviderDay.partitionKey]: { S: `${record.provider}#${record.receivedAt.slice(0, 10)}` },
  };
  // Sparse index: only records still waiting to be published are in it, so the reconciler queries a tiny set.
  if (record.status === Status.Received) item[pending.partitionKey] = { S: pending.value };
  if (record.issues?.length) item.issues = { L: record.issues.map((s) => ({ S: s })) };
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
  deliveries: Number(item.deliveries?.N ?? '0'),
  expiresAt: Number(item[TABLE_LAYOUT.ttlAttribute]?.N ?? '0'),
  ...(item.issues?.L ? { issues: item.issues.L.map((v) => v.S ?? '') } : {}),
});

/** Options of {@link createDynamoWebhookStore}. */
export interface DynamoWebhookStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** A stored record as the operations commands read it: the body only when asked for. */
export type StoredWebhook = Omit<WebhookRecord, 'rawBody'> & { readonly rawBody?: string };

/** Options of {@link OperationsStore.queryReceived}. */
export interface QueryReceivedOptions {
  /** Read the raw bodies too (more bytes read). */
  readonly withBody?: boolean;
  /** Keys read from the index per page (at most 100: one BatchGetItem per page). */
  readonly pageSize?: number;
}

/** Options of {@link OperationsStore.scanQuarantined}. */
export interface ScanQuarantinedOptions {
  readonly provider?: ProviderName;
  /** Only records received at or after this ISO time. */
  readonly from?: string;
  /** Only records received before this ISO time. */
  readonly to?: string;
  /** Parallel Scan segments (default 4). */
  readonly segments?: number;
}

/** What the operations CLI (replay, requeue-quarantined, register --wait) asks of the table. */
export interface OperationsStore {
  /**
   * Records of a provider received in [from, to), page by page in time order within each UTC day:
   * one Query per day shard of the `byProviderDay` index, then one BatchGetItem per page of keys.
   */
  queryReceived(
    provider: ProviderName,
    from: string,
    to: string,
    options?: QueryReceivedOptions,
  ): AsyncGenerator<StoredWebhook[]>;
  /**
   * Every quarantined record, with its body and issues, handed to `onPage` page by page. A parallel
   * Scan filtered on status: no index holds the status of non-pending records.
   */
  scanQuarantined(
    options: ScanQuarantinedOptions,
    onPage: (records: WebhookRecord[]) => Promise<void>,
  ): Promise<void>;
  /**
   * Moves a record from `quarantined` back to `received` and into the sparse `pending` index, only
   * while it is still the record of `webhookId` and still quarantined. False when it is not.
   */
  requeue(dedupeKey: string, webhookId: string, requeuedAt: string): Promise<boolean>;
}

/** Everything the functions and the operations CLI ask of the webhook table. */
export type DynamoWebhookStore = WebhookStore & RouterStore & PendingStore & OperationsStore;

/** The UTC days (YYYY-MM-DD) that [from, to) touches, oldest first. */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  const last = to.slice(0, 10);
  for (let day = new Date(`${from.slice(0, 10)}T00:00:00.000Z`); ; day.setUTCDate(day.getUTCDate() + 1)) {
    const text = day.toISOString().slice(0, 10);
    if (text > last) break;
    days.push(text);
  }
  return days;
};

const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 4;
/** Every attribute of a record but its body. */
const SUMMARY_ATTRIBUTES = [
  partitionKey,
  'webhookId',
  'provider',
  'detailType',
  'status',
  'receivedAt',
  'deliveries',
  TABLE_LAYOUT.ttlAttribute,
  'issues',
] as const;

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

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/**
 * The DynamoDB webhook store. New versus duplicate is decided by one conditional `PutItem`;
 * a duplicate costs one more `UpdateItem` that counts the delivery and returns the stored record
 * (this also covers emulators that do not return the old item on a failed condition).
 */
export const createDynamoWebhookStore = ({
  client,
  tableName,
}: DynamoWebhookStoreOptions): DynamoWebhookStore => {
  /** A status change that applies only while the record is still the one of `webhookId`. */
  const transition = async (
    dedupeKey: string,
    webhookId: string,
    set: string,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> => {
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { [partitionKey]: { S: dedupeKey } },
          UpdateExpression: `SET ${set} REMOVE #pending`,
          ConditionExpression: 'webhookId = :webhookId',
          ExpressionAttributeNames: { '#status': 'status', '#pending': pending.partitionKey },
          ExpressionAttributeValues: { ':webhookId': { S: webhookId }, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  /** Full items by key, 100 keys a call, unprocessed keys asked again with a short backoff. */
  const batchGet = async (
    dedupeKeys: readonly string[],
    attributes: readonly string[],
  ): Promise<Record<string, AttributeValue>[]> => {
    const { expression: projection, names } = projectionOf(attributes);
    const items: Record<string, AttributeValue>[] = [];
    for (let i = 0; i < dedupeKeys.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, AttributeValue>[] = dedupeKeys
        .slice(i, i + BATCH_GET_LIMIT)
        .map((k) => ({ [partitionKey]: { S: k } }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > BATCH_GET_ATTEMPTS)
          throw new Error(`${keys.length} keys stayed unprocessed by BatchGetItem`);
        const out = await client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [tableName]: { Keys: keys, ProjectionExpression: projection, ExpressionAttributeNames: names },
            },
          }),
        );
        items.push(...(out.Responses?.[tableName] ?? []));
        keys = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
        // Unprocessed keys mean throttling: back off a little before asking again.
        if (keys.length > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      }
    }
    return items;
  };

  return {
    async putIfAbsent(record, windowStart): Promise<PutResult> {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem(record),
            ConditionExpression: 'attribute_not_exists(#pk) OR #receivedAt < :windowStart',
            ExpressionAttributeNames: { '#pk': partitionKey, '#receivedAt': 'receivedAt' },
            ExpressionAttributeValues: { ':windowStart': { S: windowStart } },
          }),
        );
        return { outcome: 'created' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const counted = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { [partitionKey]: { S: record.dedupeKey } },
          UpdateExpression: 'ADD deliveries :one',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'duplicate', existing: fromItem(counted.Attributes ?? {}) };
    },

    async getStates(dedupeKeys, withBody) {
      const attributes = [partitionKey, 'webhookId', 'status', ...(withBody ? ['rawBody'] : [])];
      const states = new Map<string, StoredState>();
      for (const item of await batchGet([...new Set(dedupeKeys)], attributes)) {
        const record = fromItem(item);
        states.set(record.dedupeKey, {
          webhookId: record.webhookId,
          status: record.status,
          ...(item.rawBody?.S !== undefined ? { rawBody: item.rawBody.S } : {}),
        });
      }
      return states;
    },

    markPublished: (dedupeKey, webhookId, publishedAt) =>
      transition(dedupeKey, webhookId, '#status = :status, publishedAt = :at', {
        ':status': { S: Status.Published },
        ':at': { S: publishedAt },
      }),

    markQuarantined: (dedupeKey, webhookId, issues) =>
      transition(dedupeKey, webhookId, '#status = :status, issues = :issues', {
        ':status': { S: Status.Quarantined },
        ':issues': { L: issues.map((v) => ({ S: v })) },
      }),

    async findPending(before, limit) {
      const found: PendingWebhook[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: pending.indexName,
            KeyConditionExpression: '#pending = :pending AND #receivedAt < :before',
            ExpressionAttributeNames: { '#pending': pending.partitionKey, '#receivedAt': pending.sortKey },
            ExpressionAttributeValues: { ':pending': { S: pending.value }, ':before': { S: before } },
            Limit: limit - found.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const record = fromItem(item);
          found.push({
            dedupeKey: record.dedupeKey,
            webhookId: record.webhookId,
            provider: record.provider,
            receivedAt: record.receivedAt,
          });
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey && found.length < limit);
      return found;
    },

    async *queryReceived(provider, from, to, options = {}) {
      const pageSize = Math.min(Math.max(options.pageSize ?? BATCH_GET_LIMIT, 1), BATCH_GET_LIMIT);
      if (!(from < to)) return;
      for (const day of daysBetween(from, to)) {
        let startKey: Record<string, AttributeValue> | undefined;
        do {
          const out = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: byProviderDay.indexName,
              KeyConditionExpression: '#day = :day AND #receivedAt BETWEEN :from AND :to',
              ExpressionAttributeNames: {
                '#day': byProviderDay.partitionKey,
                '#receivedAt': byProviderDay.sortKey,
              },
              ExpressionAttributeValues: {
                ':day': { S: `${provider}#${day}` },
                ':from': { S: from },
                ':to': { S: to },
              },
              Limit: pageSize,
              ExclusiveStartKey: startKey,
            }),
          );
          startKey = out.LastEvaluatedKey;
          const keys = (out.Items ?? []).map((item) => item[partitionKey]?.S ?? '').filter(Boolean);
          if (keys.length === 0) continue;
          const items = await batchGet(keys, [
            ...SUMMARY_ATTRIBUTES,
            ...(options.withBody ? ['rawBody'] : []),
          ]);
          // The index is read first, so a record replaced since (same body, later webhook) may fall outside.
          const page = items
            .map((item) => {
              const { rawBody, ...rest } = fromItem(item);
              return item.rawBody?.S !== undefined ? { ...rest, rawBody } : rest;
            })
            .filter((r) => r.provider === provider && r.receivedAt >= from && r.receivedAt < to)
            .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
          if (page.length) yield page;
        } while (startKey);
      }
    },

    async scanQuarantined(options, onPage) {
      const segments = Math.min(Math.max(options.segments ?? 4, 1), 64);
      const { expression: projection, names } = projectionOf([...SUMMARY_ATTRIBUTES, 'rawBody']);
      const filters = ['#status = :quarantined'];
      names['#status'] = 'status';
      const values: Record<string, AttributeValue> = { ':quarantined': { S: Status.Quarantined } };
      if (options.provider) {
        filters.push('#provider = :provider');
        names['#provider'] = 'provider';
        values[':provider'] = { S: options.provider };
      }
      if (options.from) {
        filters.push('#receivedAt >= :from');
        values[':from'] = { S: options.from };
      }
      if (options.to) {
        filters.push('#receivedAt < :to');
        values[':to'] = { S: options.to };
      }
      if (options.from || options.to) names['#receivedAt'] = 'receivedAt';
      await Promise.all(
        Array.from({ length: segments }, async (_, segment) => {
          let startKey: Record<string, AttributeValue> | undefined;
          do {
            const out = await client.send(
              new ScanCommand({
                TableName: tableName,
                Segment: segment,
                TotalSegments: segments,
                FilterExpression: filters.join(' AND '),
                ProjectionExpression: projection,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
                ExclusiveStartKey: startKey,
              }),
            );
            startKey = out.LastEvaluatedKey;
            const records = (out.Items ?? []).map(fromItem);
            if (records.length) await onPage(records);
          } while (startKey);
        }),
      );
    },

    async requeue(dedupeKey, webhookId, requeuedAt) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [partitionKey]: { S: dedupeKey } },
            UpdateExpression: 'SET #status = :received, #pending = :pending, requeuedAt = :at REMOVE issues',
            ConditionExpression: 'webhookId = :webhookId AND #status = :quarantined',
            ExpressionAttributeNames: { '#status': 'status', '#pending': pending.partitionKey },
            ExpressionAttributeValues: {
              ':webhookId': { S: webhookId },
              ':received': { S: Status.Received },
              ':quarantined': { S: Status.Quarantined },
              ':pending': { S: pending.value },
              ':at': { S: requeuedAt },
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
};

/** The table definition shared by the emulators, the dev runtime and the tests (the CDK stack mirrors it). */
export const webhookTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: partitionKey, AttributeType: 'S' },
    { AttributeName: byProviderDay.partitionKey, AttributeType: 'S' },
    { AttributeName: pending.partitionKey, AttributeType: 'S' },
    { AttributeName: 'receivedAt', AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: byProviderDay.indexName,
      KeySchema: [
        { AttributeName: byProviderDay.partitionKey, KeyType: 'HASH' },
        { AttributeName: 'receivedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: pending.indexName,
      KeySchema: [
        { AttributeName: pending.partitionKey, KeyType: 'HASH' },
        { AttributeName: 'receivedAt', KeyType: 'RANGE' },
      ],
      // The reconciler builds its queue messages from the index alone.
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...pending.projected] },
    },
  ],
});

/** A DynamoDB client for the function's region, or for an emulator when `endpoint` is set. */
export const createDynamoClient = (endpoint?: string, timeouts?: ClientTimeouts): DynamoDBClient =>
  new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), ...clientTimeoutConfig(timeouts) });
