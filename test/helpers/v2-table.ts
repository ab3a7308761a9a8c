import { createHash, randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import type { RecordStatus } from '../../lambdas/shared/adapters/operations-store.js';
import { webhookTableDefinition } from '../../lambdas/shared/adapters/webhook-store.js';
import { ITEM_ATTRIBUTES as A, exceptionKey, TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import { type DevProcess, startDevProcess } from './dev-process.js';

/** Creates the webhook table as the stack defines it (v2 layout, with the sparse `exceptions` index). */
export const createV2Table = async (dynamo: DynamoDBClient, tableName: string): Promise<void> => {
  await dynamo.send(new CreateTableCommand(webhookTableDefinition(tableName)));
};

/** A record to seed, in the v2 layout. */
export interface SeedRecord {
  readonly provider: ProviderName;
  readonly detailType: string;
  readonly receivedAt: string;
  readonly status: RecordStatus;
  readonly rawBody: string;
  readonly webhookId?: string;
  readonly issues?: readonly string[];
  readonly failure?: string;
}

/** A seeded record: its key and id. */
export interface Seeded extends SeedRecord {
  readonly dedupeKey: string;
  readonly webhookId: string;
}

/** Writes a record with PutItem as docs/storage-layout.md describes the item (exception entry included). */
export const putV2Record = async (
  dynamo: DynamoDBClient,
  tableName: string,
  record: SeedRecord,
): Promise<Seeded> => {
  const hash = createHash('sha256').update(record.rawBody).digest('hex');
  const dedupeKey = `${record.provider}#${hash}`;
  const webhookId = record.webhookId ?? randomUUID();
  const received = Math.floor(Date.parse(record.receivedAt) / 1000);
  const item: Record<string, AttributeValue> = {
    [TABLE_LAYOUT.partitionKey]: { S: dedupeKey },
    [A.webhookId]: { S: webhookId },
    [A.provider]: { S: record.provider },
    [A.detailType]: { S: record.detailType },
    [A.receivedAt]: { S: record.receivedAt },
    [A.status]: { S: record.status },
    [A.rawBody]: { S: record.rawBody },
    [A.deliveries]: { N: '1' },
    [TABLE_LAYOUT.ttlAttribute]: { N: String(received + 30 * 86_400) },
    [A.dedupeUntil]: { N: String(received + 600) },
  };
  if (record.status === 'quarantined' || record.status === 'failed') {
    item[A.exception] = { S: exceptionKey(record.status, dedupeKey) };
  }
  if (record.issues?.length) item[A.issues] = { L: record.issues.map((s) => ({ S: s })) };
  if (record.failure) item[A.failure] = { S: record.failure };
  await dynamo.send(new PutItemCommand({ TableName: tableName, Item: item }));
  return { ...record, dedupeKey, webhookId };
};

/** The local pipeline (`webhook-pipeline dev` as a child process) and a client of its table, to seed records. */
export const startDevOnV2Table = async (
  extraEnv: Record<string, string> = {},
): Promise<{ dev: DevProcess; dynamo: DynamoDBClient; tableName: string; stop(): Promise<void> }> => {
  const dev = await startDevProcess(extraEnv);
  const state = (await (await fetch(`${dev.url}/_local`)).json()) as {
    dynamoEndpoint: string;
    tableName: string;
  };
  const dynamo = new DynamoDBClient({
    endpoint: state.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  return {
    dev,
    dynamo,
    tableName: state.tableName,
    async stop() {
      dynamo.destroy();
      await dev.stop();
    },
  };
};
