import type { ClientTimeouts } from '../shared/adapters/client-timeouts.js';

/**
 * The ingest path's time budget. Plaid counts a reply slower than 10 s as failed, and the function
 * times out at 8 s: every outbound call is bounded so that one hung dependency is a 503 in about
 * 4 s, and the whole request is answered 503 at {@link INGEST_BUDGET_MS} whatever hangs.
 */

/** The whole request; past it the answer is 503 (the work may still finish: a retry meets it). */
export const INGEST_BUDGET_MS = 6000;

/** The Plaid key fetch, the credentials read from Secrets Manager included. */
export const PLAID_KEY_FETCH_TIMEOUT_MS = 2500;

/** A Secrets Manager read (one attempt retried once, inside the key fetch's bound for Plaid). */
export const SECRETS_TIMEOUTS: ClientTimeouts = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxAttempts: 2,
};

/**
 * DynamoDB and SQS calls: two attempts of at most 2 s each (their usual answer takes milliseconds;
 * the margin is for a busy machine running `npm run dev`, where one process serves every request).
 */
export const STORE_AND_QUEUE_TIMEOUTS: ClientTimeouts = {
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 2000,
  maxAttempts: 2,
};
