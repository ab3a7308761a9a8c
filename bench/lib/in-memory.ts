import type {
  EventEntry,
  EventPublisher,
  PublishResult,
  PutResult,
  RouterStore,
  StoredState,
  WebhookQueue,
  WebhookRecord,
  WebhookStore,
} from '../../lambdas/shared/webhook-record.js';

/**
 * The webhook store in memory, with the DynamoDB adapter's semantics (conditional put on the
 * dedupe window). It remembers at most `capacity` records (oldest dropped first), so that a long
 * run measures the handler and not the growth of the stand-in.
 */
export class BoundedWebhookStore implements WebhookStore {
  public readonly records = new Map<string, WebhookRecord>();
  public lastItem: WebhookRecord | undefined;

  public constructor(private readonly capacity = 16) {}

  public async putIfAbsent(record: WebhookRecord, nowSeconds: number): Promise<PutResult> {
    const existing = this.records.get(record.dedupeKey);
    if (!existing || existing.dedupeUntil < nowSeconds) {
      if (this.records.size >= this.capacity) this.records.delete(this.records.keys().next().value as string);
      this.records.set(record.dedupeKey, record);
      this.lastItem = record;
      return { outcome: 'created' };
    }
    const counted = { ...existing, deliveries: existing.deliveries + 1 };
    this.records.set(record.dedupeKey, counted);
    return { outcome: 'duplicate', existing: counted };
  }
}

/** A queue that keeps only the count and the last message. */
export class CountingQueue implements WebhookQueue {
  public count = 0;
  public last = '';

  public async send(body: string): Promise<void> {
    this.count += 1;
    this.last = body;
  }
}

/** The router's view of the table, in memory: every record `received`, exception writes counted. */
export class InMemoryRouterStore implements RouterStore {
  public marks = 0;
  public constructor(private readonly states = new Map<string, StoredState>()) {}

  public async getStates(dedupeKeys: readonly string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    for (const key of dedupeKeys) {
      const state = this.states.get(key);
      if (state) out.set(key, state);
    }
    return out;
  }

  public async claim(): Promise<boolean> {
    this.marks += 1;
    return true;
  }

  public async confirm(): Promise<boolean> {
    this.marks += 1;
    return true;
  }

  public async adopt(): Promise<{ outcome: 'created' }> {
    this.marks += 1;
    return { outcome: 'created' };
  }

  public async markFailed(): Promise<boolean> {
    this.marks += 1;
    return true;
  }

  public async markQuarantined(): Promise<boolean> {
    return true;
  }
}

/** A bus that accepts every entry. */
export class AcceptingPublisher implements EventPublisher {
  public published = 0;
  public lastEntries: readonly EventEntry[] = [];

  public async publish(entries: readonly EventEntry[]): Promise<PublishResult[]> {
    this.published += entries.length;
    this.lastEntries = entries;
    return entries.map((_, i) => ({ ok: true, eventId: `event-${i}` }));
  }
}
