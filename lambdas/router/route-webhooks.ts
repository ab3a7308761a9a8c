import { EVENT_SOURCES, type EventMetadata, SCHEMA_VERSION } from '../events/envelope.js';
import { CLASSIFIERS } from '../providers/classifiers.js';
import { EventPublishError, QueueMessageError } from '../shared/errors.js';
import { type QueueMessage, QueueMessageSchema } from '../shared/queue-message.js';
import {
  type EventEntry,
  type EventPublisher,
  type RouterStore,
  WebhookStatus,
} from '../shared/webhook-record.js';

/** One SQS record, reduced to what the core needs. */
export interface RouterRecord {
  readonly id: string;
  readonly body: string;
}

/** What became of a record that did not fail. */
export interface RecordOutcome {
  readonly status: 'published' | 'already_published' | 'quarantined';
  readonly webhookId: string;
  readonly provider: QueueMessage['provider'];
  readonly detailType?: string;
}

/** Collaborators of {@link routeWebhooks}. */
export interface RouterDeps {
  readonly store: RouterStore;
  readonly publisher: EventPublisher;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Called when a published record could not be marked (its event is out; a later redelivery may repeat it). */
  readonly onMarkError?: (webhookId: string, error: unknown) => void;
}

/** Per record: its outcome, or the error that makes SQS deliver it again (and, in the end, to the DLQ). */
export type RouteResults = Map<string, RecordOutcome | Error>;

const parseMessage = (body: string): QueueMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new QueueMessageError('queue message is not JSON', { cause: error });
  }
  const parsed = QueueMessageSchema.safeParse(json);
  if (!parsed.success)
    throw new QueueMessageError(`queue message is invalid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
};

interface Prepared {
  readonly records: RouterRecord[];
  readonly message: QueueMessage;
  readonly entry: EventEntry;
}

/**
 * The router (design section 1): validates each message, skips webhooks already published (one
 * BatchGetItem for the batch), re-parses the raw body with the provider's catalogue, publishes
 * one event per webhook (PutEvents in calls of at most 10) and marks each published record,
 * conditional on its webhookId. Failures are per record; nothing throws for the whole batch
 * unless the store cannot be read at all.
 */
export const routeWebhooks = async (
  records: readonly RouterRecord[],
  deps: RouterDeps,
): Promise<RouteResults> => {
  const results: RouteResults = new Map();
  const messages: { record: RouterRecord; message: QueueMessage }[] = [];
  for (const record of records) {
    try {
      messages.push({ record, message: parseMessage(record.body) });
    } catch (error) {
      results.set(record.id, error as Error);
    }
  }

  let states: Awaited<ReturnType<RouterStore['getStates']>>;
  try {
    states = await deps.store.getStates(
      messages.map((m) => m.message.dedupeKey),
      messages.some((m) => m.message.rawBody === undefined),
    );
  } catch (error) {
    for (const { record } of messages) results.set(record.id, error as Error);
    return results;
  }

  // Ingest may enqueue a webhook more than once (a provider retry meets a record still `received`):
  // one event per webhookId per batch.
  const byWebhook = new Map<string, Prepared>();
  const quarantines: Promise<void>[] = [];
  for (const { record, message } of messages) {
    const { webhookId, provider, dedupeKey } = message;
    const done = (outcome: Omit<RecordOutcome, 'webhookId' | 'provider'>) =>
      results.set(record.id, { webhookId, provider, ...outcome });
    const state = states.get(dedupeKey);
    if (!message.replayed && state?.webhookId === webhookId && state.status === WebhookStatus.Published) {
      done({ status: 'already_published' });
      continue;
    }
    const same = byWebhook.get(webhookId + (message.replayed ? '#replay' : ''));
    if (same) {
      same.records.push(record);
      continue;
    }
    // Same dedupe key means the same body bytes, so the stored body is this webhook's body.
    const rawBody = message.rawBody ?? state?.rawBody;
    if (rawBody === undefined) {
      results.set(
        record.id,
        new QueueMessageError(`no body for webhook ${webhookId}: not in the message nor the table`),
      );
      continue;
    }
    let payload: unknown;
    try {
      // Parsed exactly as ingest parsed it: a leading byte order mark is not part of the JSON.
      payload = JSON.parse(rawBody.charCodeAt(0) === 0xfeff ? rawBody.slice(1) : rawBody);
    } catch (error) {
      results.set(
        record.id,
        new QueueMessageError(`stored body of ${webhookId} is not JSON`, { cause: error }),
      );
      continue;
    }
    const classification =
      payload !== null && typeof payload === 'object' && !Array.isArray(payload)
        ? CLASSIFIERS[provider](payload as Record<string, unknown>)
        : { kind: 'invalid' as const, detailType: 'UNRECOGNISED', issues: ['(root): expected an object'] };
    if (classification.kind === 'invalid') {
      // The body passed at ingest but not now (a schema changed): keep it for requeue-quarantined.
      quarantines.push(
        deps.store.markQuarantined(dedupeKey, webhookId, classification.issues).then(
          () => void done({ status: 'quarantined', detailType: classification.detailType }),
          (error: unknown) => void results.set(record.id, error as Error),
        ),
      );
      continue;
    }
    const metadata: EventMetadata = {
      webhookId,
      provider,
      receivedAt: message.receivedAt,
      dedupeKey,
      schemaVersion: SCHEMA_VERSION,
      replayed: message.replayed ?? false,
    };
    byWebhook.set(webhookId + (message.replayed ? '#replay' : ''), {
      records: [record],
      message,
      entry: {
        source: EVENT_SOURCES[provider],
        detailType: classification.detailType,
        // The payload as received: parsed from the raw body, never the schema's output.
        detail: JSON.stringify({ metadata, data: payload }),
        time: message.receivedAt,
      },
    });
  }
  await Promise.all(quarantines);

  const prepared = [...byWebhook.values()];
  const published = prepared.length ? await deps.publisher.publish(prepared.map((p) => p.entry)) : [];
  const publishedAt = new Date(deps.now()).toISOString();
  await Promise.all(
    prepared.map(async ({ records: group, message, entry }, i) => {
      const result = published[i];
      if (!result?.ok) {
        const error = new EventPublishError(
          `PutEvents failed for ${message.webhookId}: ${result?.errorCode ?? 'no result'} ${result?.errorMessage ?? ''}`.trim(),
        );
        for (const r of group) results.set(r.id, error);
        return;
      }
      try {
        await deps.store.markPublished(message.dedupeKey, message.webhookId, publishedAt);
      } catch (error) {
        deps.onMarkError?.(message.webhookId, error);
      }
      for (const r of group) {
        results.set(r.id, {
          status: 'published',
          webhookId: message.webhookId,
          provider: message.provider,
          detailType: entry.detailType,
        });
      }
    }),
  );
  return results;
};
