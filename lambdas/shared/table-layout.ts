/**
 * Names of the webhook table's keys and its one index (docs/storage-layout.md). Pure constants, so
 * the CDK stack, the adapters and the local runtime agree without importing each other.
 */
export const TABLE_LAYOUT = {
  /** Partition key: the dedupe key `<provider>#<sha256 of the raw body>`. */
  partitionKey: 'pk',
  /** TTL attribute (unix seconds). */
  ttlAttribute: 'expiresAt',
  /**
   * Sparse index of the exceptions: only quarantined and failed records carry its partition
   * attribute, `<status>#<shard>`, so no happy-path webhook writes an index entry and no single key
   * takes a storm of exceptions.
   */
  exceptions: {
    indexName: 'exceptions',
    partitionKey: 'exception',
    sortKey: 'receivedAt',
    shards: 8,
    /** Attributes projected into the index (INCLUDE), enough to list the records. */
    projected: ['webhookId', 'provider', 'detailType'],
  },
} as const;

/** Statuses that put a record in the `exceptions` index. */
export type ExceptionStatus = 'quarantined' | 'failed';

/** The shard of a dedupe key (its last hex digit), so exceptions spread over a few partitions. */
export const exceptionShard = (dedupeKey: string): number =>
  (Number.parseInt(dedupeKey.slice(-1), 16) || 0) % TABLE_LAYOUT.exceptions.shards;

/** The `exception` attribute value of a record in `status`: `<status>#<shard>`. */
export const exceptionKey = (status: ExceptionStatus, dedupeKey: string): string =>
  `${status}#${exceptionShard(dedupeKey)}`;

/** Every `exception` partition value of a status, for a Query per shard. */
export const exceptionKeys = (status: ExceptionStatus): string[] =>
  Array.from({ length: TABLE_LAYOUT.exceptions.shards }, (_, i) => `${status}#${i}`);

/**
 * Item attribute names of the v2 layout (docs/storage-layout.md, "Item"), as the operations commands
 * read and filter them. Kept here so a rename is a one-line change.
 */
export const ITEM_ATTRIBUTES = {
  webhookId: 'webhookId',
  provider: 'provider',
  detailType: 'detailType',
  receivedAt: 'receivedAt',
  status: 'status',
  rawBody: 'rawBody',
  deliveries: 'deliveries',
  dedupeUntil: 'dedupeUntil',
  issues: 'issues',
  failure: 'failure',
  publishedAt: 'publishedAt',
  /** Sparse: `<status>#<shard>` only while the record is quarantined or failed. */
  exception: 'exception',
} as const;
