import { hash } from 'node:crypto';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { Scheduler } from 'fast-check';
import { type IngestDeps, ingestWebhook } from '../../../lambdas/ingest/ingest-webhook.js';
import { createProviders, type ProviderRegistry } from '../../../lambdas/providers/index.js';
import { type RouterSettings, routeWebhooks } from '../../../lambdas/router/route-webhooks.js';
import { buildQueueMessage, escapeForSqs } from '../../../lambdas/shared/queue-message.js';
import { QueueMessageSchema } from '../../../lambdas/shared/queue-message-schema.js';
import { type EventPublisher, WebhookStatus } from '../../../lambdas/shared/webhook-record.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../../local/signing.js';
import { inMemoryKeyCache } from '../../helpers/plaid.js';
import { SimQueue, VISIBILITY_TIMEOUT_MS } from './sim-queue.js';
import { SimTable } from './sim-table.js';
import { type FaultRates, SimWorld } from './sim-world.js';

/** The bodies deliveries are drawn from: the same bytes recur, as Plaid's SYNC_UPDATES_AVAILABLE does. */
const sample = (event: string): string =>
  JSON.stringify(DETAIL_TYPES.find((d) => d.detailType === event)?.entry.sample);

export const BODIES: readonly Buffer[] = [
  sample('accounts.updated'),
  sample('items.removed'),
  sample('paystubs.added'),
  // A code the catalogue does not have: accepted and published under its own name.
  '{"event":"things.happened","name":"New","data":{"thing":"t_1"}}',
  // Fails its schema: quarantined at ingest, never queued, never owed an event (QUARANTINED_BODY).
  '{"event":"accounts.updated","name":"Account updated","data":{"account":42}}',
].map((s) => Buffer.from(s));

/** The body of {@link BODIES} that fails its schema. */
export const QUARANTINED_BODY = 4;

/** Ingest's handler budget, the router's wait for a record, and the window, as deployed. */
export const INGEST_BUDGET_MS = 6000;
export const DEDUPE_WINDOW_SECONDS = 600;
/** Twice the router's 30 s timeout, as the stack sets it. */
export const CLAIM_LEASE_SECONDS = 60;
const SECRET = 'whsec_model';

/**
 * The providers, made once: Argyle's real HMAC verification and catalogue (Plaid is not delivered).
 * {@link warmUp} loads the catalogue first, so no run waits on a module load the scheduler cannot see.
 */
export const MODEL_PROVIDERS: ProviderRegistry = createProviders({
  plaid: { keys: inMemoryKeyCache([generatePlaidSigningKey().jwk], Date.now).cache, now: Date.now },
  argyle: { secrets: async () => [SECRET] },
});

/** Loads the Argyle catalogue (verification awaits it once) before any run. */
export const warmUp = async (): Promise<void> => {
  const body = BODIES[0] as Buffer;
  await MODEL_PROVIDERS.argyle.verify({
    headers: { 'x-argyle-signature': signArgyleBody(body, SECRET) },
    body,
    bodySha256: hash('sha256', body, 'hex'),
  });
};

/** One step of a generated run. */
export type Action =
  | { readonly kind: 'deliver'; readonly body: number }
  | { readonly kind: 'retry' }
  | { readonly kind: 'batch'; readonly size: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'redrive' }
  | { readonly kind: 'requeue' }
  | { readonly kind: 'answer'; readonly calls: number };

/** What the provider was told about one delivery. */
export interface Answer {
  readonly delivery: number;
  readonly body: number;
  readonly status: 'accepted' | 'duplicate' | 'quarantined' | 'unavailable';
  readonly webhookId?: string;
}

/** What a run checks at the end. */
export interface RunResult {
  readonly answers: readonly Answer[];
  readonly published: ReadonlyMap<string, number>;
  readonly problems: readonly string[];
  readonly trace: readonly string[];
  readonly deliveries: number;
  readonly messages: number;
}

/**
 * The ingest and router cores, run together on the model's table, queue and bus, in an order the
 * scheduler picks. A run plays the generated actions (deliveries of recurring bodies, provider
 * retries of 503s, router batches, the clock moving, operators' `redrive-dlq` and `requeue`) with the
 * faults on; then heals every fault, keeps retrying, routing and recovering as a provider and an
 * operator would until nothing is left, and checks the promise: every delivery answered `accepted`
 * is published at least once, and a delivery answered `duplicate` names a published webhookId.
 */
export class PipelineModel {
  public readonly world: SimWorld;
  private readonly table: SimTable;
  private readonly queue: SimQueue;
  private readonly published = new Map<string, number>();
  private readonly answers: Answer[] = [];
  private readonly pending: { delivery: number; body: number }[] = [];
  private readonly running: Promise<void>[] = [];
  private readonly problems: string[] = [];
  private deliveries = 0;
  private nextId = 0;
  private readonly ingestDeps: IngestDeps;
  private readonly settings: RouterSettings;

  public constructor(
    scheduler: Scheduler,
    rates: FaultRates,
    seed: number,
    providers: ProviderRegistry = MODEL_PROVIDERS,
    maxReceiveCount = 3,
  ) {
    this.world = new SimWorld(scheduler, rates, seed);
    this.table = new SimTable(this.world);
    this.queue = new SimQueue(this.world, maxReceiveCount);
    const now = () => this.world.clock;
    this.ingestDeps = {
      providers,
      store: this.table,
      queue: this.queue,
      now,
      newId: () => `wh-${++this.nextId}`,
      settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: DEDUPE_WINDOW_SECONDS, retentionDays: 30 },
    };
    this.settings = {
      maxReceiveCount,
      dedupeWindowSeconds: DEDUPE_WINDOW_SECONDS,
      ingestBudgetSeconds: 10,
      retentionDays: 30,
      claimLeaseSeconds: CLAIM_LEASE_SECONDS,
    };
  }

  private readonly publisher: EventPublisher = {
    publish: async (entries) => {
      await this.world.step('PutEvents');
      if (this.world.chance('publishCallFails')) throw new Error('PutEvents: unavailable');
      return entries.map((entry) => {
        if (this.world.chance('publishFails'))
          return { ok: false as const, errorCode: 'InternalFailure', errorMessage: 'entry failed' };
        const webhookId = (JSON.parse(entry.detail) as { metadata: { webhookId: string } }).metadata
          .webhookId;
        this.published.set(webhookId, (this.published.get(webhookId) ?? 0) + 1);
        this.world.log(`published ${webhookId}`);
        return { ok: true as const, eventId: `ev-${webhookId}` };
      });
    },
  };

  /** A delivery of a body, signed now, through ingest with the handler's budget. */
  private deliver(body: number): void {
    const delivery = ++this.deliveries;
    const bytes = BODIES[body] as Buffer;
    const { signal, done } = this.world.startBudget(INGEST_BUDGET_MS);
    this.world.log(`delivery ${delivery} of body ${body}`);
    const work = ingestWebhook(
      {
        provider: 'argyle',
        headers: { 'x-argyle-signature': signArgyleBody(bytes, SECRET) },
        body: bytes,
      },
      this.ingestDeps,
      signal,
    ).then(
      (outcome) => {
        done();
        // The handler has already answered 503 when its budget ran out first.
        if (signal.aborted) return this.answer({ delivery, body, status: 'unavailable' });
        this.answer({ delivery, body, status: outcome.status, webhookId: outcome.webhookId });
        if (outcome.status !== 'quarantined') {
          const stored = this.table.current(`argyle#${hash('sha256', bytes, 'hex')}`);
          if (stored?.webhookId !== outcome.webhookId)
            this.problems.push(
              `delivery ${delivery} answered ${outcome.status} ${outcome.webhookId} before the table held it (it holds ${stored?.webhookId ?? 'nothing'})`,
            );
        }
      },
      () => {
        done();
        this.answer({ delivery, body, status: 'unavailable' });
      },
    );
    this.running.push(work);
  }

  private answer(answer: Answer): void {
    this.answers.push(answer);
    this.world.log(`delivery ${answer.delivery} answered ${answer.status} ${answer.webhookId ?? ''}`);
    // The provider retries what it did not get a 2xx for.
    if (answer.status === 'unavailable') this.pending.push({ delivery: answer.delivery, body: answer.body });
  }

  /** One invocation of the router on a batch the queue hands out. */
  private batch(size: number): void {
    const messages = this.queue.receive(size);
    if (messages.length === 0) return;
    this.world.log(`batch ${messages.map((m) => `${m.id}#${m.receiveCount}`).join(' ')}`);
    const work = routeWebhooks(
      messages.map((m) => ({ id: m.id, body: m.body, receiveCount: m.receiveCount })),
      {
        store: this.table,
        publisher: this.publisher,
        now: () => this.world.clock,
        sleep: this.world.sleep,
        settings: this.settings,
      },
    ).then(
      (results) => {
        for (const message of messages) {
          const result = results.get(message.id);
          const ok = !(result instanceof Error);
          this.world.log(`${message.id} ${ok ? result?.status : `failed: ${result?.message}`}`);
          this.queue.complete(message, ok);
        }
      },
      // An invocation that throws fails its whole batch: every message comes back.
      (error: unknown) => {
        this.world.log(`batch failed: ${(error as Error).message}`);
        for (const message of messages) this.queue.complete(message, false);
      },
    );
    this.running.push(work);
  }

  /** `redrive-dlq`: each DLQ message back to the queue, marked requeued (replays stay replays). */
  private redrive(): void {
    for (const message of this.queue.messages.filter((m) => m.state === 'dlq')) {
      const data = QueueMessageSchema.parse(JSON.parse(message.body));
      message.state = 'deleted';
      const sent = this.queue.enqueue(
        data.replayed ? message.body : escapeForSqs(JSON.stringify({ ...data, requeued: true })),
      );
      this.world.log(`redrive ${message.id} (${data.webhookId}) as ${sent.id}`);
    }
  }

  /** `requeue`: every failed record back to the queue from the table, marked requeued. */
  private requeue(): void {
    for (const record of this.table.items().filter((r) => r.status === WebhookStatus.Failed)) {
      const sent = this.queue.enqueue(
        buildQueueMessage(
          {
            webhookId: record.webhookId,
            provider: record.provider,
            dedupeKey: record.dedupeKey,
            receivedAt: record.receivedAt,
            requeued: true,
          },
          record.rawBody,
        ),
      );
      this.world.log(`requeue ${record.webhookId} as ${sent.id}`);
    }
  }

  /** Plays one action; calls in flight are answered as the scheduler decides. */
  public async play(action: Action): Promise<void> {
    switch (action.kind) {
      case 'deliver':
        this.deliver(action.body);
        break;
      case 'retry': {
        const retry = this.pending.shift();
        if (retry) this.deliver(retry.body);
        break;
      }
      case 'batch':
        this.batch(action.size);
        break;
      case 'advance':
        this.world.advanceTo(this.world.clock + action.ms);
        this.world.log(`clock +${action.ms} ms`);
        break;
      case 'redrive':
        this.redrive();
        break;
      case 'requeue':
        this.requeue();
        break;
      case 'answer':
        await this.world.scheduler.waitNext(Math.min(action.calls, this.world.scheduler.count()));
        break;
    }
  }

  /** Lets every call in flight finish, in an order the scheduler picks. */
  private async settle(): Promise<void> {
    await this.world.scheduler.waitFor(Promise.all(this.running.splice(0)));
  }

  /** Router batches until no message can be received now. */
  private async routeAll(): Promise<void> {
    for (let batches = 0; this.queue.receivable() > 0 && batches < 200; batches += 1) {
      this.batch(10);
      await this.settle();
    }
  }

  /**
   * After the generated actions: faults healed, the provider retries what got no 2xx, the router
   * drains the queue, operators redrive the DLQ and requeue failed records, until nothing is left.
   */
  public async drain(): Promise<RunResult> {
    await this.settle();
    this.world.heal();
    this.world.log('healed');
    for (let round = 0; round < 12; round += 1) {
      for (const retry of this.pending.splice(0)) this.deliver(retry.body);
      await this.settle();
      await this.routeAll();
      // An operator acts on the alarm at once: what they send is routed before the clock moves.
      this.redrive();
      this.requeue();
      await this.routeAll();
      const failed = this.table.items().some((r) => r.status === WebhookStatus.Failed);
      const waiting = this.queue.count('visible') + this.queue.count('dlq') + this.pending.length;
      if (waiting === 0 && !failed) break;
      // Past every visibility timeout and claim lease, and past ingest's and the router's budgets.
      this.world.advanceTo(this.world.clock + VISIBILITY_TIMEOUT_MS + 1000);
    }
    if (this.queue.count('visible') + this.queue.count('dlq') + this.pending.length > 0)
      this.problems.push('the run did not drain: messages or retries left after every fault healed');
    for (const answer of this.answers) {
      // A body that fails its schema is kept, never published; its duplicates name that kept webhook.
      if (answer.body === QUARANTINED_BODY) {
        if (answer.webhookId && this.published.has(answer.webhookId))
          this.problems.push(
            `delivery ${answer.delivery} failed its schema but ${answer.webhookId} was published`,
          );
        continue;
      }
      if ((answer.status === 'accepted' || answer.status === 'duplicate') && answer.webhookId) {
        if (!this.published.has(answer.webhookId))
          this.problems.push(
            `delivery ${answer.delivery} (body ${answer.body}) answered ${answer.status} ${answer.webhookId}, never published`,
          );
      }
    }
    return {
      answers: this.answers,
      published: this.published,
      problems: this.problems,
      trace: this.world.trace,
      deliveries: this.deliveries,
      messages: this.queue.messages.length,
    };
  }
}
