import type { ClientTimeouts } from '../shared/adapters/client-timeouts.js';

/**
 * The router's time budget. Without client timeouts a hung DynamoDB or EventBridge call would run
 * to the function's timeout: the whole batch fails, and on the last receive no record is marked
 * `failed` (so `requeue` could not find it). Every call is bounded, and the batch's work stops
 * {@link MARK_RESERVE_MS} before the function's timeout so the marks still fit.
 */

/** DynamoDB and EventBridge calls: two attempts of at most 2 s each (their answer takes milliseconds). */
export const ROUTER_CLIENT_TIMEOUTS: ClientTimeouts = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  maxAttempts: 2,
};

/**
 * Kept at the end of an invocation for marking the records that fail on their last receive: one
 * round of conditional writes, in parallel, each bounded by {@link ROUTER_CLIENT_TIMEOUTS} (two
 * attempts of a connection and a request, with the SDK's backoff between them).
 */
export const MARK_RESERVE_MS = 7000;
