import { createHash } from 'node:crypto';
import type { ProviderRegistry } from '../providers/index.js';
import {
  type Classification,
  isProviderName,
  type ProviderName,
  UNRECOGNISED_DETAIL_TYPE,
} from '../providers/provider.js';
import {
  InvalidPayloadError,
  PayloadTooLargeError,
  QueueUnavailableError,
  StoreUnavailableError,
  UnknownProviderError,
} from '../shared/errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../shared/json-depth.js';
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

/** A verified body parsed; `tooDeep` when its nesting exceeds what any provider sends. */
interface ParsedBody {
  readonly payload: Record<string, unknown>;
  readonly tooDeep: boolean;
}

const parseObject = (body: Buffer): ParsedBody => {
  if (body.length === 0) throw new InvalidPayloadError('body is empty; expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (error) {
    throw new InvalidPayloadError('body is not valid UTF-8', { cause: error });
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
  return { payload: value as Record<string, unknown>, tooDeep: jsonDepth(text) > MAX_JSON_DEPTH };
};

const statusOf = (classification: Classification): WebhookStatus =>
  classification.kind === 'invalid' ? WebhookStatus.Quarantined : WebhookStatus.Received;

/**
 * The ingest path (design section 1): size check → signature over the raw bytes → JSON → catalogue
 * → one conditional write (dedupe) → enqueue. Returns only once the webhook is durably stored and,
 * unless quarantined, enqueued; every failure of our own store or queue is thrown as a 503-class
 * error so the provider retries, and a retry of a body still `received` enqueues it again.
 */
export const ingestWebhook = async (request: IngestRequest, deps: IngestDeps): Promise<IngestOutcome> => {
  if (!isProviderName(request.provider)) throw new UnknownProviderError(request.provider);
  const provider = deps.providers[request.provider];
  const { maxBodyBytes, dedupeWindowSeconds, retentionDays } = deps.settings;
  if (request.body.length > maxBodyBytes) throw new PayloadTooLargeError(request.body.length, maxBodyBytes);

  const bodySha256 = createHash('sha256').update(request.body).digest('hex');
  await provider.verify({ headers: request.headers, body: request.body, bodySha256 });

  const { payload, tooDeep } = parseObject(request.body);
  // Authentic but unworkable: kept (quarantined) rather than refused, so the provider stops retrying.
  const classification: Classification = tooDeep
    ? {
        kind: 'invalid',
        detailType: UNRECOGNISED_DETAIL_TYPE,
        issues: [`(root): nested deeper than ${MAX_JSON_DEPTH} levels`],
      }
    : provider.classify(payload);

  const nowMs = deps.now();
  const receivedAt = new Date(nowMs).toISOString();
  const record: WebhookRecord = {
    dedupeKey: `${provider.name}#${bodySha256}`,
    webhookId: deps.newId(),
    provider: provider.name,
    detailType: classification.detailType,
    status: statusOf(classification),
    receivedAt,
    // Valid UTF-8 was checked above, so the text round-trips to the same bytes.
    rawBody: request.body.toString('utf8'),
    deliveries: 1,
    expiresAt: Math.floor(nowMs / 1000) + retentionDays * 86_400,
    ...(classification.kind === 'invalid' ? { issues: classification.issues } : {}),
  };

  let put: PutResult;
  try {
    put = await deps.store.putIfAbsent(record, new Date(nowMs - dedupeWindowSeconds * 1000).toISOString());
  } catch (error) {
    throw new StoreUnavailableError('the webhook store is unavailable', { cause: error });
  }

  const stored = put.outcome === 'created' ? record : put.existing;
  // A record still `received` may never have reached the queue (the send failed, or the function
  // died after the write): every delivery that meets it enqueues it again. The router publishes a
  // webhookId once, so an extra message costs nothing but a skipped record.
  if (stored.status === WebhookStatus.Received) {
    try {
      await deps.queue.send(
        buildQueueMessage(
          {
            webhookId: stored.webhookId,
            provider: stored.provider,
            dedupeKey: stored.dedupeKey,
            receivedAt: stored.receivedAt,
          },
          stored.rawBody,
        ),
      );
    } catch (error) {
      throw new QueueUnavailableError('the webhook queue is unavailable; the webhook is stored', {
        cause: error,
      });
    }
  }

  return {
    status:
      put.outcome === 'duplicate'
        ? 'duplicate'
        : record.status === WebhookStatus.Quarantined
          ? 'quarantined'
          : 'accepted',
    webhookId: stored.webhookId,
    provider: provider.name,
    detailType: stored.detailType,
    known: classification.kind !== 'unknown',
    ...(classification.kind === 'invalid' ? { issues: classification.issues } : {}),
  };
};
