import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { itemSize } from './dynamo-size.js';

/** Seconds a body stays a duplicate of itself: the default of docs/storage-layout.md. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 600;

/**
 * The item ingest writes for a record on the happy path, as docs/storage-layout.md (v2) lays it
 * out: the dedupe key, the record's fields, the TTL and `dedupeUntil`; no index key (the sparse
 * `exception` attribute exists only for quarantined and failed records).
 */
export const layoutItem = (
  record: WebhookRecord,
  dedupeWindowSeconds = DEFAULT_DEDUPE_WINDOW_SECONDS,
): Record<string, AttributeValue> => {
  const item: Record<string, AttributeValue> = {
    pk: { S: record.dedupeKey },
    webhookId: { S: record.webhookId },
    provider: { S: record.provider },
    detailType: { S: record.detailType },
    receivedAt: { S: record.receivedAt },
    status: { S: record.status },
    rawBody: { S: record.rawBody },
    deliveries: { N: String(record.deliveries) },
    expiresAt: { N: String(record.expiresAt) },
    dedupeUntil: { N: String(Math.floor(Date.parse(record.receivedAt) / 1000) + dedupeWindowSeconds) },
  };
  if (record.issues?.length) item.issues = { L: record.issues.map((s) => ({ S: s })) };
  return item;
};

/**
 * Bytes of the stored item of a record by DynamoDB's item size rules (attribute names plus values;
 * see dynamo-size.ts): what decides its write units (1 per KB) and read units (1 per 4 KB).
 */
export const itemSizeBytes = (record: WebhookRecord, dedupeWindowSeconds?: number): number =>
  itemSize(layoutItem(record, dedupeWindowSeconds));
