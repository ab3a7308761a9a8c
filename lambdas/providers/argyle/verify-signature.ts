import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureFailureReason, SignatureVerificationError } from '../../shared/errors.js';

/** The header Argyle signs deliveries in. */
export const ARGYLE_SIGNATURE_HEADER = 'x-argyle-signature';

const HEX_SHA512 = /^[0-9a-fA-F]{128}$/;

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
  // A length and alphabet check first: Buffer.from(hex) silently drops invalid characters.
  if (!HEX_SHA512.test(trimmed)) {
    throw refuse(
      SignatureFailureReason.MalformedSignature,
      'X-Argyle-Signature is not a 128-character hex HMAC-SHA512',
    );
  }
  const given = Buffer.from(trimmed, 'hex');
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha512', secret).update(body).digest();
    matched = timingSafeEqual(expected, given) || matched;
  }
  if (!matched) {
    throw refuse(
      SignatureFailureReason.BadSignature,
      'X-Argyle-Signature does not match the body for any configured secret (wrong secret, or the body was re-serialised)',
    );
  }
};
