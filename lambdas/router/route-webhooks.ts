import type { EventMetadata } from '@webhook-pipeline/events/envelope';
import { EVENT_SOURCES, SCHEMA_VERSION } from '@webhook-pipeline/events/sources';
import { UNRECOGNISED_DETAIL_TYPE } from '../providers/provider.js';
import {
  ClaimHeldError,
  EventPublishError,
  QueueMessageError,
  RouterDeadlineError,
} from '../shared/errors.js';
import { type QueueMessage, QueueMessageSchema } from '../shared/queue-message-schema.js';
import {
  type EventEntry,
  type EventPublisher,
  type RouterStore,
  type StoredState,
  WebhookStatus,
} from '../shared/webhook-record.js';
import { awaitRecords } from './await-record.js';
import { buildEventDetail } from './event-detail.js';
import { markLastFailures, type ParsedRecord } from './mark-last-failures.js';
import { placeBody } from './place-body.js';
import {
  adoptedRecord,
  awaitsOwnRecord,
  claimsStaleBefore,
  DEFAULT_ROUTER_SETTINGS,
  type Plan,
  planMessage,
  type RouterSettings,
} from './plan-message.js';

export { DEFAULT_ROUTER_SETTINGS, type RouterSettings } from './plan-message.js';

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
   * `published`: its event is on the bus; `already_published`: another message of the same
   * webhook holds its claim (it publishes, or is marked failed); `duplicate`: the message of a
   * delivery that ingest found already stored under another webhookId; `dropped`: a message without
   * a body whose record never landed (its delivery was answered 503, so the provider retries);
   * `quarantined`: the body no longer passes its schema.
   */
  readonly status: 'published' | 'already_published' | 'duplicate' | 'dropped' | 'quarantined';
  readonly webhookId: string;
  readonly provider: QueueMessage['provider'];
  readonly detailType?: string;
  /** The router stored the record itself (ingest's write never landed). */
  readonly adopted?: boolean;
}

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
  /** Called when confirming a claim after its event was put did not work (the claim lapses instead). */
  readonly onConfirmError?: (webhookId: string, error: unknown) => void;
}

/** Per invocation. */
export interface RouteOptions {
  /**
   * When the batch's work must stop (ms since the epoch), leaving time to mark the records failing
   * on their last receive before the function times out. What is not done by then fails with a
   * {@link RouterDeadlineError}; its late result is ignored (every router write is conditional).
   */
  readonly deadlineMs?: number;
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

/** `work`, or a {@link RouterDeadlineError} once `deadlineMs` has passed (no timer without a deadline). */
const beforeDeadline = <T>(work: Promise<T>, deadlineMs: number, now: number, phase: string): Promise<T> =>
  Number.isFinite(deadlineMs)
    ? new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new RouterDeadlineError(phase)), Math.max(0, deadlineMs - now));
        work.then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      })
    : work;

/** The messages of one webhook in the batch, routed as one: one claim, one event. */
interface Group {
  readonly records: ParsedRecord[];
  readonly plan: Exclude<Plan, { kind: 'skip' }>;
  readonly entry: EventEntry;
}

/**
 * The router (docs/storage-layout.md). One BatchGetItem reads the stored state of the batch; a
 * message still ahead of its own record (nothing stored yet, or an expired record of the same body
 * that its ingest write replaces) is read again, strongly consistent, until the record is there or
 * its ingest budget has passed. Then, from the state: a first receive of a webhook whose record is
 * its own is published with no write; a redelivered or requeued one is claimed first (with each
 * message id of the webhook in the batch until one holds); a duplicate delivery's message is
 * dropped; a message whose record never landed is adopted (stored by the router). Bodies are placed
 * in the catalogue ({@link placeBody}) and spliced into the event unchanged. A record that still
 * fails on its last receive is marked `failed` before SQS moves it to the DLQ. Failures are per
 * record; nothing throws for the whole batch.
 */
export const routeWebhooks = async (
  records: readonly RouterRecord[],
  deps: RouterDeps,
  options: RouteOptions = {},
): Promise<RouteResults> => {
  const settings = deps.settings ?? DEFAULT_ROUTER_SETTINGS;
  const sleep = deps.sleep ?? defaultSleep;
  const deadlineMs = options.deadlineMs ?? Number.POSITIVE_INFINITY;
  const within = <T>(phase: string, work: Promise<T>) => beforeDeadline(work, deadlineMs, deps.now(), phase);
  const results: RouteResults = new Map();
  const parsed: ParsedRecord[] = [];
  for (const record of records) {
    try {
      parsed.push({ id: record.id, receiveCount: record.receiveCount, message: parseMessage(record.body) });
    } catch (error) {
      results.set(record.id, error as Error);
    }
  }

  try {
    const states = await readStates(parsed, deps, settings, sleep, deadlineMs, within);
    await routeParsed(parsed, states, results, deps, settings, within);
  } catch (error) {
    for (const { id } of parsed) if (!results.has(id)) results.set(id, error as Error);
  }

  const errors = new Map<string, Error>();
  for (const [id, result] of results) if (result instanceof Error) errors.set(id, result);
  if (errors.size > 0)
    await markLastFailures(parsed, errors, {
      store: deps.store,
      maxReceiveCount: settings.maxReceiveCount,
      staleBefore: claimsStaleBefore(deps.now(), settings),
      failedRecord: (message, failure) =>
        message.rawBody === undefined
          ? undefined
          : {
              ...adoptedRecord(
                message,
                message.rawBody,
                { detailType: message.detailType ?? UNRECOGNISED_DETAIL_TYPE },
                settings,
              ),
              status: WebhookStatus.Failed,
              failure,
            },
      ...(deps.onFailed ? { onFailed: deps.onFailed } : {}),
      ...(deps.onMarkError ? { onMarkError: deps.onMarkError } : {}),
    });
  return results;
};

type Within = <T>(phase: string, work: Promise<T>) => Promise<T>;

/** The stored state of every message's key, after waiting for the records messages are ahead of. */
const readStates = async (
  parsed: readonly ParsedRecord[],
  deps: RouterDeps,
  settings: RouterSettings,
  sleep: (ms: number) => Promise<void>,
  deadlineMs: number,
  within: Within,
): Promise<Map<string, StoredState>> => {
  const withBody = parsed.some((p) => p.message.rawBody === undefined);
  const states = await within(
    'reading the table',
    deps.store.getStates(
      parsed.map((p) => p.message.dedupeKey),
      withBody,
    ),
  );
  const awaited = parsed
    .filter(({ message }) => awaitsOwnRecord(message, states.get(message.dedupeKey)))
    .map(({ message }) => ({
      dedupeKey: message.dedupeKey,
      deadlineMs: Math.min(Date.parse(message.receivedAt) + settings.ingestBudgetSeconds * 1000, deadlineMs),
      settled: (state: StoredState | undefined) => !awaitsOwnRecord(message, state),
    }));
  if (awaited.length > 0) {
    const latest = await within(
      'waiting for records',
      awaitRecords(awaited, withBody, { store: deps.store, now: deps.now, sleep }),
    );
    for (const [key, state] of latest) {
      if (state) states.set(key, state);
      else states.delete(key);
    }
  }
  return states;
};

/** Plans, writes the exceptions (claims, adoptions, quarantines), publishes, and records each outcome. */
const routeParsed = async (
  parsed: readonly ParsedRecord[],
  states: ReadonlyMap<string, StoredState>,
  results: RouteResults,
  deps: RouterDeps,
  settings: RouterSettings,
  within: Within,
): Promise<void> => {
  const groups = new Map<string, Group>();
  const quarantines: Promise<void>[] = [];
  for (const item of parsed) {
    const { id, message } = item;
    const { webhookId, provider, dedupeKey } = message;
    const groupKey = webhookId + (message.replayed ? '#replay' : '');
    const same = groups.get(groupKey);
    if (same) {
      same.records.push(item);
      continue;
    }
    const plan = planMessage(message, item.receiveCount, states.get(dedupeKey));
    if (plan instanceof Error) {
      results.set(id, new QueueMessageError(plan.message));
      continue;
    }
    if (plan.kind === 'skip') {
      results.set(id, { webhookId, provider, status: plan.status });
      continue;
    }
    const placement = placeBody(message, plan.rawBody);
    const { detailType, issues } = placement;
    if (issues !== undefined) {
      // The body passed at ingest but not now (a schema changed): keep it for requeue-quarantined.
      quarantines.push(
        within('quarantining', quarantine(message, plan, placement, deps.store, settings)).then(
          (status) => void results.set(id, { webhookId, provider, status, detailType }),
          (error: unknown) => void results.set(id, error as Error),
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
    groups.set(groupKey, {
      records: [item],
      plan,
      entry: {
        source: EVENT_SOURCES[provider],
        detailType,
        detail: buildEventDetail(metadata, plan.rawBody),
        time: message.receivedAt,
      },
    });
  }
  if (quarantines.length > 0) await Promise.all(quarantines);

  // The writes of the exceptions (claims and adoptions) before the publish; the happy path has none.
  const claimedAt = new Date(deps.now()).toISOString();
  const toPublish: Group[] = [];
  const decisions = new Map<Group, Extract<Decision, { kind: 'publish' }>>();
  const settle = (group: Group, outcome: RecordOutcome | Error) => {
    for (const r of group.records) results.set(r.id, outcome);
  };
  await Promise.all(
    [...groups.values()].map(async (group) => {
      if (group.plan.kind === 'publish' && !group.plan.claim) {
        toPublish.push(group);
        return;
      }
      try {
        const decided = await within('claiming', decideException(group, deps, settings, claimedAt));
        if (decided.kind === 'publish') {
          decisions.set(group, decided);
          toPublish.push(group);
        } else {
          const { webhookId, provider } = (group.records[0] as ParsedRecord).message;
          settle(group, { status: decided.status, webhookId, provider });
        }
      } catch (error) {
        settle(group, error as Error);
      }
    }),
  );

  if (toPublish.length === 0) return;
  let published: Awaited<ReturnType<EventPublisher['publish']>>;
  try {
    published = await within('publishing', deps.publisher.publish(toPublish.map((g) => g.entry)));
  } catch (error) {
    for (const group of toPublish) settle(group, error as Error);
    return;
  }
  const publishedAt = new Date(deps.now()).toISOString();
  const confirms: Promise<void>[] = [];
  toPublish.forEach((group, i) => {
    const { message } = group.records[0] as ParsedRecord;
    const result = published[i];
    const decision = decisions.get(group);
    if (result?.ok && decision?.claimId !== undefined) {
      // The event is out: a failed confirmation leaves the claim to lapse (a later message may
      // then publish the webhook once more, never lose it).
      confirms.push(
        deps.store.confirm(message.dedupeKey, message.webhookId, decision.claimId, publishedAt).then(
          () => undefined,
          (error: unknown) => deps.onConfirmError?.(message.webhookId, error),
        ),
      );
    }
    settle(
      group,
      result?.ok
        ? {
            status: 'published',
            webhookId: message.webhookId,
            provider: message.provider,
            detailType: group.entry.detailType,
            ...(decision?.adopted ? { adopted: true } : {}),
          }
        : new EventPublishError(
            `PutEvents failed for ${message.webhookId}: ${result?.errorCode ?? 'no result'} ${result?.errorMessage ?? ''}`.trim(),
          ),
    );
  });
  if (confirms.length > 0) await within('confirming claims', Promise.all(confirms)).catch(() => undefined);
};

/** What the exception writes decided for a group: publish (with the claim to confirm after), or not. */
type Decision =
  | { readonly kind: 'publish'; readonly adopted?: boolean; readonly claimId?: string }
  | { readonly kind: 'skip'; readonly status: 'already_published' | 'duplicate' | 'dropped' };

/**
 * The conditional write before a group's publish: an adoption, or a claim tried with each message
 * id of the webhook in the batch until one holds (a message that claimed earlier and whose publish
 * failed must win back its own claim, whichever message of the group comes first). When no claim
 * holds, the record is read again: published (confirmed) means the event is out; a claim another
 * message still holds fails the group for now (SQS retries it; once the claim is confirmed the
 * retry finds it published, once it lapses the retry takes it over). An adoption that finds a
 * record after all decides again from it.
 */
const decideException = async (
  group: Group,
  deps: RouterDeps,
  settings: RouterSettings,
  claimedAt: string,
): Promise<Decision> => {
  const head = group.records[0] as ParsedRecord;
  const { message } = head;
  const reread = async () =>
    (await deps.store.getStates([message.dedupeKey], false, true)).get(message.dedupeKey);
  let plan: Plan | Error = group.plan;
  if (plan.kind === 'adopt') {
    const record = adoptedRecord(message, plan.rawBody, { detailType: group.entry.detailType }, settings);
    if ((await deps.store.adopt(record)).outcome === 'created') return { kind: 'publish', adopted: true };
    // Ingest's write (or another adoption) landed first: decide again from what is stored now.
    plan = planMessage(message, head.receiveCount, await reread());
    if (plan instanceof Error) throw new QueueMessageError(plan.message);
    if (plan.kind === 'skip') return plan;
    if (plan.kind === 'adopt')
      throw new QueueMessageError(`the record of ${message.webhookId} changed while it was adopted`);
    if (!plan.claim) return { kind: 'publish' };
  }
  const staleBefore = claimsStaleBefore(deps.now(), settings);
  for (const { id } of group.records) {
    if (await deps.store.claim(message.dedupeKey, message.webhookId, id, claimedAt, staleBefore))
      return { kind: 'publish', claimId: id };
  }
  const state = await reread();
  if (state?.webhookId === message.webhookId) {
    if (state.status === WebhookStatus.Published) return { kind: 'skip', status: 'already_published' };
    throw new ClaimHeldError(message.webhookId);
  }
  // Another webhook's record now (a later identical body after the window): decide from it.
  plan = planMessage(message, head.receiveCount, state);
  if (plan instanceof Error) throw new QueueMessageError(plan.message);
  if (plan.kind === 'skip') return plan;
  if (plan.kind === 'publish' && !plan.claim) return { kind: 'publish' };
  throw new QueueMessageError(`the record of ${message.webhookId} changed while it was claimed`);
};

/** Stores a body that may not be published as quarantined: its own record, or an adopted one. */
const quarantine = async (
  message: QueueMessage,
  plan: Exclude<Plan, { kind: 'skip' }>,
  placement: { detailType: string; issues?: readonly string[] },
  store: RouterStore,
  settings: RouterSettings,
): Promise<'quarantined' | 'duplicate'> => {
  const issues = placement.issues ?? [];
  if (plan.kind === 'adopt') {
    const put = await store.adopt(adoptedRecord(message, plan.rawBody, placement, settings));
    if (put.outcome === 'created') return 'quarantined';
  }
  // Only while the record is still this webhook's.
  if (await store.markQuarantined(message.dedupeKey, message.webhookId, issues)) return 'quarantined';
  // Another webhook's record: a message that was to be published (its record was replaced by a
  // later identical body) has nowhere to be kept, so it fails and reaches the DLQ, where the alarm
  // finds it and `redrive-dlq` brings it back once the catalogue takes it; a duplicate's is dropped.
  if (plan.kind === 'publish')
    throw new QueueMessageError(
      `the body of ${message.webhookId} fails its schema and its record was replaced: kept in the DLQ`,
    );
  return 'duplicate';
};
