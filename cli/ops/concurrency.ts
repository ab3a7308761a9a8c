/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs `fn` over the items with at most `limit` calls in flight; results in the order of the items.
 * `fn` should not throw (each command turns its failures into results); if it does, the first
 * error is rethrown once the calls in flight have settled.
 */
export const mapPool = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
};

/**
 * A pause shared by every worker of a command: when one call is rate limited, the others wait too
 * instead of spending their own attempts on the same limit.
 */
export interface Gate {
  /** Resolves once no pause is in force. */
  wait(): Promise<void>;
  /** Holds every caller of `wait` for at least `ms` from now. */
  pauseFor(ms: number): void;
}

/** A {@link Gate} on the given clock. */
export const createGate = (now: () => number = Date.now, wait = sleep): Gate => {
  let until = 0;
  return {
    async wait() {
      for (let left = until - now(); left > 0; left = until - now()) await wait(left);
    },
    pauseFor(ms) {
      until = Math.max(until, now() + ms);
    },
  };
};

/** What to do after a failed attempt. */
export type RetryDecision =
  | { readonly retry: false }
  /** Retry; `afterMs` when the server said how long to wait (Retry-After), `rateLimited` pauses every worker. */
  | { readonly retry: true; readonly afterMs?: number; readonly rateLimited?: boolean };

/** Settings of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs?: number;
  readonly gate?: Gate;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each retry (e.g. to check whether a failed create went through after all). */
  readonly beforeRetry?: (attempt: number, error: unknown) => Promise<void>;
}

/** The outcome of {@link withRetry}: the value or the last error, and how many attempts were made. */
export type RetryResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/** Exponential backoff with jitter: `base * 2^(attempt-1)`, capped, times a factor in [0.5, 1). */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number, random: () => number): number =>
  Math.round(Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + random() / 2));

/** Calls `fn` until it succeeds, `classify` says not to retry, or the attempts run out. Never throws. */
export const withRetry = async <T>(
  fn: (attempt: number) => Promise<T>,
  classify: (error: unknown) => RetryDecision,
  options: RetryOptions,
): Promise<RetryResult<T>> => {
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    await options.gate?.wait();
    try {
      return { ok: true, value: await fn(attempt), attempts: attempt };
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry || attempt >= options.maxAttempts) return { ok: false, error, attempts: attempt };
      const delay = Math.max(
        decision.afterMs ?? 0,
        backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs ?? 60_000, random),
      );
      if (decision.rateLimited && options.gate) options.gate.pauseFor(delay);
      else await wait(delay);
      await options.beforeRetry?.(attempt, error);
    }
  }
};

/** At most `perSecond` takes a second, evenly spaced (no burst beyond one batch). */
export interface RateLimiter {
  /** Waits for `n` slots. */
  take(n?: number): Promise<void>;
}

/** A {@link RateLimiter}; `perSecond` 0 or less means unlimited. */
export const createRateLimiter = (
  perSecond: number,
  now: () => number = Date.now,
  wait = sleep,
): RateLimiter => {
  let next = 0;
  return {
    async take(n = 1) {
      if (perSecond <= 0) return;
      const start = Math.max(now(), next);
      next = start + (n * 1000) / perSecond;
      await wait(start - now());
    },
  };
};

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export const retryAfterMs = (value: string | null | undefined, now: () => number = Date.now) => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now()), 3_600_000);
};
