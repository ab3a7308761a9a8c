import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { ITEM_ATTRIBUTES as A, type ExceptionStatus, exceptionKeys, TABLE_LAYOUT } from '../table-layout.js';
import { batchGetItems } from './batch-get.js';

/** A record's status in the v2 layout (docs/storage-layout.md). */
export type RecordStatus = 'received' | 'publishing' | 'published' | 'quarantined' | 'failed';
export type { ExceptionStatus };

/** A stored record as the operations commands read it; the body only when asked for. */
export interface OperationsRecord {
  readonly dedupeKey: string;
  readonly webhookId: string;
  readonly provider: ProviderName;
  readonly detailType: string;
  readonly receivedAt: string;
  readonly status: RecordStatus;
  /** End of the record's dedupe window (unix seconds); a requeued message carries it. */
  readonly dedupeUntil?: number;
  readonly rawBody?: string;
  readonly issues?: readonly string[];
  readonly failure?: string;
}

/** What a Scan keeps (a FilterExpression: the Scan still reads, and pays for, every item). */
export interface ScanFilter {
  readonly providers?: readonly ProviderName[];
  /** `exact` detail-type, or every detail-type starting with `prefix`. */
  readonly detailType?: { readonly exact: string } | { readonly prefix: string };
  /** receivedAt ≥ from (ISO). */
  readonly from?: string;
  /** receivedAt < to (ISO). */
  readonly to?: string;
  readonly statuses?: readonly RecordStatus[];
  /** Only items whose raw body contains this text (the caller checks the field itself). */
  readonly bodyContains?: string;
  /** Read the raw bodies too (more bytes on the wire; the read units are the same). */
  readonly withBody?: boolean;
}

/** Where one Scan segment stands: `startKey` absent and `done` false means not started. */
export interface SegmentPosition {
  readonly done: boolean;
  readonly startKey?: Record<string, AttributeValue>;
}

/** One page of one segment. */
export interface ScanPage {
  readonly segment: number;
  /** The key this page was read from (undefined: the segment's start). */
  readonly startKey?: Record<string, AttributeValue>;
  /** Where the next page starts; undefined when the segment is finished. */
  readonly nextKey?: Record<string, AttributeValue>;
  readonly records: OperationsRecord[];
  /** Items the page read before the filter. */
  readonly scanned: number;
  /** Read request units DynamoDB charged for the page (0 when the endpoint does not say). */
  readonly readUnits: number;
}

/** Options of {@link OperationsStore.scan}. */
export interface ScanOptions {
  /** Parallel Scan segments (1 to 64). */
  readonly segments: number;
  /** Positions to resume from, one per segment (a cursor file). */
  readonly resumeFrom?: readonly SegmentPosition[];
  /** Items read per Scan call at most. */
  readonly pageLimit?: number;
  /** Checked before every page: true stops every segment (the positions stay resumable). */
  readonly shouldStop?: () => boolean;
}

/** The table's size as DescribeTable reports it (DynamoDB refreshes it about every six hours). */
export interface TableSize {
  readonly sizeBytes: number;
  readonly itemCount: number;
  readonly indexes: readonly string[];
}

/** Options of {@link OperationsStore.queryExceptions}. */
export interface ExceptionQuery {
  readonly provider?: ProviderName;
  readonly from?: string;
  readonly to?: string;
}

/** What the operations CLI asks of the webhook table in the v2 layout. */
export interface OperationsStore {
  /**
   * A parallel Scan with a filter, page by page: `onPage` is awaited before the segment reads on,
   * so a slow consumer (a rate limit) slows the reads down.
   */
  scan(
    filter: ScanFilter,
    options: ScanOptions,
    onPage: (page: ScanPage) => Promise<void>,
  ): Promise<readonly SegmentPosition[]>;
  /** DescribeTable: size, item count and index names. */
  describe(): Promise<TableSize>;
  /**
   * Quarantined or failed records with their bodies: a Query of each shard of the sparse
   * `exceptions` index, then BatchGetItem for the bodies.
   */
  queryExceptions(
    status: ExceptionStatus,
    query: ExceptionQuery,
    onPage: (records: OperationsRecord[]) => Promise<void>,
  ): Promise<void>;
  /** Writes a record made by the operator (a reconcile nudge) unless its key exists; false if it did. */
  putNew(record: NewRecord): Promise<boolean>;
}

/** A record the operations commands create (status `received`, as ingest writes it). */
export interface NewRecord {
  readonly dedupeKey: string;
  readonly webhookId: string;
  readonly provider: ProviderName;
  readonly detailType: string;
  readonly receivedAt: string;
  readonly rawBody: string;
  readonly expiresAt: number;
  readonly dedupeUntil: number;
}

/** A record read from an item of the v2 layout. */
export const recordFromItem = (item: Record<string, AttributeValue>): OperationsRecord => {
  const rawBody = item[A.rawBody]?.S;
  const issues = item[A.issues]?.L;
  const failure = item[A.failure]?.S;
  const dedupeUntil = item[A.dedupeUntil]?.N;
  return {
    dedupeKey: item[TABLE_LAYOUT.partitionKey]?.S ?? '',
    webhookId: item[A.webhookId]?.S ?? '',
    provider: (item[A.provider]?.S ?? '') as ProviderName,
    detailType: item[A.detailType]?.S ?? '',
    receivedAt: item[A.receivedAt]?.S ?? '',
    status: (item[A.status]?.S ?? '') as RecordStatus,
    ...(dedupeUntil !== undefined ? { dedupeUntil: Number(dedupeUntil) } : {}),
    ...(rawBody !== undefined ? { rawBody } : {}),
    ...(issues ? { issues: issues.map((v) => v.S ?? '') } : {}),
    ...(failure !== undefined ? { failure } : {}),
  };
};

const SUMMARY = [
  TABLE_LAYOUT.partitionKey,
  A.webhookId,
  A.provider,
  A.detailType,
  A.receivedAt,
  A.status,
  A.dedupeUntil,
  A.issues,
  A.failure,
];

/** Builds expressions with placeholders for every name and value (`status` is a reserved word). */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private n = 0;
  name(attribute: string): string {
    const key = `#n${Object.keys(this.names).length}`;
    const found = Object.entries(this.names).find(([, v]) => v === attribute);
    if (found) return found[0];
    this.names[key] = attribute;
    return key;
  }
  value(text: string): string {
    const key = `:v${this.n++}`;
    this.values[key] = { S: text };
    return key;
  }
  projection(attributes: readonly string[]): string {
    return attributes.map((a) => this.name(a)).join(', ');
  }
}

/** The FilterExpression of a {@link ScanFilter} (undefined when it keeps everything). */
const filterExpression = (filter: ScanFilter, e: Expression): string | undefined => {
  const parts: string[] = [];
  const oneOf = (attribute: string, values: readonly string[]) =>
    values.length === 1
      ? `${e.name(attribute)} = ${e.value(values[0] as string)}`
      : `${e.name(attribute)} IN (${values.map((v) => e.value(v)).join(', ')})`;
  if (filter.providers?.length) parts.push(oneOf(A.provider, filter.providers));
  if (filter.detailType && 'exact' in filter.detailType)
    parts.push(`${e.name(A.detailType)} = ${e.value(filter.detailType.exact)}`);
  if (filter.detailType && 'prefix' in filter.detailType && filter.detailType.prefix)
    parts.push(`begins_with(${e.name(A.detailType)}, ${e.value(filter.detailType.prefix)})`);
  if (filter.from) parts.push(`${e.name(A.receivedAt)} >= ${e.value(filter.from)}`);
  if (filter.to) parts.push(`${e.name(A.receivedAt)} < ${e.value(filter.to)}`);
  if (filter.statuses?.length) parts.push(oneOf(A.status, filter.statuses));
  if (filter.bodyContains) parts.push(`contains(${e.name(A.rawBody)}, ${e.value(filter.bodyContains)})`);
  return parts.length ? parts.join(' AND ') : undefined;
};

/** The operations store over a DynamoDB client (real or emulator). */
export const createOperationsStore = ({
  client,
  tableName,
}: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): OperationsStore => {
  const batchGet = async (dedupeKeys: readonly string[]): Promise<OperationsRecord[]> => {
    const e = new Expression();
    const projection = e.projection([...SUMMARY, A.rawBody]);
    const items = await batchGetItems({
      client,
      tableName,
      keys: dedupeKeys.map((k) => ({ [TABLE_LAYOUT.partitionKey]: { S: k } })),
      projection,
      names: e.names,
      attempts: 5,
      backoffMs: 50,
    });
    return items.map(recordFromItem);
  };

  return {
    async scan(filter, options, onPage) {
      const segments = Math.min(Math.max(Math.trunc(options.segments), 1), 64);
      if (options.resumeFrom && options.resumeFrom.length !== segments)
        throw new Error(`the cursor has ${options.resumeFrom.length} segments, the scan ${segments}`);
      const positions: SegmentPosition[] = Array.from(
        { length: segments },
        (_, i) => options.resumeFrom?.[i] ?? { done: false },
      );
      const e = new Expression();
      const expression = filterExpression(filter, e);
      const projection = e.projection([...SUMMARY, ...(filter.withBody ? [A.rawBody] : [])]);
      await Promise.all(
        positions.map(async (_, segment) => {
          while (!positions[segment]?.done) {
            if (options.shouldStop?.()) return;
            const startKey = positions[segment]?.startKey;
            const out = await client.send(
              new ScanCommand({
                TableName: tableName,
                Segment: segment,
                TotalSegments: segments,
                ...(expression
                  ? {
                      FilterExpression: expression,
                      ...(Object.keys(e.values).length ? { ExpressionAttributeValues: e.values } : {}),
                    }
                  : {}),
                ProjectionExpression: projection,
                ExpressionAttributeNames: e.names,
                ExclusiveStartKey: startKey,
                ReturnConsumedCapacity: 'TOTAL',
                ...(options.pageLimit ? { Limit: options.pageLimit } : {}),
              }),
            );
            await onPage({
              segment,
              ...(startKey ? { startKey } : {}),
              ...(out.LastEvaluatedKey ? { nextKey: out.LastEvaluatedKey } : {}),
              records: (out.Items ?? []).map(recordFromItem),
              scanned: out.ScannedCount ?? 0,
              readUnits: out.ConsumedCapacity?.CapacityUnits ?? 0,
            });
            positions[segment] = out.LastEvaluatedKey
              ? { done: false, startKey: out.LastEvaluatedKey }
              : { done: true };
          }
        }),
      );
      return positions;
    },

    async describe() {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      return {
        sizeBytes: out.Table?.TableSizeBytes ?? 0,
        itemCount: out.Table?.ItemCount ?? 0,
        indexes: (out.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? ''),
      };
    },

    async queryExceptions(status, query, onPage) {
      const { indexName, partitionKey, sortKey } = TABLE_LAYOUT.exceptions;
      await Promise.all(
        exceptionKeys(status).map(async (shardKey) => {
          const e = new Expression();
          let condition = `${e.name(partitionKey)} = ${e.value(shardKey)}`;
          if (query.from && query.to)
            condition += ` AND ${e.name(sortKey)} BETWEEN ${e.value(query.from)} AND ${e.value(query.to)}`;
          else if (query.from) condition += ` AND ${e.name(sortKey)} >= ${e.value(query.from)}`;
          else if (query.to) condition += ` AND ${e.name(sortKey)} < ${e.value(query.to)}`;
          const filter = query.provider ? `${e.name(A.provider)} = ${e.value(query.provider)}` : undefined;
          let startKey: Record<string, AttributeValue> | undefined;
          do {
            const out = await client.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: indexName,
                KeyConditionExpression: condition,
                ...(filter ? { FilterExpression: filter } : {}),
                ExpressionAttributeNames: e.names,
                ExpressionAttributeValues: e.values,
                ExclusiveStartKey: startKey,
              }),
            );
            startKey = out.LastEvaluatedKey;
            // The index is eventually consistent: keep what the table says now.
            const keys = (out.Items ?? [])
              .map(recordFromItem)
              .filter((r) => !query.to || r.receivedAt < (query.to as string))
              .map((r) => r.dedupeKey);
            if (keys.length === 0) continue;
            const records = (await batchGet(keys)).filter((r) => r.status === status);
            if (records.length) await onPage(records);
          } while (startKey);
        }),
      );
    },

    async putNew(record) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              [TABLE_LAYOUT.partitionKey]: { S: record.dedupeKey },
              [A.webhookId]: { S: record.webhookId },
              [A.provider]: { S: record.provider },
              [A.detailType]: { S: record.detailType },
              [A.receivedAt]: { S: record.receivedAt },
              [A.status]: { S: 'received' },
              [A.rawBody]: { S: record.rawBody },
              [A.deliveries]: { N: '1' },
              [TABLE_LAYOUT.ttlAttribute]: { N: String(record.expiresAt) },
              [A.dedupeUntil]: { N: String(record.dedupeUntil) },
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_LAYOUT.partitionKey },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};
