import {
  type AdoptResult,
  type PutResult,
  type RouterStore,
  receivedSeconds,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
  type WebhookStore,
} from '../../../lambdas/shared/webhook-record.js';
import type { SimWorld } from './sim-world.js';

/** A stored item: the record and the attributes only a claim writes. */
export interface SimItem extends WebhookRecord {
  readonly claimedBy?: string;
  readonly claimedAt?: string;
  readonly failedBy?: string;
  readonly publishedAt?: string;
}

/** One version of a key: what was stored (undefined: nothing), and when (virtual ms). */
interface Version {
  readonly item: SimItem | undefined;
  readonly at: number;
}

/** How long an eventually consistent read may lag a write (DynamoDB: "usually within a second"). */
export const STALE_READ_MS = 1000;

/**
 * The webhook table of the model: every condition of the DynamoDB adapter
 * (`lambdas/shared/adapters/webhook-store.ts`), applied atomically at a point the scheduler picks.
 * Faults: a call that fails before it is applied, a write applied whose answer is lost, and
 * eventually consistent reads that return the version before a write younger than a second.
 * `test/reliability/model/sim-table-conformance.test.ts` holds it to the adapter on dynalite.
 */
export class SimTable implements WebhookStore, RouterStore {
  private readonly versions = new Map<string, Version[]>();

  public constructor(private readonly world: SimWorld) {}

  /** The item stored now. */
  public current(key: string): SimItem | undefined {
    return this.versions.get(key)?.at(-1)?.item;
  }

  /** Every item stored now. */
  public items(): SimItem[] {
    return [...this.versions.keys()].flatMap((k) => {
      const item = this.current(k);
      return item ? [item] : [];
    });
  }

  private write(key: string, item: SimItem | undefined): void {
    // Before its first write a key was absent: a read a moment after that write may still say so.
    const list = this.versions.get(key) ?? [{ item: undefined, at: Number.NEGATIVE_INFINITY }];
    list.push({ item, at: this.world.clock });
    // What a read can lag behind: the versions of the last second, and the one before them.
    while (list.length > 2 && (list[1] as Version).at < this.world.clock - STALE_READ_MS) list.shift();
    this.versions.set(key, list);
  }

  /** A read a moment ago: the version before the newest when that one is younger than a second. */
  private lagging(key: string): SimItem | undefined {
    const list = this.versions.get(key) ?? [];
    const newest = list.at(-1);
    if (!newest) return undefined;
    if (newest.at >= this.world.clock - STALE_READ_MS && list.length > 1 && this.world.chance('stale'))
      return (list.at(-2) as Version).item;
    return newest.item;
  }

  /** The scheduling point of a call, and its failure before it is applied. */
  private async before(label: string, signal?: AbortSignal): Promise<void> {
    await this.world.step(label);
    signal?.throwIfAborted();
    if (this.world.chance('tableFails')) throw new Error(`${label}: table unavailable`);
  }

  /** After a write was applied: its answer may be lost (the caller sees an error). */
  private async after(label: string): Promise<void> {
    if (this.world.chance('tableAnswerLost')) throw new Error(`${label}: answer lost`);
    await this.world.step(`${label} answered`);
  }

  public async putIfAbsent(
    record: WebhookRecord,
    nowSeconds: number,
    signal?: AbortSignal,
  ): Promise<PutResult> {
    await this.before('PutItem', signal);
    const stored = this.current(record.dedupeKey);
    if (!stored || stored.dedupeUntil < nowSeconds) {
      this.write(record.dedupeKey, { ...record });
      this.world.log(`PutItem ${record.webhookId} created (was ${stored?.webhookId ?? 'absent'})`);
      await this.after('PutItem');
      return { outcome: 'created' };
    }
    await this.before('UpdateItem deliveries', signal);
    const now = this.current(record.dedupeKey);
    if (!now) throw new Error('ConditionalCheckFailed: the record vanished');
    const counted = { ...now, deliveries: now.deliveries + 1 };
    this.write(record.dedupeKey, counted);
    this.world.log(`PutItem ${record.webhookId} duplicate of ${counted.webhookId}`);
    await this.after('UpdateItem deliveries');
    return { outcome: 'duplicate', existing: counted };
  }

  public async getStates(dedupeKeys: readonly string[], withBody: boolean, consistent = false) {
    await this.before(consistent ? 'BatchGetItem consistent' : 'BatchGetItem');
    const states = new Map<string, StoredState>();
    for (const key of new Set(dedupeKeys)) {
      const item = consistent ? this.current(key) : this.lagging(key);
      if (item)
        states.set(key, {
          webhookId: item.webhookId,
          status: item.status,
          receivedAt: item.receivedAt,
          dedupeUntil: item.dedupeUntil,
          ...(withBody ? { rawBody: item.rawBody } : {}),
        });
    }
    await this.world.step('BatchGetItem answered');
    return states;
  }

  /** A conditional update: applied and true when `when` holds, false otherwise. */
  private async update(
    label: string,
    key: string,
    when: (item: SimItem) => boolean,
    change: (item: SimItem) => SimItem,
  ): Promise<boolean> {
    await this.before(label);
    const item = this.current(key);
    if (!item || !when(item)) return false;
    this.write(key, change(item));
    this.world.log(`${label} ${item.webhookId}`);
    await this.after(label);
    return true;
  }

  /** The adapter's condition: not published, nor being published by another message's live claim. */
  private claimable(item: SimItem, webhookId: string, claimId: string, staleBefore: string): boolean {
    return (
      item.webhookId === webhookId &&
      item.status !== WebhookStatus.Published &&
      (item.status !== WebhookStatus.Publishing ||
        item.claimedBy === claimId ||
        (item.claimedAt !== undefined && item.claimedAt < staleBefore))
    );
  }

  public claim(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ) {
    return this.update(
      'claim',
      dedupeKey,
      // Never by the message that marked it failed (a late answer of its own abandoned claim).
      (i) => this.claimable(i, webhookId, claimId, staleBefore) && i.failedBy !== claimId,
      ({ issues: _i, failure: _f, failedBy: _b, ...i }) => ({
        ...i,
        status: WebhookStatus.Publishing,
        claimedBy: claimId,
        claimedAt,
      }),
    );
  }

  public confirm(dedupeKey: string, webhookId: string, claimId: string, publishedAt: string) {
    return this.update(
      'confirm',
      dedupeKey,
      (i) => i.webhookId === webhookId && i.claimedBy === claimId && i.status === WebhookStatus.Publishing,
      (i) => ({ ...i, status: WebhookStatus.Published, publishedAt }),
    );
  }

  public async adopt(record: WebhookRecord): Promise<AdoptResult> {
    await this.before('adopt');
    const stored = this.current(record.dedupeKey);
    if (stored && stored.dedupeUntil >= receivedSeconds(record.receivedAt)) return { outcome: 'exists' };
    this.write(record.dedupeKey, { ...record });
    this.world.log(`adopt ${record.webhookId} (was ${stored?.webhookId ?? 'absent'})`);
    await this.after('adopt');
    return { outcome: 'created' };
  }

  public markQuarantined(dedupeKey: string, webhookId: string, issues: readonly string[]) {
    return this.update(
      'markQuarantined',
      dedupeKey,
      (i) => i.webhookId === webhookId,
      (i) => ({ ...i, status: WebhookStatus.Quarantined, issues }),
    );
  }

  public markFailed(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    failure: string,
    staleBefore: string,
  ) {
    return this.update(
      'markFailed',
      dedupeKey,
      (i) => this.claimable(i, webhookId, claimId, staleBefore),
      (i) => ({ ...i, status: WebhookStatus.Failed, failure, failedBy: claimId }),
    );
  }
}
