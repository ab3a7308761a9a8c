import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_LAYOUT } from '../table-layout.js';
import type { WebhookRecord } from '../webhook-record.js';
import { fromItem } from './webhook-store.js';

/** Reads one stored record by its dedupe key (the local console's record view). */
export interface WebhookRecordReader {
  /** The record, read consistently, or undefined when none is stored under that key. */
  get(dedupeKey: string): Promise<WebhookRecord | undefined>;
}

/** A reader over the webhook table: one consistent GetItem, decoded by the store's own `fromItem`. */
export const createWebhookRecordReader = ({
  client,
  tableName,
}: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): WebhookRecordReader => ({
  async get(dedupeKey) {
    const out = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { [TABLE_LAYOUT.partitionKey]: { S: dedupeKey } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  },
});
