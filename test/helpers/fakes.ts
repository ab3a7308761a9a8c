import {
  type AdoptResult,
  type PutResult,
  type RouterStore,
  receivedSeconds,
  type StoredState,
  type WebhookQueue,
  type WebhookRecord,
  WebhookStatus,
  type WebhookStore,
} from '../../lambdas/shared/webhook-record.js';

/** An in-memory store with the DynamoDB adapter's semantics (conditional put on the dedupe window). */
export class InMemoryWebhookStore implements WebhookStore {
  public readonly records = new Map<string, WebhookRecord>();
  public failWith: Error | undefined;

  public async putIfAbsent(record: WebhookRecord, nowSeconds: number): Promise<PutResult> {
    if (this.failWith) throw this.failWith;
    const existing = this.records.get(record.dedupeKey);
    if (!existing || existing.dedupeUntil < nowSeconds) {
      this.records.set(record.dedupeKey, record);
      return { outcome: 'created' };
    }
    const counted = { ...existing, deliveries: existing.deliveries + 1 };
    this.records.set(record.dedupeKey, counted);
    return { outcome: 'duplicate', existing: counted };
  }
}

/** An in-memory queue that records message bodies, and can be told to fail. */
export class InMemoryWebhookQueue implements WebhookQueue {
  public readonly messages: string[] = [];
  public failWith: Error | undefined;

  public async send(body: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.messages.push(body);
  }

  /** The parsed messages. */
  public parsed(): Record<string, unknown>[] {
    return this.messages.map((m) => JSON.parse(m) as Record<string, unknown>);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  public constructor(public ms: number = Date.UTC(2026, 10, 25, 12, 0, 0)) {}
  public readonly now = (): number => this.ms;
  public advance(ms: number): void {
    this.ms += ms;
  }
}

/** Sequential ids, so that tests can tell which delivery created a record. */
export const sequentialIds = (prefix = 'wh') => {
  let n = 0;
  return () => `${prefix}-${++n}`;
};

/**
 * The router's view of the same in-memory records, with the DynamoDB adapter's conditions (claims
 * by webhookId and claim id, adoption only where nothing is stored). Counts its writes.
 */
export class InMemoryRouterStore implements RouterStore {
  public writes = 0;
  public failWith: Error | undefined;
  private readonly claims = new Map<string, { claimId: string; at: string }>();
  private readonly failedBy = new Map<string, string>();

  public constructor(public readonly records: Map<string, WebhookRecord> = new Map()) {}

  private state(record: WebhookRecord, withBody: boolean): StoredState {
    return {
      webhookId: record.webhookId,
      status: record.status,
      receivedAt: record.receivedAt,
      dedupeUntil: record.dedupeUntil,
      ...(withBody ? { rawBody: record.rawBody } : {}),
    };
  }

  public async getStates(dedupeKeys: readonly string[], withBody: boolean) {
    if (this.failWith) throw this.failWith;
    const out = new Map<string, StoredState>();
    for (const key of dedupeKeys) {
      const record = this.records.get(key);
      if (record) out.set(key, this.state(record, withBody));
    }
    return out;
  }

  private update(dedupeKey: string, when: (r: WebhookRecord) => boolean, change: Partial<WebhookRecord>) {
    if (this.failWith) throw this.failWith;
    const record = this.records.get(dedupeKey);
    if (!record || !when(record)) return false;
    this.writes += 1;
    this.records.set(dedupeKey, { ...record, ...change });
    return true;
  }

  public async claim(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<boolean> {
    const done = this.update(
      dedupeKey,
      (r) =>
        r.webhookId === webhookId &&
        this.claimable(dedupeKey, r, claimId, staleBefore) &&
        this.failedBy.get(dedupeKey) !== claimId,
      { status: WebhookStatus.Publishing },
    );
    if (done) {
      this.claims.set(dedupeKey, { claimId, at: claimedAt });
      this.failedBy.delete(dedupeKey);
    }
    return done;
  }

  public async confirm(dedupeKey: string, webhookId: string, claimId: string): Promise<boolean> {
    return this.update(
      dedupeKey,
      (r) =>
        r.webhookId === webhookId &&
        r.status === WebhookStatus.Publishing &&
        this.claims.get(dedupeKey)?.claimId === claimId,
      { status: WebhookStatus.Published },
    );
  }

  /** The adapter's condition: not published, nor being published by another message's live claim. */
  private claimable(dedupeKey: string, r: WebhookRecord, claimId: string, staleBefore: string) {
    const claim = this.claims.get(dedupeKey);
    if (r.status === WebhookStatus.Published) return false;
    return (
      r.status !== WebhookStatus.Publishing || claim?.claimId === claimId || (claim?.at ?? '') < staleBefore
    );
  }

  public async adopt(record: WebhookRecord): Promise<AdoptResult> {
    if (this.failWith) throw this.failWith;
    const stored = this.records.get(record.dedupeKey);
    if (stored && stored.dedupeUntil >= receivedSeconds(record.receivedAt)) return { outcome: 'exists' };
    this.writes += 1;
    this.records.set(record.dedupeKey, record);
    return { outcome: 'created' };
  }

  public async markQuarantined(dedupeKey: string, webhookId: string, issues: readonly string[]) {
    return this.update(dedupeKey, (r) => r.webhookId === webhookId, {
      status: WebhookStatus.Quarantined,
      issues,
    });
  }

  public async markFailed(
    dedupeKey: string,
    webhookId: string,
    claimId: string,
    failure: string,
    staleBefore: string,
  ) {
    const done = this.update(
      dedupeKey,
      (r) => r.webhookId === webhookId && this.claimable(dedupeKey, r, claimId, staleBefore),
      { status: WebhookStatus.Failed, failure },
    );
    if (done) this.failedBy.set(dedupeKey, claimId);
    return done;
  }
}
