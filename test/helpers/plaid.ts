import { createHmac, createPublicKey } from 'node:crypto';
import {
  createPlaidKeyCache,
  type PlaidJwk,
  type PlaidKeyCache,
} from '../../lambdas/providers/plaid/verification-key-client.js';
import { SignatureFailureReason, SignatureVerificationError } from '../../lambdas/shared/errors.js';
import { type PlaidSigningKey, signPlaidBody } from '../../local/signing.js';

/** A key cache over an in-memory set of JWKs, recording fetches (for pure unit tests). */
export const inMemoryKeyCache = (
  keys: readonly PlaidJwk[],
  now: () => number,
): { cache: PlaidKeyCache; fetches: string[] } => {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  const fetches: string[] = [];
  const cache = createPlaidKeyCache({
    now,
    fetchKey: async (kid) => {
      fetches.push(kid);
      const key = byKid.get(kid);
      if (!key)
        throw new SignatureVerificationError('plaid', SignatureFailureReason.UnknownKey, 'unknown kid');
      return key;
    },
  });
  return { cache, fetches };
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with an arbitrary header and claims and the given (usually bogus) signature. */
export const forgeToken = (
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature = '',
): string => `${b64url(header)}.${b64url(claims)}.${signature}`;

/** An HS256 token keyed with the public key's PEM: the classic algorithm-confusion forgery. */
export const hs256WithPublicKey = (key: PlaidSigningKey, claims: Record<string, unknown>): string => {
  const pem = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const input = `${b64url({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
};

/** Headers of a signed Plaid delivery. */
export const plaidHeaders = (body: Buffer, key: PlaidSigningKey, iat?: number): Record<string, string> => ({
  'content-type': 'application/json',
  'plaid-verification': signPlaidBody(body, key, iat === undefined ? {} : { iat }),
});
