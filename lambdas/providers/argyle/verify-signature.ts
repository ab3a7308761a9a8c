import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { SignatureFailureReason, SignatureVerificationError } from '../../shared/errors.js';

/** The header Argyle signs deliveries in. */
export const ARGYLE_SIGNATURE_HEADER = 'x-argyle-signature';

const SHA512_BYTES = 64;

// HMAC keyed with a prepared KeyObject is cheaper than with a string, which node:crypto converts on
// every call. Secrets change only on rotation, so a small map keyed by the secret suffices; it is
// cleared when it would grow past a rotation's worth of entries.
const MAX_KEYS = 16;
const keys = new Map<string, KeyObject>();
const keyOf = (secret: string): KeyObject => {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
};

/**
 * The signature's bytes, or `undefined` unless it is exactly 128 hex characters. Buffer.from(hex)
 * stops at the first character that is not hex, so 64 decoded bytes from 128 characters means every
 * character was hex (cheaper than a regular expression over the header).
 */
const hexSignature = (value: string): Buffer | undefined => {
  if (value.length !== SHA512_BYTES * 2) return undefined;
  const bytes = Buffer.from(value, 'hex');
  return bytes.length === SHA512_BYTES ? bytes : undefined;
};

const refuse = (reason: SignatureFailureReason, message: string) =>
  new SignatureVerificationError('argyle', reason, message);

/**
 * Verifies `X-Argyle-Signature`: lowercase hex HMAC-SHA512 of the raw body keyed with the
 * subscription's secret. Each subscription may have its own secret and a secret may be rotating,
 * so any secret of the list may match. Every secret is tried (no early exit) and compared in
 * constant time.
 */
export const verifyArgyleSignature = (
  body: Buffer,
  signature: string | undefined,
  secrets: readonly string[],
): void => {
  if (secrets.length === 0) {
    throw refuse(SignatureFailureReason.NoSecretConfigured, 'no Argyle webhook secret is configured');
  }
  if (signature === undefined || signature === '') {
    throw refuse(SignatureFailureReason.MissingSignature, 'missing X-Argyle-Signature header');
  }
  const trimmed = signature.trim();
  const given = hexSignature(trimmed);
  if (given === undefined) {
    throw refuse(
      SignatureFailureReason.MalformedSignature,
      'X-Argyle-Signature is not a 128-character hex HMAC-SHA512',
    );
  }
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha512', keyOf(secret)).update(body).digest();
    matched = timingSafeEqual(expected, given) || matched;
  }
  if (!matched) {
    throw refuse(
      SignatureFailureReason.BadSignature,
      'X-Argyle-Signature does not match the body for any configured secret (wrong secret, or the body was re-serialised)',
    );
  }
};
