import type { QueueMessage } from '../shared/queue-message-schema.js';
import {
  receivedSeconds,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
} from '../shared/webhook-record.js';
import type { Placement } from './place-body.js';

/** Tunables of the router (docs/storage-layout.md). */
export interface RouterSettings {
  /** The queue's `maxReceiveCount`: a record failing on that receive is marked `failed`. */
  readonly maxReceiveCount: number;
  /** Ingest's dedupe window, for messages that do not carry their `dedupeUntil`. */
  readonly dedupeWindowSeconds: number;
  /** How long ingest may take between its send and its write (above its function timeout). */
  readonly ingestBudgetSeconds: number;
  /** Retention of an adopted record (TTL). */
  readonly retentionDays: number;
  /**
   * Age after which another message may take a claim over: longer than any invocation, so a claim
   * still held is never taken, while one whose holder left (for the DLQ, unmarked) does not strand
   * the record as `published` with no event.
   */
  readonly claimLeaseSeconds: number;
}

/** Default settings, as the function configuration defaults them. */
export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  maxReceiveCount: 5,
  dedupeWindowSeconds: 600,
  ingestBudgetSeconds: 10,
  retentionDays: 30,
  claimLeaseSeconds: 60,
};

/** ISO-8601 time before which a claim is stale (see {@link RouterSettings.claimLeaseSeconds}). */
export const claimsStaleBefore = (nowMs: number, settings: RouterSettings): string =>
  new Date(nowMs - settings.claimLeaseSeconds * 1000).toISOString();

/** The smallest dedupe window any configuration allows: the oldest Plaid token plus clock skew. */
export const MIN_DEDUPE_WINDOW_SECONDS = 330;

/**
 * The end of a message's dedupe window, as ingest stored it. A message without it (from an older
 * ingest, or a replay) is given the smallest window any configuration allows: a stored record is
 * then judged able to have replaced this message's sooner, which may publish a duplicate, never
 * drop a webhook (the window may have been longer, or changed since).
 */
export const messageDedupeUntil = (message: QueueMessage): number =>
  message.dedupeUntil ?? receivedSeconds(message.receivedAt) + MIN_DEDUPE_WINDOW_SECONDS;

/**
 * How the stored record of a message's dedupe key stands to the message:
 * - `own`: the record is this webhook's;
 * - `absent`: nothing stored;
 * - `expired`: another webhook's, whose window ended before this message was received, so this
 *   message's ingest write replaces it (or did, and the read has not seen it yet);
 * - `other`: another webhook's, inside its window when this message was received: this message's
 *   ingest write could not have replaced it.
 */
export type Relation = 'own' | 'absent' | 'expired' | 'other';

/** The relation of a stored state to a message (see {@link Relation}). */
export const relationOf = (message: QueueMessage, state: StoredState | undefined): Relation => {
  if (!state) return 'absent';
  if (state.webhookId === message.webhookId) return 'own';
  return state.dedupeUntil < receivedSeconds(message.receivedAt) ? 'expired' : 'other';
};

/**
 * True while the message may still be ahead of its own record: nothing stored, or an expired
 * record of the same body that its ingest write is about to replace. The router reads those keys
 * again (strongly consistent) until this is false or the ingest budget has passed.
 */
export const awaitsOwnRecord = (message: QueueMessage, state: StoredState | undefined): boolean => {
  if (message.replayed) return false;
  const relation = relationOf(message, state);
  return relation === 'absent' || relation === 'expired';
};

/** What to do with a message, decided from the stored record (the table of docs/storage-layout.md). */
export type Plan =
  | { readonly kind: 'publish'; readonly claim: boolean; readonly rawBody: string }
  | { readonly kind: 'adopt'; readonly rawBody: string }
  | { readonly kind: 'skip'; readonly status: 'duplicate' | 'dropped' };

/**
 * Decides a message's plan from the stored state as last read (after any wait for its own record).
 * A message that is not its record's is dropped only when its ingest write could never have been
 * the stored one: the stored record was inside its window when this message was received, and was
 * received before this message's window ended (else it may have replaced this message's record
 * after that window, and this message is published from its own body). Returns an Error when the
 * message cannot be routed now (no body to publish).
 */
export const planMessage = (
  message: QueueMessage,
  receiveCount: number,
  state: StoredState | undefined,
): Plan | Error => {
  const body = message.rawBody ?? state?.rawBody;
  if (message.replayed) {
    return body === undefined
      ? new Error(`no body for replayed webhook ${message.webhookId}`)
      : { kind: 'publish', claim: false, rawBody: body };
  }
  switch (relationOf(message, state)) {
    case 'own': {
      // Same dedupe key means the same body bytes, so the stored body is this webhook's body.
      if (body === undefined) return new Error(`no body for webhook ${message.webhookId}`);
      const claim = receiveCount > 1 || message.requeued === true || state?.status !== WebhookStatus.Received;
      return { kind: 'publish', claim, rawBody: body };
    }
    case 'absent':
      if (message.rawBody !== undefined) return { kind: 'adopt', rawBody: message.rawBody };
      // Never stored and no body to store: the delivery was answered 503 and the provider retries.
      // Dropped only on a later receive (a visibility timeout on), in case its aborted write was
      // already on its way to the table when ingest gave up; until then it is retried.
      return receiveCount > 1
        ? { kind: 'skip', status: 'dropped' }
        : new Error(`the record of ${message.webhookId} is not there yet and the message has no body`);
    case 'expired':
      // Its ingest write never replaced the old record: store it over that one (the same bytes).
      return body === undefined
        ? new Error(`no body for webhook ${message.webhookId}`)
        : { kind: 'adopt', rawBody: body };
    case 'other': {
      const replaced = receivedSeconds((state as StoredState).receivedAt) > messageDedupeUntil(message);
      if (!replaced) return { kind: 'skip', status: 'duplicate' };
      if (body === undefined) return new Error(`no body for webhook ${message.webhookId}`);
      return { kind: 'publish', claim: false, rawBody: body };
    }
  }
};

/** The record the router stores for a message whose ingest write never landed. */
export const adoptedRecord = (
  message: QueueMessage,
  rawBody: string,
  { detailType, issues }: Placement,
  settings: RouterSettings,
): WebhookRecord => ({
  dedupeKey: message.dedupeKey,
  webhookId: message.webhookId,
  provider: message.provider,
  detailType,
  status: issues !== undefined ? WebhookStatus.Quarantined : WebhookStatus.Received,
  receivedAt: message.receivedAt,
  rawBody,
  deliveries: 1,
  expiresAt: receivedSeconds(message.receivedAt) + settings.retentionDays * 86_400,
  // The window ingest gave (or would have given) this delivery: an identical body after it is a
  // new webhook, as for any other record (docs/consumers.md).
  dedupeUntil: message.dedupeUntil ?? receivedSeconds(message.receivedAt) + settings.dedupeWindowSeconds,
  ...(issues !== undefined ? { issues } : {}),
});
