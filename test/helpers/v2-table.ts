import { createHash, randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startDynamoEmulator } from '../../lambdas/local/emulators.js';
import type { ProviderName } from '../../lambdas/providers/provider.js';
import {
  exceptionsIndexDefinition,
  type RecordStatus,
} from '../../lambdas/shared/adapters/operations-store.js';
import { webhookTableDefinition } from '../../lambdas/shared/adapters/webhook-store.js';
import { ITEM_ATTRIBUTES as A, EXCEPTIONS_INDEX, TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import { type DevProcess, startDevProcess } from './dev-process.js';

/**
 * Creates the webhook table with the sparse `exceptions` index of docs/storage-layout.md, whatever
 * the shared table definition has today (the index is added when it lacks it).
 */
export const createV2Table = async (dynamo: DynamoDBClient, tableName: string): Promise<void> => {
  const definition = webhookTableDefinition(tableName);
  const indexes = definition.GlobalSecondaryIndexes ?? [];
  const attributes = definition.AttributeDefinitions ?? [];
  if (!indexes.some((i) => i.IndexName === EXCEPTIONS_INDEX.indexName)) {
    indexes.push(exceptionsIndexDefinition());
    for (const name of [EXCEPTIONS_INDEX.partitionKey, EXCEPTIONS_INDEX.sortKey]) {
      if (!attributes.some((a) => a.AttributeName === name))
        attributes.push({ AttributeName: name, AttributeType: 'S' });
    }
  }
  await dynamo.send(
    new CreateTableCommand({
      ...definition,
      AttributeDefinitions: attributes,
      GlobalSecondaryIndexes: indexes,
    }),
  );
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
    // Any shard 0-7 works for readers, who query them all; this one follows the dedupe key.
    item[A.exception] = {
      S: `${record.status}#${Number.parseInt(hash.slice(-2), 16) % EXCEPTIONS_INDEX.shards}`,
    };
  }
  if (record.issues?.length) item[A.issues] = { L: record.issues.map((s) => ({ S: s })) };
  if (record.failure) item[A.failure] = { S: record.failure };
  await dynamo.send(new PutItemCommand({ TableName: tableName, Item: item }));
  return { ...record, dedupeKey, webhookId };
};

/**
 * The local pipeline (`webhook-pipeline dev` as a child process) on a DynamoDB emulator whose table
 * was created first in the v2 layout, so the tests can seed records with the exceptions index.
 */
export const startDevOnV2Table = async (
  extraEnv: Record<string, string> = {},
): Promise<{ dev: DevProcess; dynamo: DynamoDBClient; tableName: string; stop(): Promise<void> }> => {
  const emulator = await startDynamoEmulator();
  const dynamo = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const tableName = 'webhooks';
  await createV2Table(dynamo, tableName);
  const dev = await startDevProcess({ ...extraEnv, DYNAMODB_ENDPOINT: emulator.endpoint });
  return {
    dev,
    dynamo,
    tableName,
    async stop() {
      await dev.stop();
      dynamo.destroy();
      await emulator.close();
    },
  };
};
