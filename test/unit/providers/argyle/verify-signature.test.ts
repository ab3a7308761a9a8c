import { describe, expect, it } from 'vitest';
import { verifyArgyleSignature } from '../../../../lambdas/providers/argyle/verify-signature.js';
import { SignatureVerificationError } from '../../../../lambdas/shared/errors.js';
import { signArgyleBody } from '../../../../local/signing.js';
import { seed } from '../../../helpers/fixtures.js';

const reasonOf = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SignatureVerificationError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('verifyArgyleSignature', () => {
  const body = seed('argyle__items.updated.json').raw;
  const secret = 'whsec_current_0123456789';

  it('accepts a known-answer vector computed outside the project (openssl dgst -sha512 -hmac)', () => {
    // Prepare
    const kat = Buffer.from('{"event":"accounts.connected","name":"kat","data":{"account":"a","user":"u"}}');
    const expected =
      'fef5771b88b5aace220d4790f4b218b6ed96c673ec8f371b8ccf6d7b890d3cc5c5e0f6196ff7243d3a8b90bdd4ab6094f9e8cb19bbac5da8bf53b32e2c2d9356';
    // Act + Assess
    expect(reasonOf(() => verifyArgyleSignature(kat, expected, ['whsec_known_answer']))).toBe('accepted');
    expect(signArgyleBody(kat, 'whsec_known_answer')).toBe(expected);
  });

  it('accepts the seed body signed with the configured secret', () => {
    expect(reasonOf(() => verifyArgyleSignature(body, signArgyleBody(body, secret), [secret]))).toBe(
      'accepted',
    );
  });

  it('accepts an uppercase hex signature', () => {
    expect(
      reasonOf(() => verifyArgyleSignature(body, signArgyleBody(body, secret).toUpperCase(), [secret])),
    ).toBe('accepted');
  });

  it('accepts a body signed with an older secret still in the rotation list', () => {
    // Prepare
    const old = 'whsec_previous_secret';
    // Act + Assess
    expect(reasonOf(() => verifyArgyleSignature(body, signArgyleBody(body, old), [secret, old]))).toBe(
      'accepted',
    );
  });

  it('rejects a body signed with a different secret', () => {
    expect(reasonOf(() => verifyArgyleSignature(body, signArgyleBody(body, 'whsec_other'), [secret]))).toBe(
      'bad_signature',
    );
  });

  it('rejects a body changed by one byte', () => {
    // Prepare
    const signature = signArgyleBody(body, secret);
    const changed = Buffer.from(body);
    changed[changed.length - 3] = (changed[changed.length - 3] ?? 0) ^ 1;
    // Act + Assess
    expect(reasonOf(() => verifyArgyleSignature(changed, signature, [secret]))).toBe('bad_signature');
  });

  it('rejects the same JSON re-serialised (whitespace changed)', () => {
    // Prepare
    const signature = signArgyleBody(body, secret);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    // Act + Assess
    expect(reasonOf(() => verifyArgyleSignature(reserialised, signature, [secret]))).toBe('bad_signature');
  });

  it('rejects a missing header', () => {
    expect(reasonOf(() => verifyArgyleSignature(body, undefined, [secret]))).toBe('missing_signature');
  });

  it.each([
    ['too short', 'abcd'],
    ['SHA-256 length', 'a'.repeat(64)],
    ['not hex', 'z'.repeat(128)],
    ['hex with a trailing junk character', `${'a'.repeat(128)}g`],
    ['128 characters, the last one not hex', `${'a'.repeat(127)}g`],
    ['128 characters, one in the middle not hex', `${'a'.repeat(64)}-${'a'.repeat(63)}`],
    ['128 characters with a space', `${'a'.repeat(60)} ${'a'.repeat(67)}`],
    ['128 non-ASCII characters', 'é'.repeat(128)],
  ])('rejects a malformed signature (%s)', (_name, signature) => {
    expect(reasonOf(() => verifyArgyleSignature(body, signature, [secret]))).toBe('malformed_signature');
  });

  it('accepts the right secret after other secrets were used (each keyed once, then reused)', () => {
    const signature = signArgyleBody(body, secret);
    for (let i = 0; i < 20; i += 1)
      expect(reasonOf(() => verifyArgyleSignature(body, signature, [`whsec_other_${i}`]))).toBe(
        'bad_signature',
      );
    expect(reasonOf(() => verifyArgyleSignature(body, signature, [secret]))).toBe('accepted');
    expect(reasonOf(() => verifyArgyleSignature(body, signature, ['whsec_other_0', secret]))).toBe(
      'accepted',
    );
  });

  it('refuses everything when no secret is configured', () => {
    expect(reasonOf(() => verifyArgyleSignature(body, signArgyleBody(body, secret), []))).toBe(
      'no_secret_configured',
    );
  });

  it('never puts the secret or the signature in the error message', () => {
    // Prepare
    const signature = signArgyleBody(body, 'whsec_other');
    // Act
    let message = '';
    try {
      verifyArgyleSignature(body, signature, [secret]);
    } catch (error) {
      message = (error as Error).message;
    }
    // Assess
    expect(message).not.toBe('');
    expect(message).not.toContain(secret);
    expect(message).not.toContain(signature);
  });
});
