import type { RouterStore, StoredState } from '../shared/webhook-record.js';

/** Collaborators of {@link awaitRecord}. */
export interface AwaitRecordDeps {
  readonly store: RouterStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Reads a record that the first read did not find, by strongly consistent reads, until it appears
 * or the ingest budget of its message has passed (`deadlineMs`): ingest sends the message before
 * its write, so a young message may simply be ahead of its record. Undefined when still absent
 * after the deadline: the ingest write never landed.
 */
export const awaitRecord = async (
  dedupeKey: string,
  withBody: boolean,
  deadlineMs: number,
  deps: AwaitRecordDeps,
): Promise<StoredState | undefined> => {
  // The first read of the batch missed it just now: give the write a moment before each read, so a
  // busy table is not asked again and again (50 ms, 100 ms, … 1 s apart).
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    const left = deadlineMs - deps.now();
    if (left > 0) await deps.sleep(Math.min(delay, left));
    const state = await deps.store.getState(dedupeKey, withBody);
    if (state || left <= 0) return state;
  }
};
