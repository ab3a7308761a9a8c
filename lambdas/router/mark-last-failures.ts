import type { QueueMessage } from '../shared/queue-message-schema.js';
import type { RouterStore, WebhookRecord } from '../shared/webhook-record.js';

/** A parsed SQS record of the batch. */
export interface ParsedRecord {
  readonly id: string;
  readonly receiveCount: number;
  readonly message: QueueMessage;
}

/** What {@link markLastFailures} needs. */
export interface MarkLastFailuresDeps {
  readonly store: RouterStore;
  readonly maxReceiveCount: number;
  /** Claims made before this (ISO-8601) no longer keep another message from marking the record. */
  readonly staleBefore: string;
  /** The record to store, failed, for a message whose own record is not there (it has a body). */
  readonly failedRecord: (message: QueueMessage, failure: string) => WebhookRecord | undefined;
  /** Called for each record marked `failed` on its last receive (counted as WebhooksFailed). */
  readonly onFailed?: (failed: {
    webhookId: string;
    provider: QueueMessage['provider'];
    reason: string;
  }) => void;
  /** Called when marking a record failed did not work (its message still goes to the DLQ). */
  readonly onMarkError?: (webhookId: string, error: unknown) => void;
}

/**
 * Marks `failed` the records whose message fails on its last receive, before SQS moves it to the
 * DLQ: terminal, counted, listed by the exceptions index, so `requeue` finds it. A message whose own
 * record is not there (its ingest write never landed, or an expired record of its body is) stores
 * its record as `failed`, as an adoption would. A replayed message is an operator's copy and marks
 * nothing.
 */
export const markLastFailures = async (
  parsed: readonly ParsedRecord[],
  errors: ReadonlyMap<string, Error>,
  deps: MarkLastFailuresDeps,
): Promise<void> => {
  const last = parsed.filter(
    ({ id, receiveCount, message }) =>
      errors.has(id) && receiveCount >= deps.maxReceiveCount && !message.replayed,
  );
  await Promise.all(
    last.map(async ({ id, message }) => {
      const error = errors.get(id) as Error;
      const reason = `${error.name}: ${error.message}`;
      const mark = () =>
        deps.store.markFailed(message.dedupeKey, message.webhookId, id, reason, deps.staleBefore);
      try {
        let marked = await mark();
        const record = marked ? undefined : deps.failedRecord(message, reason);
        // The record stored from the message; if one landed meanwhile, mark that one.
        if (record) marked = (await deps.store.adopt(record)).outcome === 'created' || (await mark());
        if (marked) deps.onFailed?.({ webhookId: message.webhookId, provider: message.provider, reason });
      } catch (markError) {
        deps.onMarkError?.(message.webhookId, markError);
      }
    }),
  );
};
