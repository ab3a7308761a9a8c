import { createPublicKey } from 'node:crypto';
import {
  PlaidKeyFailureReason,
  PlaidKeyUnavailableError,
  SignatureFailureReason,
  SignatureVerificationError,
  VerificationUnavailableError,
} from '../../shared/errors.js';
import type { PlaidCredentials } from '../../shared/provider-credentials.js';
import type { KeyResponse, PlaidJwk } from './verification-key-schemas.js';

export type { PlaidJwk } from './verification-key-schemas.js';

export type { PlaidCredentials };

/** Fetches the JWK for one key id; throws `SignatureVerificationError` (unknown key) or `VerificationUnavailableError`. */
export type PlaidKeyFetcher = (kid: string) => Promise<PlaidJwk>;

/** Options of {@link createPlaidKeyFetcher}. */
export interface PlaidKeyFetcherOptions {
  /** e.g. `https://production.plaid.com`, or the local dev key server. */
  readonly baseUrl: string;
  readonly credentials: () => Promise<PlaidCredentials>;
  /**
   * Bound on the whole fetch, the credentials read included, so that a slow secret store or key
   * endpoint cannot hold a webhook past Plaid's 10 s timeout (see lambdas/ingest/budget.ts).
   */
  readonly timeoutMs?: number;
  readonly fetch?: typeof globalThis.fetch;
}

/** Plaid's documented answer for a `key_id` it never issued (HTTP 400, error type INVALID_INPUT). */
export const UNKNOWN_KEY_ERROR_CODE = 'INVALID_WEBHOOK_VERIFICATION_KEY_ID';

const reasonForStatus = (status: number): PlaidKeyFailureReason => {
  if (status === 400) return PlaidKeyFailureReason.InvalidRequest;
  if (status === 401 || status === 403) return PlaidKeyFailureReason.Unauthorized;
  if (status === 429) return PlaidKeyFailureReason.RateLimited;
  if (status >= 500) return PlaidKeyFailureReason.ServerError;
  return PlaidKeyFailureReason.UnexpectedStatus;
};

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

/** Settles with `promise`, or rejects with the signal's reason once it aborts. */
const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

// The answers' schemas (zod) are loaded with the first key fetch, so that zod is not loaded at
// cold start.
let schemas: typeof import('./verification-key-schemas.js') | undefined;
const loadSchemas = async () => (schemas ??= await import('./verification-key-schemas.js'));

/**
 * Calls Plaid's `/webhook_verification_key/get`. This one call uses `fetch` instead of the official
 * `plaid` SDK: the SDK (and axios) would multiply the ingest bundle and its cold start for a single
 * JSON POST on the hot path. The CLI, which makes many Plaid calls, uses the SDK.
 *
 * Only HTTP 400 with `INVALID_WEBHOOK_VERIFICATION_KEY_ID` means the token names a key Plaid never
 * issued (401). Every other failure (INVALID_API_KEYS, INVALID_FIELD, 401, 403, 429, 5xx, a
 * timeout, a network error, an unusable answer, unreadable credentials) is our configuration or
 * Plaid's availability: a {@link PlaidKeyUnavailableError}, answered 503 so Plaid retries.
 */
export const createPlaidKeyFetcher = ({
  baseUrl,
  credentials,
  timeoutMs = 2500,
  fetch = globalThis.fetch,
}: PlaidKeyFetcherOptions): PlaidKeyFetcher => {
  const url = `${baseUrl.replace(/\/+$/, '')}/webhook_verification_key/get`;
  return async (kid) => {
    const signal = AbortSignal.timeout(timeoutMs);
    let creds: PlaidCredentials;
    try {
      creds = await untilAborted(credentials(), signal);
    } catch (error) {
      throw new PlaidKeyUnavailableError(
        'the Plaid API credentials could not be read',
        { reason: isTimeout(error) ? PlaidKeyFailureReason.Timeout : PlaidKeyFailureReason.Credentials },
        { cause: error },
      );
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: creds.clientId, secret: creds.secret, key_id: kid }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      const timedOut = isTimeout(error);
      throw new PlaidKeyUnavailableError(
        timedOut
          ? `Plaid verification key endpoint did not answer within ${timeoutMs} ms`
          : 'Plaid verification key endpoint could not be reached',
        { reason: timedOut ? PlaidKeyFailureReason.Timeout : PlaidKeyFailureReason.Network },
        { cause: error },
      );
    }
    const { KeyResponseSchema, parsePlaidError } = schemas ?? (await loadSchemas());
    if (response.status !== 200) {
      const plaidError = parsePlaidError(text);
      if (response.status === 400 && plaidError?.error_code === UNKNOWN_KEY_ERROR_CODE) {
        throw new SignatureVerificationError(
          'plaid',
          SignatureFailureReason.UnknownKey,
          'Plaid-Verification names a key id Plaid does not know',
        );
      }
      const code = plaidError?.error_code;
      throw new PlaidKeyUnavailableError(
        `Plaid verification key endpoint answered HTTP ${response.status}${code ? ` ${code}` : ''}`,
        {
          reason: reasonForStatus(response.status),
          status: response.status,
          errorType: plaidError?.error_type,
          errorCode: code,
          requestId: plaidError?.request_id ?? response.headers.get('x-request-id') ?? undefined,
        },
      );
    }
    let parsed: KeyResponse;
    try {
      parsed = KeyResponseSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new PlaidKeyUnavailableError(
        'Plaid verification key endpoint returned an unusable key',
        { reason: PlaidKeyFailureReason.UnusableAnswer, status: 200 },
        { cause: error },
      );
    }
    if (parsed.key.kid !== kid) {
      throw new PlaidKeyUnavailableError('Plaid verification key endpoint returned a key for another id', {
        reason: PlaidKeyFailureReason.UnusableAnswer,
        status: 200,
        requestId: parsed.request_id,
      });
    }
    return parsed.key;
  };
};

/** A cached verification key: its expiry and a verifier pinned to ES256. */
export interface PlaidVerificationKey {
  readonly kid: string;
  /** Unix seconds; `null` while the key is active. */
  readonly expiredAt: number | null;
  /** Verifies the JWS signature (ES256 only) and returns the claims; throws fast-jwt's `TokenError`. */
  readonly verify: (token: string) => Record<string, unknown>;
}

// fast-jwt (with its ASN.1 and big-number dependencies) is loaded with the first key, not at import:
// the cold start does not pay for it, and an instance that only sees Argyle never evaluates it.
let verifierModule: typeof import('./es256-verifier.js') | undefined;
const loadVerifier = async () => (verifierModule ??= await import('./es256-verifier.js'));

/** Builds the ES256-only verifier for a JWK. */
export const toVerificationKey = async (jwk: PlaidJwk): Promise<PlaidVerificationKey> => {
  const { es256Verifier } = verifierModule ?? (await loadVerifier());
  const pem = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return {
    kid: jwk.kid,
    expiredAt: jwk.expired_at,
    verify: es256Verifier(pem),
  };
};

/** Options of {@link createPlaidKeyCache}. */
export interface PlaidKeyCacheOptions {
  readonly fetchKey: PlaidKeyFetcher;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** How long a fetched key is trusted before it is fetched again (to learn of its expiry). */
  readonly ttlMs?: number;
  /** How long an unknown key id is remembered, so forged ids cost one fetch, not one per request. */
  readonly negativeTtlMs?: number;
  /** Bound on remembered unknown ids. */
  readonly maxUnknown?: number;
  /**
   * Key fetches this instance makes per minute at most (`PLAID_KEY_FETCHES_PER_MINUTE`): past it, a
   * kid not cached is answered 503 without a call, so a flood of plausible kids costs Plaid (and
   * our rate limit there) a bounded number of calls.
   */
  readonly maxFetchesPerMinute?: number;
  /** Told of every fetch that failed for a reason other than an unknown kid (for logs and metrics). */
  readonly onFetchFailure?: (error: VerificationUnavailableError, context: PlaidKeyFailureContext) => void;
}

/** Where a failed fetch happened. */
export interface PlaidKeyFailureContext {
  readonly kid: string;
  /** True when a cached key keeps serving (a failed refresh); false when the webhook gets 503. */
  readonly servedCachedKey: boolean;
}

/** Verification keys by `kid`: a fetch per unknown kid, never per request. */
export interface PlaidKeyCache {
  get(kid: string): Promise<PlaidVerificationKey>;
}

interface Slot {
  promise: Promise<PlaidVerificationKey>;
  fetchedAt: number;
}

/**
 * Caches keys per container. Concurrent requests for the same kid share one fetch (single-flight).
 * A key older than `ttlMs` is refreshed; if the refresh fails for any reason but Plaid saying it
 * does not know the kid, the cached key keeps serving until its own `expired_at` (Plaid keys are
 * long-lived; rotation shows up as a new kid), and the refresh is tried again a minute later.
 */
export const createPlaidKeyCache = ({
  fetchKey,
  now,
  ttlMs = 60 * 60_000,
  negativeTtlMs = 5 * 60_000,
  maxUnknown = 1000,
  maxFetchesPerMinute = 20,
  onFetchFailure,
}: PlaidKeyCacheOptions): PlaidKeyCache => {
  const keys = new Map<string, Slot>();
  const unknown = new Map<string, number>();
  // Start times of the fetches of the last minute (at most maxFetchesPerMinute entries).
  const fetchTimes: number[] = [];
  const fetchWithinCap = (kid: string): Promise<PlaidJwk> => {
    const t = now();
    while (fetchTimes.length > 0 && (fetchTimes[0] as number) <= t - 60_000) fetchTimes.shift();
    if (fetchTimes.length >= maxFetchesPerMinute) {
      return Promise.reject(
        new PlaidKeyUnavailableError(`Plaid key fetches are capped at ${maxFetchesPerMinute} a minute`, {
          reason: PlaidKeyFailureReason.FetchCap,
        }),
      );
    }
    fetchTimes.push(t);
    return fetchKey(kid);
  };

  const load = (kid: string, previous?: Slot): Slot => {
    const slot: Slot = {
      fetchedAt: now(),
      // `toVerificationKey` is inside the chain, so a key Plaid returns but node:crypto cannot
      // import is handled (503, not cached) like any other unusable answer.
      promise: fetchWithinCap(kid)
        .then(toVerificationKey)
        .catch((caught: unknown) => {
          const error =
            caught instanceof SignatureVerificationError || caught instanceof VerificationUnavailableError
              ? caught
              : new PlaidKeyUnavailableError(
                  'Plaid verification key endpoint returned an unusable key',
                  { reason: PlaidKeyFailureReason.UnusableAnswer, status: 200 },
                  { cause: caught },
                );
          if (error instanceof SignatureVerificationError) {
            keys.delete(kid);
            if (unknown.size >= maxUnknown) unknown.delete(unknown.keys().next().value as string);
            unknown.set(kid, now() + negativeTtlMs);
            throw error;
          }
          onFetchFailure?.(error, { kid, servedCachedKey: previous !== undefined });
          if (previous) {
            // Keep serving the old key; try the refresh again in a minute rather than on every request.
            keys.set(kid, { promise: previous.promise, fetchedAt: now() - ttlMs + 60_000 });
            return previous.promise;
          }
          keys.delete(kid);
          throw error;
        }),
    };
    keys.set(kid, slot);
    return slot;
  };

  return {
    async get(kid) {
      const until = unknown.get(kid);
      if (until !== undefined) {
        if (now() < until) {
          throw new SignatureVerificationError(
            'plaid',
            SignatureFailureReason.UnknownKey,
            'Plaid-Verification names a key id Plaid does not know',
          );
        }
        unknown.delete(kid);
      }
      const slot = keys.get(kid);
      if (!slot) return load(kid).promise;
      if (now() - slot.fetchedAt > ttlMs) return load(kid, slot).promise;
      return slot.promise;
    },
  };
};
