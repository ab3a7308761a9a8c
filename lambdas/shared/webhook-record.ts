import type { ProviderName } from '../providers/provider.js';

/** Lifecycle of a stored webhook (design section 4). */
export const WebhookStatus = {
  /** Stored and (being) enqueued; not yet on the bus. */
  Received: 'received',
  /** Its event is on the bus. */
  Published: 'published',
  /** Verified but failed its schema: stored, never published until re-validated. */
  Quarantined: 'quarantined',
} as const;
export type WebhookStatus = (typeof WebhookStatus)[keyof typeof WebhookStatus];

/** One stored webhook: the latest delivery of a body within its dedupe window. */
export interface WebhookRecord {
  /** `<provider>#<sha256 of the raw body>`. */
  readonly dedupeKey: string;
  readonly webhookId: string;
  readonly provider: ProviderName;
  readonly detailType: string;
  readonly status: WebhookStatus;
  /** ISO-8601 UTC with milliseconds, so that string order is time order. */
  readonly receivedAt: string;
  readonly rawBody: string;
  /** How many deliveries of this body arrived within the window (1 for a new webhook). */
  readonly deliveries: number;
  /** Unix seconds after which DynamoDB may delete the record (TTL). */
  readonly expiresAt: number;
  /** Why a quarantined body failed its schema (paths and messages, never values). */
  readonly issues?: readonly string[];
}

/** The result of the one conditional write that decides new versus duplicate. */
export type PutResult =
  | { readonly outcome: 'created' }
  | { readonly outcome: 'duplicate'; readonly existing: WebhookRecord };

/** The store as the cores see it; the DynamoDB adapter implements it. */
export interface WebhookStore {
  /**
   * Writes the record unless one with the same dedupe key was received at or after `windowStart`.
   * On a duplicate the stored record's delivery counter is incremented and the record returned.
   */
  putIfAbsent(record: WebhookRecord, windowStart: string): Promise<PutResult>;
}

/** The queue as the cores see it; the SQS adapter implements it. */
export interface WebhookQueue {
  /** Sends one message body (a serialised `QueueMessage`). */
  send(body: string): Promise<void>;
}

/** What the router needs to know of a stored webhook. */
export interface StoredState {
  readonly webhookId: string;
  readonly status: WebhookStatus;
  /** Present only when asked for (a queue message without its body). */
  readonly rawBody?: string;
}

/** A record still `received`, as the reconciler finds it. */
export interface PendingWebhook {
  readonly dedupeKey: string;
  readonly webhookId: string;
  readonly provider: ProviderName;
  readonly receivedAt: string;
}

/** The store as the router and the reconciler see it. */
export interface RouterStore {
  /** The states of some records, by dedupe key (absent when not stored). One round trip per 100 keys. */
  getStates(dedupeKeys: readonly string[], withBody: boolean): Promise<Map<string, StoredState>>;
  /** Marks a record published, only if it is still the record of `webhookId`. False when it is not. */
  markPublished(dedupeKey: string, webhookId: string, publishedAt: string): Promise<boolean>;
  /** Marks a record quarantined (its body no longer passes the schema), only if it is still `webhookId`'s. */
  markQuarantined(dedupeKey: string, webhookId: string, issues: readonly string[]): Promise<boolean>;
}

/** The store as the reconciler sees it. */
export interface PendingStore {
  /** Records still `received` that arrived before `before`, oldest first, at most `limit`. */
  findPending(before: string, limit: number): Promise<PendingWebhook[]>;
}

/** One event to put on the bus. */
export interface EventEntry {
  readonly source: string;
  readonly detailType: string;
  /** The serialised `detail`. */
  readonly detail: string;
  /** ISO-8601 event time. */
  readonly time: string;
}

/** The fate of one entry of a publish call. */
export type PublishResult =
  | { readonly ok: true; readonly eventId: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/** The bus as the router sees it; results are in the order of the entries. */
export interface EventPublisher {
  publish(entries: readonly EventEntry[]): Promise<PublishResult[]>;
}
