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
