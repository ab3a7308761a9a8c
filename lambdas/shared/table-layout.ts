/**
 * Names of the webhook table's keys and indexes. Pure constants, so the CDK stack, the adapters and
 * the local runtime agree without importing each other.
 */
export const TABLE_LAYOUT = {
  /** Partition key: the dedupe key `<provider>#<sha256 of the raw body>`. */
  partitionKey: 'pk',
  /** TTL attribute (unix seconds). */
  ttlAttribute: 'expiresAt',
  /** Replay by provider and time: partition `<provider>#<YYYY-MM-DD>`, sort `receivedAt`. */
  byProviderDay: { indexName: 'byProviderDay', partitionKey: 'providerDay', sortKey: 'receivedAt' },
  /** Sparse index of records still `received`: the reconciler's query. */
  pending: {
    indexName: 'pending',
    partitionKey: 'pending',
    sortKey: 'receivedAt',
    value: 'received',
    /** Attributes projected into the index (INCLUDE), enough to enqueue a record again. */
    projected: ['webhookId', 'provider'],
  },
} as const;

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

/** The sparse `exceptions` index of the v2 layout: quarantined and failed records only. */
export const EXCEPTIONS_INDEX = {
  indexName: 'exceptions',
  partitionKey: 'exception',
  sortKey: 'receivedAt',
  /** Partition values are `<status>#<shard>` with shards 0 to shards - 1. */
  shards: 8,
  projected: ['webhookId', 'provider', 'detailType'],
} as const;
