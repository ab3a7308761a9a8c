import { timingSafeEqual } from 'node:crypto';
import { createDecoder, TokenError } from 'fast-jwt';
import { SignatureFailureReason, SignatureVerificationError } from '../../shared/errors.js';
import type { SignedRequest } from '../provider.js';
import type { PlaidKeyCache } from './verification-key-client.js';

/** The header Plaid signs deliveries in (read in lower case). */
export const PLAID_SIGNATURE_HEADER = 'plaid-verification';

/** Options of {@link verifyPlaidSignature}. */
export interface PlaidVerificationOptions {
  readonly keys: PlaidKeyCache;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now: () => number;
  /** Oldest accepted `iat`, in seconds (Plaid: 5 minutes). */
  readonly maxAgeSeconds?: number;
  /** How far in the future `iat` may be, for clock skew between Plaid and us. */
  readonly skewSeconds?: number;
}

// Plaid key ids are UUIDs (reference/providers.md; the sandbox's is 6c5516e1-92dc-479e-a8ff-5a51992e0001):
// anything else is refused before it can cost a key fetch. Any version and variant, either case, so
// no real kid is refused.
const KID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const decodeToken = createDecoder({ complete: true });

const refuse = (reason: SignatureFailureReason, message: string, cause?: unknown) =>
  new SignatureVerificationError('plaid', reason, message, cause === undefined ? undefined : { cause });

interface DecodedHeader {
  readonly alg?: unknown;
  readonly kid?: unknown;
}

/**
 * Verifies `Plaid-Verification` (design section 3): a compact JWS whose header must say ES256 and
 * name a `kid`; the key comes from Plaid and must not be expired; the signature is checked with
 * ES256 only; `iat` must be at most `maxAgeSeconds` old; `request_body_sha256` must equal the
 * SHA-256 of the raw body, compared in constant time.
 */
export const verifyPlaidSignature = async (
  request: SignedRequest,
  { keys, now, maxAgeSeconds = 300, skewSeconds = 30 }: PlaidVerificationOptions,
): Promise<void> => {
  const token = request.headers[PLAID_SIGNATURE_HEADER]?.trim();
  if (!token) throw refuse(SignatureFailureReason.MissingSignature, 'missing Plaid-Verification header');
  if (token.length > 4096)
    throw refuse(SignatureFailureReason.MalformedSignature, 'Plaid-Verification is too long');

  let header: DecodedHeader;
  try {
    header = (decodeToken(token) as { header: DecodedHeader }).header;
  } catch (error) {
    throw refuse(SignatureFailureReason.MalformedSignature, 'Plaid-Verification is not a JWT', error);
  }
  // Pinned before any key is fetched: `none`, HS256 with the public key as secret and every other
  // algorithm are refused here, and again by the ES256-only verifier.
  if (header.alg !== 'ES256') {
    throw refuse(SignatureFailureReason.UnsupportedAlgorithm, 'Plaid-Verification must be signed with ES256');
  }
  if (typeof header.kid !== 'string' || !KID.test(header.kid)) {
    throw refuse(
      SignatureFailureReason.MalformedSignature,
      'Plaid-Verification has no usable key id (kid): Plaid key ids are UUIDs',
    );
  }

  const key = await keys.get(header.kid);
  const nowMs = now();
  if (key.expiredAt !== null && key.expiredAt * 1000 <= nowMs) {
    throw refuse(SignatureFailureReason.ExpiredKey, 'Plaid-Verification was signed with an expired key');
  }

  let claims: Record<string, unknown>;
  try {
    claims = key.verify(token);
  } catch (error) {
    const code = error instanceof TokenError ? error.code : '';
    if (code === TokenError.codes.invalidAlgorithm) {
      throw refuse(
        SignatureFailureReason.UnsupportedAlgorithm,
        'Plaid-Verification must be signed with ES256',
        error,
      );
    }
    if (code === TokenError.codes.invalidSignature) {
      throw refuse(SignatureFailureReason.BadSignature, 'Plaid-Verification signature is invalid', error);
    }
    throw refuse(
      SignatureFailureReason.MalformedSignature,
      'Plaid-Verification could not be verified',
      error,
    );
  }

  const { iat, request_body_sha256: claimedHash } = claims;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw refuse(SignatureFailureReason.MalformedSignature, 'Plaid-Verification has no numeric iat claim');
  }
  const ageSeconds = nowMs / 1000 - iat;
  if (ageSeconds > maxAgeSeconds) {
    throw refuse(
      SignatureFailureReason.StaleToken,
      `Plaid-Verification was issued more than ${maxAgeSeconds} s ago (replayed or delayed)`,
    );
  }
  if (-ageSeconds > skewSeconds) {
    throw refuse(SignatureFailureReason.FutureToken, 'Plaid-Verification was issued in the future');
  }
  if (typeof claimedHash !== 'string' || !SHA256_HEX.test(claimedHash.toLowerCase())) {
    throw refuse(
      SignatureFailureReason.MalformedSignature,
      'Plaid-Verification has no request_body_sha256 claim',
    );
  }
  const matches = timingSafeEqual(Buffer.from(claimedHash.toLowerCase()), Buffer.from(request.bodySha256));
  if (!matches) {
    throw refuse(
      SignatureFailureReason.BodyMismatch,
      'body does not match request_body_sha256 (the body was changed or re-serialised; hash the raw bytes)',
    );
  }
};
