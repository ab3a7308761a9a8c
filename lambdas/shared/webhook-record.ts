import type { ProviderName } from '@webhook-pipeline/events/sources';
import type { AbortSignalLike } from './abort-signal.js';

/** Lifecycle of a stored webhook (docs/storage-layout.md). */
export const WebhookStatus = {
  /** Stored and handed to the router (its message was sent before the write). */
  Received: 'received',
  /**
   * Claimed by a redelivered or requeued message that is putting its event on the bus; becomes
   * `published` once the event is out. A claim older than the lease may be taken over.
   */
  Publishing: 'publishing',
  /** Its event is on the bus, as confirmed after a claim (the happy path writes no `published`). */
  Published: 'published',
  /** Verified but failed its schema: stored, never published until re-validated. */
  Quarantined: 'quarantined',
  /** The router failed on its last receive: terminal until `requeue` or `redrive-dlq` bring it back. */
  Failed: 'failed',
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
  /** The body as received (base64 when `bodyEncoding` says so: a verified body that is not UTF-8). */
  readonly rawBody: string;
  /** Set only for a body kept as base64 because it is not valid UTF-8. */
  readonly bodyEncoding?: 'base64';
  /** How many deliveries of this body arrived within the window (1 for a new webhook). */
  readonly deliveries: number;
  /** Unix seconds after which DynamoDB may delete the record (TTL). */
  readonly expiresAt: number;
  /** Unix seconds until which an identical body is a duplicate of this record. */
  readonly dedupeUntil: number;
  /** Why a quarantined body failed its schema (paths and messages, never values). */
  readonly issues?: readonly string[];
  /** Why a failed record failed (its last error). */
  readonly failure?: string;
}

/** Unix seconds of a record's `receivedAt`, as ingest counts them (its `nowSeconds` of that instant). */
export const receivedSeconds = (receivedAt: string): number => Math.floor(Date.parse(receivedAt) / 1000);

/** The result of the one conditional write that decides new versus duplicate. */
export type PutResult =
  | { readonly outcome: 'created' }
  | { readonly outcome: 'duplicate'; readonly existing: WebhookRecord };

/** The store as the ingest core sees it; the DynamoDB adapter implements it. */
export interface WebhookStore {
  /**
   * Writes the record unless one with the same dedupe key is still inside its dedupe window
   * (`dedupeUntil` ≥ `nowSeconds`). On a duplicate the stored record's delivery counter is
   * incremented and the stored record returned. `signal` aborts the calls (ingest's budget gave up:
   * a write must not land after the delivery was answered 503).
   */
  putIfAbsent(record: WebhookRecord, nowSeconds: number, signal?: AbortSignalLike): Promise<PutResult>;
}

/** The queue as the cores see it; the SQS adapter implements it. */
export interface WebhookQueue {
  /** Sends one message body (a serialised `QueueMessage`); `signal` aborts the call. */
  send(body: string, signal?: AbortSignalLike): Promise<void>;
}

/** What the router needs to know of a stored webhook. */
export interface StoredState {
  readonly webhookId: string;
  readonly status: WebhookStatus;
  readonly receivedAt: string;
  /** Unix seconds until which an identical body is a duplicate of this record. */
  readonly dedupeUntil: number;
  /** Present only when asked for (a queue message without its body). */
  readonly rawBody?: string;
}

/** The result of an adoption (the router storing a record whose ingest write never landed). */
export type AdoptResult = { readonly outcome: 'created' } | { readonly outcome: 'exists' };

/** The store as the router sees it. */
export interface RouterStore {
  /**
   * The states of some records, by dedupe key (absent when not stored). One round trip per 100 keys;
   * `consistent` for strongly consistent reads (a record written a moment ago).
   */
  getStates(
    dedupeKeys: readonly string[],
    withBody: boolean,
    consistent?: boolean,
  ): Promise<Map<string, StoredState>>;
  /**
   * Claims the publication of a redelivered or requeued message: sets the record `publishing` by
   * `claimId` only if it is still `webhookId`'s, and neither published nor being published by
   * another message; or it is this same message's claim (a redelivery after a failed publish may
   * claim again); or another message's claim made before `staleBefore` (ISO-8601: older than any
   * invocation, so its holder left without publishing). False when not claimed.
   */
  claim(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<boolean>;
  /** Records that the claim holder's event is on the bus: `publishing` by `claimId` becomes `published`. */
  confirm(dedupeKey: string, webhookId: string, claimId: string, publishedAt: string): Promise<boolean>;
  /**
   * Stores a record built from a queue message, only if no record has its dedupe key or the stored
   * one's dedupe window ended before the message was received (an identical body from long ago,
   * which this message's own ingest write would have replaced).
   */
  adopt(record: WebhookRecord): Promise<AdoptResult>;
  /** Marks a record quarantined (its body no longer passes the schema), only if it is still `webhookId`'s. */
  markQuarantined(dedupeKey: string, webhookId: string, issues: readonly string[]): Promise<boolean>;
  /**
   * Marks a record failed (terminal) with the reason, only if it is still `webhookId`'s, not
   * published, and not being published by another message's claim made at or after `staleBefore`.
   */
  markFailed(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    failure: string,
    staleBefore: string,
  ): Promise<boolean>;
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
