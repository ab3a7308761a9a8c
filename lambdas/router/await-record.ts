import type { RouterStore, StoredState } from '../shared/webhook-record.js';

/** Collaborators of {@link awaitRecords}. */
export interface AwaitRecordsDeps {
  readonly store: RouterStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A record the first read of the batch did not find, and until when its ingest write may still land. */
export interface MissingRecord {
  readonly dedupeKey: string;
  readonly deadlineMs: number;
}

/**
 * Reads records that the first read did not find, all in one strongly consistent `BatchGetItem` per
 * round, until they appear or the ingest budget of their message has passed: ingest sends the
 * message before its write, so a young message may simply be ahead of its record. What is still
 * absent after its deadline is left out of the result: its ingest write never landed.
 */
export const awaitRecords = async (
  missing: readonly MissingRecord[],
  withBody: boolean,
  deps: AwaitRecordsDeps,
): Promise<Map<string, StoredState>> => {
  const found = new Map<string, StoredState>();
  let waiting = [...missing];
  // Give the writes a moment before each read, so a busy table is not asked again and again
  // (50 ms, 100 ms, … 1 s apart); one last read once a deadline has passed.
  for (let delay = 50; waiting.length > 0; delay = Math.min(delay * 2, 1000)) {
    const nextDeadline = Math.min(...waiting.map((m) => m.deadlineMs));
    const left = nextDeadline - deps.now();
    if (left > 0) await deps.sleep(Math.min(delay, left));
    const states = await deps.store.getStates(
      waiting.map((m) => m.dedupeKey),
      withBody,
      true,
    );
    for (const [key, state] of states) found.set(key, state);
    const now = deps.now();
    waiting = waiting.filter((m) => !states.has(m.dedupeKey) && m.deadlineMs > now);
  }
  return found;
};
