import { EVENT_SOURCES, type EventMetadata, SCHEMA_VERSION } from '../events/envelope.js';
import { CATALOGUE_VERSION } from '../providers/catalogue-version.js';
import { CLASSIFIERS } from '../providers/classifiers.js';
import { UNRECOGNISED_DETAIL_TYPE } from '../providers/provider.js';
import { EventPublishError, QueueMessageError } from '../shared/errors.js';
import { type QueueMessage, QueueMessageSchema } from '../shared/queue-message-schema.js';
import {
  type EventEntry,
  type EventPublisher,
  type RouterStore,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
} from '../shared/webhook-record.js';
import { awaitRecords } from './await-record.js';
import { buildEventDetail, withoutBom } from './event-detail.js';

/** One SQS record, reduced to what the core needs. */
export interface RouterRecord {
  readonly id: string;
  readonly body: string;
  /** SQS `ApproximateReceiveCount`: 1 on the first receive. */
  readonly receiveCount: number;
}

/** What became of a record that did not fail. */
export interface RecordOutcome {
  /**
   * `published`: its event is on the bus; `already_published`: another delivery of the same
   * webhook published it (a lost claim); `duplicate`: the message of a delivery that ingest found
   * already stored under another webhookId; `dropped`: a message without a body whose record never
   * landed (its delivery was answered 503, so the provider retries); `quarantined`: the body no
   * longer passes its schema.
   */
  readonly status: 'published' | 'already_published' | 'duplicate' | 'dropped' | 'quarantined';
  readonly webhookId: string;
  readonly provider: QueueMessage['provider'];
  readonly detailType?: string;
  /** The router stored the record itself (ingest's write never landed). */
  readonly adopted?: boolean;
}

/** Tunables of the router (docs/storage-layout.md). */
export interface RouterSettings {
  /** The queue's `maxReceiveCount`: a record failing on that receive is marked `failed`. */
  readonly maxReceiveCount: number;
  /** Ingest's dedupe window, to tell a replaced record from a write that never landed. */
  readonly dedupeWindowSeconds: number;
  /** How long ingest may take between its send and its write (above its function timeout). */
  readonly ingestBudgetSeconds: number;
  /** Retention of an adopted record (TTL). */
  readonly retentionDays: number;
}

/** Dedupe window of an adopted record: the provider got no 2xx and retries for up to a day. */
export const ADOPTED_DEDUPE_SECONDS = 86_400;

/** Default settings, as the function configuration defaults them. */
export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  maxReceiveCount: 5,
  dedupeWindowSeconds: 600,
  ingestBudgetSeconds: 10,
  retentionDays: 30,
};

/** Collaborators of {@link routeWebhooks}. */
export interface RouterDeps {
  readonly store: RouterStore;
  readonly publisher: EventPublisher;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly settings?: RouterSettings;
  /** Waits (injectable so tests need not wait for the ingest budget). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called for each record marked `failed` on its last receive (counted as WebhooksFailed). */
  readonly onFailed?: (failed: {
    webhookId: string;
    provider: QueueMessage['provider'];
    reason: string;
  }) => void;
  /** Called when marking a record failed did not work (its message still goes to the DLQ). */
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

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Parsed {
  readonly record: RouterRecord;
  readonly message: QueueMessage;
}

/** What to do with a message, decided from the stored record (the table of docs/storage-layout.md). */
type Plan =
  | { readonly kind: 'publish'; readonly claim: boolean; readonly rawBody: string }
  | { readonly kind: 'adopt'; readonly rawBody: string }
  | { readonly kind: 'skip'; readonly status: 'duplicate' | 'dropped' };

/** Where a body goes: its detail-type, and the issues when it no longer passes its schema. */
interface Placement {
  readonly detailType: string;
  readonly issues?: readonly string[];
}

/**
 * Places a body in the catalogue. Ingest's classification, carried in its message, is taken as it
 * is when it was made by this very classification code (the same catalogue version): the answer
 * would be the same, and the body was parsed and checked at ingest. Every other message (from an
 * ingest of another version, or sent by `requeue` or `replay`, which carry none) has its body
 * parsed and classified here, so a body that no longer passes its schema is quarantined.
 */
const placeBody = (message: QueueMessage, rawBody: string): Placement | Error => {
  if (message.detailType !== undefined && message.catalogue === CATALOGUE_VERSION)
    return { detailType: message.detailType };
  let payload: unknown;
  try {
    payload = JSON.parse(withoutBom(rawBody));
  } catch (error) {
    return new QueueMessageError(`body of ${message.webhookId} is not JSON`, { cause: error });
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { detailType: UNRECOGNISED_DETAIL_TYPE, issues: ['(root): expected an object'] };
  const classification = CLASSIFIERS[message.provider](payload as Record<string, unknown>);
  return classification.kind === 'invalid'
    ? { detailType: classification.detailType, issues: classification.issues }
    : { detailType: classification.detailType };
};

interface Prepared {
  readonly records: RouterRecord[];
  readonly message: QueueMessage;
  readonly entry: EventEntry;
  readonly claim: boolean;
  readonly adopt?: WebhookRecord;
}

/**
 * The router (docs/storage-layout.md). One BatchGetItem reads the stored state of the batch; a
 * first receive of a webhook whose record is its own is published with no write; a redelivered or
 * requeued one is claimed first (a conditional write); a duplicate delivery's message is dropped;
 * a message whose record never landed is adopted (stored by the router) once its ingest budget has
 * passed. Bodies are placed in the catalogue ({@link placeBody}) and spliced into the event unchanged.
 * A record that still fails on its last receive is marked `failed` before SQS moves it to the DLQ.
 * Failures are per record; nothing throws for the whole batch.
 */
export const routeWebhooks = async (
  records: readonly RouterRecord[],
  deps: RouterDeps,
): Promise<RouteResults> => {
  const settings = deps.settings ?? DEFAULT_ROUTER_SETTINGS;
  const sleep = deps.sleep ?? defaultSleep;
  const results: RouteResults = new Map();
  const parsed: Parsed[] = [];
  for (const record of records) {
    try {
      parsed.push({ record, message: parseMessage(record.body) });
    } catch (error) {
      results.set(record.id, error as Error);
    }
  }

  const withBody = parsed.some((m) => m.message.rawBody === undefined);
  let states: Map<string, StoredState>;
  try {
    states = await deps.store.getStates(
      parsed.map((m) => m.message.dedupeKey),
      withBody,
    );
    // A message may be ahead of its record (ingest sends first): wait for those, read together.
    const missing = new Map<string, number>();
    for (const { message } of parsed) {
      if (states.has(message.dedupeKey)) continue;
      const deadline = Date.parse(message.receivedAt) + settings.ingestBudgetSeconds * 1000;
      missing.set(message.dedupeKey, Math.max(missing.get(message.dedupeKey) ?? 0, deadline));
    }
    if (missing.size > 0) {
      const late = await awaitRecords(
        [...missing].map(([dedupeKey, deadlineMs]) => ({ dedupeKey, deadlineMs })),
        withBody,
        { store: deps.store, now: deps.now, sleep },
      );
      for (const [key, state] of late) states.set(key, state);
    }
  } catch (error) {
    for (const { record } of parsed) results.set(record.id, error as Error);
    return results;
  }

  const plan = ({ record, message }: Parsed, state: StoredState | undefined): Plan => {
    const body = message.rawBody ?? state?.rawBody;
    if (message.replayed) {
      if (body === undefined)
        throw new QueueMessageError(`no body for replayed webhook ${message.webhookId}`);
      return { kind: 'publish', claim: false, rawBody: body };
    }
    if (!state) {
      // Never stored and no body to store: the delivery was answered 503 and the provider retries.
      if (message.rawBody === undefined) return { kind: 'skip', status: 'dropped' };
      return { kind: 'adopt', rawBody: message.rawBody };
    }
    // Same dedupe key means the same body bytes, so the stored body is this webhook's body.
    if (body === undefined) throw new QueueMessageError(`no body for webhook ${message.webhookId}`);
    if (state.webhookId === message.webhookId) {
      const claim =
        record.receiveCount > 1 || message.requeued === true || state.status !== WebhookStatus.Received;
      return { kind: 'publish', claim, rawBody: body };
    }
    // Another webhook holds the key. Its record replaced this one's only if it came after this
    // one's window; within the window this message's own write never landed and the stored record
    // is the provider's retry of it (published by its own message).
    const replaced =
      Date.parse(state.receivedAt) > Date.parse(message.receivedAt) + settings.dedupeWindowSeconds * 1000;
    return replaced
      ? { kind: 'publish', claim: false, rawBody: body }
      : { kind: 'skip', status: 'duplicate' };
  };

  const byWebhook = new Map<string, Prepared>();
  const quarantines: Promise<void>[] = [];
  for (const item of parsed) {
    const { record, message } = item;
    const { webhookId, provider, dedupeKey } = message;
    const groupKey = webhookId + (message.replayed ? '#replay' : '');
    const same = byWebhook.get(groupKey);
    if (same) {
      same.records.push(record);
      continue;
    }
    let decision: Plan;
    try {
      decision = plan(item, states.get(dedupeKey));
    } catch (error) {
      results.set(record.id, error as Error);
      continue;
    }
    if (decision.kind === 'skip') {
      results.set(record.id, { webhookId, provider, status: decision.status });
      continue;
    }
    const placement = placeBody(message, decision.rawBody);
    if (placement instanceof Error) {
      results.set(record.id, placement);
      continue;
    }
    const adopt =
      decision.kind === 'adopt' ? adoptedRecord(message, decision.rawBody, placement, settings) : undefined;
    const { detailType, issues } = placement;
    if (issues !== undefined) {
      // The body passed at ingest but not now (a schema changed): keep it for requeue-quarantined.
      const write = adopt
        ? deps.store.adopt(adopt).then(() => true)
        : deps.store.markQuarantined(dedupeKey, webhookId, issues);
      quarantines.push(
        write.then(
          () => void results.set(record.id, { webhookId, provider, status: 'quarantined', detailType }),
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
    byWebhook.set(groupKey, {
      records: [record],
      message,
      claim: decision.kind === 'publish' && decision.claim,
      ...(adopt ? { adopt } : {}),
      entry: {
        source: EVENT_SOURCES[provider],
        detailType,
        detail: buildEventDetail(metadata, decision.rawBody),
        time: message.receivedAt,
      },
    });
  }
  if (quarantines.length > 0) await Promise.all(quarantines);

  // The writes of the exceptions (claims and adoptions) before the publish; the happy path has none.
  const publishedAt = new Date(deps.now()).toISOString();
  const toPublish: Prepared[] = [];
  const adopted = new Set<Prepared>();
  const exceptions: Prepared[] = [];
  for (const prepared of byWebhook.values()) {
    if (prepared.adopt || prepared.claim) exceptions.push(prepared);
    else toPublish.push(prepared);
  }
  await Promise.all(
    exceptions.map(async (prepared) => {
      const { message, records: group } = prepared;
      const settle = (outcome: RecordOutcome | Error) => {
        for (const r of group) results.set(r.id, outcome);
      };
      try {
        if (prepared.adopt) {
          const put = await deps.store.adopt(prepared.adopt);
          if (put.outcome === 'exists') {
            // Ingest's write landed after all: decide again from what it stored.
            const state = (await deps.store.getStates([message.dedupeKey], false, true)).get(
              message.dedupeKey,
            );
            if (state?.webhookId !== message.webhookId) {
              settle({ status: 'duplicate', webhookId: message.webhookId, provider: message.provider });
              return;
            }
          } else {
            adopted.add(prepared);
          }
        } else if (prepared.claim) {
          const first = group[0] as RouterRecord;
          if (!(await deps.store.claim(message.dedupeKey, message.webhookId, first.id, publishedAt))) {
            settle({ status: 'already_published', webhookId: message.webhookId, provider: message.provider });
            return;
          }
        }
        toPublish.push(prepared);
      } catch (error) {
        settle(error as Error);
      }
    }),
  );

  const published = toPublish.length ? await deps.publisher.publish(toPublish.map((p) => p.entry)) : [];
  toPublish.forEach((prepared, i) => {
    const { records: group, message, entry } = prepared;
    const result = published[i];
    const outcome: RecordOutcome | Error = result?.ok
      ? {
          status: 'published',
          webhookId: message.webhookId,
          provider: message.provider,
          detailType: entry.detailType,
          ...(adopted.has(prepared) ? { adopted: true } : {}),
        }
      : new EventPublishError(
          `PutEvents failed for ${message.webhookId}: ${result?.errorCode ?? 'no result'} ${result?.errorMessage ?? ''}`.trim(),
        );
    for (const r of group) results.set(r.id, outcome);
  });

  await markLastFailures(parsed, results, settings, deps);
  return results;
};

/** The record the router stores for a message whose ingest write never landed. */
const adoptedRecord = (
  message: QueueMessage,
  rawBody: string,
  { detailType, issues }: Placement,
  settings: RouterSettings,
): WebhookRecord => {
  const receivedSeconds = Math.floor(Date.parse(message.receivedAt) / 1000);
  return {
    dedupeKey: message.dedupeKey,
    webhookId: message.webhookId,
    provider: message.provider,
    detailType,
    status: issues !== undefined ? WebhookStatus.Quarantined : WebhookStatus.Received,
    receivedAt: message.receivedAt,
    rawBody,
    deliveries: 1,
    expiresAt: receivedSeconds + settings.retentionDays * 86_400,
    dedupeUntil: receivedSeconds + ADOPTED_DEDUPE_SECONDS,
    ...(issues !== undefined ? { issues } : {}),
  };
};

/** Marks `failed` the records that fail on their last receive, before SQS moves them to the DLQ. */
const markLastFailures = async (
  parsed: readonly Parsed[],
  results: RouteResults,
  settings: RouterSettings,
  deps: RouterDeps,
) => {
  const last = parsed.filter(
    ({ record, message }) =>
      results.get(record.id) instanceof Error &&
      record.receiveCount >= settings.maxReceiveCount &&
      !message.replayed,
  );
  if (last.length === 0) return;
  await Promise.all(
    last.map(async ({ record, message }) => {
      const result = results.get(record.id) as Error;
      const reason = `${result.name}: ${result.message}`;
      try {
        if (await deps.store.markFailed(message.dedupeKey, message.webhookId, record.id, reason)) {
          deps.onFailed?.({ webhookId: message.webhookId, provider: message.provider, reason });
        }
      } catch (error) {
        deps.onMarkError?.(message.webhookId, error);
      }
    }),
  );
};
