import { buildQueueMessage } from '../shared/queue-message.js';
import type { PendingStore, WebhookQueue } from '../shared/webhook-record.js';

/** Collaborators of {@link reconcile}. */
export interface ReconcileDeps {
  readonly store: PendingStore;
  readonly queue: WebhookQueue;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** A record still `received` this long after it arrived is enqueued again. */
  readonly afterSeconds: number;
  readonly maxRecords: number;
}

/** What one run did. */
export interface ReconcileReport {
  readonly found: number;
  readonly enqueued: number;
  readonly failed: number;
  readonly oldestReceivedAt?: string;
}

/**
 * Re-enqueues webhooks that were stored but never published: a crash between the write and the
 * send, or a provider that did not retry a 503 (design section 4). One query on the sparse
 * `pending` index finds them; the messages carry no body (the router reads it from the table).
 * The router publishes a webhookId once, so a record enqueued twice costs only a skipped message.
 */
export const reconcile = async (deps: ReconcileDeps): Promise<ReconcileReport> => {
  const before = new Date(deps.now() - deps.afterSeconds * 1000).toISOString();
  const pending = await deps.store.findPending(before, deps.maxRecords);
  const sent = await Promise.allSettled(
    pending.map((p) =>
      deps.queue.send(
        buildQueueMessage({
          webhookId: p.webhookId,
          provider: p.provider,
          dedupeKey: p.dedupeKey,
          receivedAt: p.receivedAt,
        }),
      ),
    ),
  );
  const failed = sent.filter((s) => s.status === 'rejected').length;
  return {
    found: pending.length,
    enqueued: pending.length - failed,
    failed,
    ...(pending[0] ? { oldestReceivedAt: pending[0].receivedAt } : {}),
  };
};
