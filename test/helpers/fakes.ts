import type {
  PutResult,
  WebhookQueue,
  WebhookRecord,
  WebhookStore,
} from '../../lambdas/shared/webhook-record.js';

/** An in-memory store with the DynamoDB adapter's semantics (conditional put on the dedupe window). */
export class InMemoryWebhookStore implements WebhookStore {
  public readonly records = new Map<string, WebhookRecord>();
  public failWith: Error | undefined;

  public async putIfAbsent(record: WebhookRecord, windowStart: string): Promise<PutResult> {
    if (this.failWith) throw this.failWith;
    const existing = this.records.get(record.dedupeKey);
    if (!existing || existing.receivedAt < windowStart) {
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
