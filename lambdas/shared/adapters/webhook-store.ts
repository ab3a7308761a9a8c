import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type CreateTableCommandInput,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProviderName } from '../../providers/provider.js';
import { TABLE_LAYOUT } from '../table-layout.js';
import {
  type PutResult,
  WebhookStatus as Status,
  type WebhookRecord,
  type WebhookStatus,
  type WebhookStore,
} from '../webhook-record.js';

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

/**
 * The DynamoDB webhook store. New versus duplicate is decided by one conditional `PutItem`;
 * a duplicate costs one more `UpdateItem` that counts the delivery and returns the stored record
 * (this also covers emulators that do not return the old item on a failed condition).
 */
export const createDynamoWebhookStore = ({ client, tableName }: DynamoWebhookStoreOptions): WebhookStore => ({
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
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
});

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
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
});

/** A DynamoDB client for the function's region, or for an emulator when `endpoint` is set. */
export const createDynamoClient = (endpoint?: string): DynamoDBClient =>
  new DynamoDBClient(endpoint ? { endpoint } : {});
