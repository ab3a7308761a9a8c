import type { RouterStore, StoredState } from '../shared/webhook-record.js';

/** Collaborators of {@link awaitRecords}. */
export interface AwaitRecordsDeps {
  readonly store: RouterStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A message waiting for its own record: until when, and what it waits for. */
export interface AwaitedRecord {
  readonly dedupeKey: string;
  readonly deadlineMs: number;
  /** True once the state read is no longer one the message must wait past. */
  readonly settled: (state: StoredState | undefined) => boolean;
}

/**
 * Reads the keys of messages that wait for their own record, all in one strongly consistent
 * `BatchGetItem` per round, until each is settled or its deadline has passed: ingest sends the
 * message before its write, so a young message may be ahead of its record, or of the write that
 * replaces an expired record of the same body. Returns the last state read of every key it read
 * (undefined: nothing stored).
 */
export const awaitRecords = async (
  awaited: readonly AwaitedRecord[],
  withBody: boolean,
  deps: AwaitRecordsDeps,
): Promise<Map<string, StoredState | undefined>> => {
  const latest = new Map<string, StoredState | undefined>();
  let waiting = [...awaited];
  // Give the writes a moment before each read, so a busy table is not asked again and again
  // (50 ms, 100 ms, … 1 s apart); one last read once a deadline has passed.
  for (let delay = 50; waiting.length > 0; delay = Math.min(delay * 2, 1000)) {
    const nextDeadline = Math.min(...waiting.map((m) => m.deadlineMs));
    const left = nextDeadline - deps.now();
    if (left > 0) await deps.sleep(Math.min(delay, left));
    const keys = [...new Set(waiting.map((m) => m.dedupeKey))];
    const states = await deps.store.getStates(keys, withBody, true);
    for (const key of keys) latest.set(key, states.get(key));
    const now = deps.now();
    waiting = waiting.filter((m) => !m.settled(latest.get(m.dedupeKey)) && m.deadlineMs > now);
  }
  return latest;
};
