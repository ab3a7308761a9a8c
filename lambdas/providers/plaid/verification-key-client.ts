import { createPublicKey } from 'node:crypto';
import { createVerifier } from 'fast-jwt';
import * as z from 'zod';
import {
  SignatureFailureReason,
  SignatureVerificationError,
  VerificationUnavailableError,
} from '../../shared/errors.js';

/** Plaid's `JWKPublicKey`, as returned by `/webhook_verification_key/get`. */
export const PlaidJwkSchema = z.looseObject({
  alg: z.literal('ES256'),
  crv: z.literal('P-256'),
  kty: z.literal('EC'),
  kid: z.string().min(1),
  use: z.string().optional(),
  x: z.string().min(1),
  y: z.string().min(1),
  created_at: z.number().optional(),
  expired_at: z.number().nullable(),
});
export type PlaidJwk = z.infer<typeof PlaidJwkSchema>;

const KeyResponseSchema = z.looseObject({ key: PlaidJwkSchema, request_id: z.string().optional() });

/** Plaid API credentials, read from Secrets Manager (or the environment locally). */
export interface PlaidCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** Fetches the JWK for one key id; throws `SignatureVerificationError` (unknown key) or `VerificationUnavailableError`. */
export type PlaidKeyFetcher = (kid: string) => Promise<PlaidJwk>;

/** Options of {@link createPlaidKeyFetcher}. */
export interface PlaidKeyFetcherOptions {
  /** e.g. `https://production.plaid.com`, or the local dev key server. */
  readonly baseUrl: string;
  readonly credentials: () => Promise<PlaidCredentials>;
  /** Bounded so that a slow key endpoint cannot hold a webhook past Plaid's 10 s timeout. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Calls Plaid's `/webhook_verification_key/get`. This one call uses `fetch` instead of the official
 * `plaid` SDK: the SDK (and axios) would multiply the ingest bundle and its cold start for a single
 * JSON POST on the hot path. The CLI, which makes many Plaid calls, uses the SDK.
 */
export const createPlaidKeyFetcher = ({
  baseUrl,
  credentials,
  timeoutMs = 3000,
  fetch = globalThis.fetch,
}: PlaidKeyFetcherOptions): PlaidKeyFetcher => {
  const url = `${baseUrl.replace(/\/+$/, '')}/webhook_verification_key/get`;
  return async (kid) => {
    const { clientId, secret } = await credentials();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, secret, key_id: kid }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new VerificationUnavailableError('Plaid verification key endpoint did not answer', {
        cause: error,
      });
    }
    // Plaid answers 400 for a key id it does not know: the token names a key Plaid never issued.
    if (response.status === 400 || response.status === 404) {
      throw new SignatureVerificationError(
        'plaid',
        SignatureFailureReason.UnknownKey,
        'Plaid-Verification names a key id Plaid does not know',
      );
    }
    if (!response.ok) {
      throw new VerificationUnavailableError(
        `Plaid verification key endpoint answered HTTP ${response.status}`,
      );
    }
    let parsed: z.infer<typeof KeyResponseSchema>;
    try {
      parsed = KeyResponseSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new VerificationUnavailableError('Plaid verification key endpoint returned an unusable key', {
        cause: error,
      });
    }
    if (parsed.key.kid !== kid) {
      throw new VerificationUnavailableError('Plaid verification key endpoint returned a key for another id');
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

/** Builds the ES256-only verifier for a JWK. */
export const toVerificationKey = (jwk: PlaidJwk): PlaidVerificationKey => {
  const pem = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return {
    kid: jwk.kid,
    expiredAt: jwk.expired_at,
    verify: createVerifier({ key: pem, algorithms: ['ES256'] }) as (token: string) => Record<string, unknown>,
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
 * A key older than `ttlMs` is refreshed; if the refresh fails for a transient reason the cached key
 * keeps serving (Plaid keys are long-lived; rotation shows up as a new kid).
 */
export const createPlaidKeyCache = ({
  fetchKey,
  now,
  ttlMs = 60 * 60_000,
  negativeTtlMs = 5 * 60_000,
  maxUnknown = 1000,
}: PlaidKeyCacheOptions): PlaidKeyCache => {
  const keys = new Map<string, Slot>();
  const unknown = new Map<string, number>();

  const load = (kid: string, previous?: Slot): Slot => {
    const slot: Slot = {
      fetchedAt: now(),
      // `toVerificationKey` is inside the chain, so a key Plaid returns but node:crypto cannot
      // import is handled (503, not cached) like any other unusable answer.
      promise: fetchKey(kid)
        .then(toVerificationKey)
        .catch((caught: unknown) => {
          const error =
            caught instanceof SignatureVerificationError || caught instanceof VerificationUnavailableError
              ? caught
              : new VerificationUnavailableError('Plaid verification key endpoint returned an unusable key', {
                  cause: caught,
                });
          if (error instanceof SignatureVerificationError) {
            keys.delete(kid);
            if (unknown.size >= maxUnknown) unknown.delete(unknown.keys().next().value as string);
            unknown.set(kid, now() + negativeTtlMs);
            throw error;
          }
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
