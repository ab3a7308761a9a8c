import { hash } from 'node:crypto';
import { isProviderName, type ProviderName } from '@webhook-pipeline/events/sources';
import { CATALOGUE_VERSION } from '../providers/catalogue-version.js';
import type { ProviderRegistry } from '../providers/index.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from '../providers/provider.js';
import type { AbortSignalLike } from '../shared/abort-signal.js';
import {
  InvalidPayloadError,
  PayloadTooLargeError,
  QueueUnavailableError,
  StoreUnavailableError,
  UnknownProviderError,
} from '../shared/errors.js';
import { unpublishableIssue } from '../shared/json-depth.js';
import { buildQueueMessage } from '../shared/queue-message.js';
import {
  type PutResult,
  type WebhookQueue,
  type WebhookRecord,
  WebhookStatus,
  type WebhookStore,
} from '../shared/webhook-record.js';

/** A delivery as the handler hands it over: nothing parsed yet. */
export interface IngestRequest {
  /** The provider segment of the path. */
  readonly provider: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes (already base64-decoded when API Gateway flagged it). */
  readonly body: Buffer;
}

/** Tunables of the ingest path (design sections 2 and 4). */
export interface IngestSettings {
  readonly maxBodyBytes: number;
  readonly dedupeWindowSeconds: number;
  readonly retentionDays: number;
}

/** Collaborators of {@link ingestWebhook}. */
export interface IngestDeps {
  readonly providers: ProviderRegistry;
  readonly store: WebhookStore;
  readonly queue: WebhookQueue;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly newId: () => string;
  readonly settings: IngestSettings;
}

/** What happened to a delivery that was verified and stored (the 200 answers of design section 2). */
export interface IngestOutcome {
  readonly status: 'accepted' | 'duplicate' | 'quarantined';
  readonly webhookId: string;
  readonly provider: ProviderName;
  readonly detailType: string;
  /** False when the catalogue has no schema for the detail type (accepted, counted as UnknownWebhookCode). */
  readonly known: boolean;
  /** Why the body was quarantined. */
  readonly issues?: readonly string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const NOT_UTF8_ISSUE = '(body): not valid UTF-8; kept as base64';

/**
 * A verified body parsed; `unpublishable` names why its event could never be put on the bus (nesting
 * beyond what any provider sends, or an integer outside the int64 range `PutEvents` takes).
 */
type ParsedBody =
  | {
      readonly kind: 'object';
      /** The body as text (valid UTF-8, so it round-trips to the same bytes). */
      readonly text: string;
      readonly payload: Record<string, unknown>;
      readonly unpublishable?: string;
    }
  /** Authentic bytes that are not UTF-8: kept exactly (base64) and quarantined with the reason. */
  | { readonly kind: 'not-utf8' };

const parseObject = (body: Buffer): ParsedBody => {
  if (body.length === 0) throw new InvalidPayloadError('body is empty; expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { kind: 'not-utf8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidPayloadError('body is not valid JSON', { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidPayloadError('body is JSON but not an object');
  }
  // EventBridge refuses such a detail on every attempt, so it is kept (quarantined), not queued.
  const unpublishable = unpublishableIssue(text);
  return {
    kind: 'object',
    text,
    payload: value as Record<string, unknown>,
    ...(unpublishable ? { unpublishable } : {}),
  };
};

const statusOf = (classification: Classification): WebhookStatus =>
  classification.kind === 'invalid' ? WebhookStatus.Quarantined : WebhookStatus.Received;

/**
 * The ingest path (docs/storage-layout.md): size check → signature over the raw bytes → JSON →
 * catalogue → `SendMessage` → one conditional write (dedupe). The message goes out before the
 * write, so a crash between the two leaves a message without a record (the router adopts it),
 * never a record without a message. Returns only once the webhook is durably stored; every failure
 * of our own queue or store is thrown as a 503-class error so the provider retries. `signal` (the
 * handler's budget) aborts the queue and store calls, so that a delivery answered 503 leaves no
 * write in flight that could land after the router has given up on its message.
 */
export const ingestWebhook = async (
  request: IngestRequest,
  deps: IngestDeps,
  signal?: AbortSignalLike,
): Promise<IngestOutcome> => {
  if (!isProviderName(request.provider)) throw new UnknownProviderError(request.provider);
  const provider = deps.providers[request.provider];
  const { maxBodyBytes, dedupeWindowSeconds, retentionDays } = deps.settings;
  if (request.body.length > maxBodyBytes) throw new PayloadTooLargeError(request.body.length, maxBodyBytes);

  // The one-shot hash (Node 20.12+) costs half of a Hash object for a webhook-sized body.
  const bodySha256 = hash('sha256', request.body, 'hex');
  await provider.verify({ headers: request.headers, body: request.body, bodySha256 });

  const parsed = parseObject(request.body);
  // Authentic but unworkable: kept (quarantined) rather than refused, so the provider stops retrying.
  const classification: Classification =
    parsed.kind === 'not-utf8'
      ? { kind: 'invalid', detailType: UNRECOGNISED_DETAIL_TYPE, issues: [NOT_UTF8_ISSUE] }
      : parsed.unpublishable
        ? { kind: 'invalid', detailType: UNRECOGNISED_DETAIL_TYPE, issues: [parsed.unpublishable] }
        : provider.classify(parsed.payload);

  const nowMs = deps.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const receivedAt = new Date(nowMs).toISOString();
  const record: WebhookRecord = {
    dedupeKey: `${provider.name}#${bodySha256}`,
    webhookId: deps.newId(),
    provider: provider.name,
    detailType: classification.detailType,
    status: statusOf(classification),
    receivedAt,
    // Valid UTF-8 round-trips to the same bytes; anything else is kept byte for byte as base64.
    ...(parsed.kind === 'not-utf8'
      ? { rawBody: request.body.toString('base64'), bodyEncoding: 'base64' as const }
      : { rawBody: parsed.text }),
    deliveries: 1,
    expiresAt: nowSeconds + retentionDays * 86_400,
    dedupeUntil: nowSeconds + dedupeWindowSeconds,
    ...(classification.kind === 'invalid' ? { issues: classification.issues } : {}),
  };

  // First the message: once it is out, the webhook cannot be forgotten (the router adopts a message
  // whose record never lands). A duplicate's message is dropped by the router.
  if (record.status === WebhookStatus.Received) {
    try {
      await deps.queue.send(
        buildQueueMessage(
          {
            webhookId: record.webhookId,
            provider: record.provider,
            dedupeKey: record.dedupeKey,
            receivedAt: record.receivedAt,
            dedupeUntil: record.dedupeUntil,
            detailType: record.detailType,
            catalogue: CATALOGUE_VERSION,
          },
          record.rawBody,
        ),
        signal,
      );
    } catch (error) {
      throw new QueueUnavailableError('the webhook queue is unavailable; nothing was stored', {
        cause: error,
      });
    }
  }

  let put: PutResult;
  try {
    put = await deps.store.putIfAbsent(record, nowSeconds, signal);
  } catch (error) {
    throw new StoreUnavailableError('the webhook store is unavailable', { cause: error });
  }

  // The stored record is this delivery's own when the router adopted its message first.
  const duplicate = put.outcome === 'duplicate' && put.existing.webhookId !== record.webhookId;
  const stored = put.outcome === 'duplicate' ? put.existing : record;
  return {
    status: duplicate
      ? 'duplicate'
      : stored.status === WebhookStatus.Quarantined
        ? 'quarantined'
        : 'accepted',
    webhookId: stored.webhookId,
    provider: provider.name,
    detailType: stored.detailType,
    known: classification.kind !== 'unknown',
    ...(classification.kind === 'invalid' ? { issues: classification.issues } : {}),
  };
};
