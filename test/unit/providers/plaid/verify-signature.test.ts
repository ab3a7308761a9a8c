import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPlaidSignature } from '../../../../lambdas/providers/plaid/verify-signature.js';
import { SignatureVerificationError } from '../../../../lambdas/shared/errors.js';
import { generatePlaidSigningKey, signPlaidBody } from '../../../../local/signing.js';
import { ManualClock } from '../../../helpers/fakes.js';
import { seed } from '../../../helpers/fixtures.js';
import { forgeToken, hs256WithPublicKey, inMemoryKeyCache } from '../../../helpers/plaid.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const setup = () => {
  const clock = new ManualClock(Date.now());
  const key = generatePlaidSigningKey();
  const { cache, fetches } = inMemoryKeyCache([key.jwk], clock.now);
  const body = seed('plaid__TRANSACTIONS__SYNC_UPDATES_AVAILABLE.json').raw;
  const nowSec = () => Math.floor(clock.ms / 1000);
  const verify = async (token: string | undefined, payload: Buffer = body) => {
    try {
      await verifyPlaidSignature(
        {
          headers: token === undefined ? {} : { 'plaid-verification': token },
          body: payload,
          bodySha256: sha256(payload),
        },
        { keys: cache, now: clock.now },
      );
      return 'accepted';
    } catch (error) {
      if (error instanceof SignatureVerificationError) return error.reason;
      throw error;
    }
  };
  return { clock, key, body, fetches, nowSec, verify };
};

describe('verifyPlaidSignature', () => {
  it('accepts a known-answer vector signed outside the project (node:crypto ES256, fixed key and clock)', async () => {
    // Prepare
    const kid = '6c5516e1-92dc-479e-a8ff-5a51992e0001';
    const body = Buffer.from(
      '{\n  "webhook_type": "ITEM",\n  "webhook_code": "LOGIN_REPAIRED",\n  "item_id": "kat",\n  "environment": "sandbox"\n}',
    );
    const token =
      'eyJhbGciOiJFUzI1NiIsImtpZCI6IjZjNTUxNmUxLTkyZGMtNDc5ZS1hOGZmLTVhNTE5OTJlMDAwMSIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NjQwNzIwMDAsInJlcXVlc3RfYm9keV9zaGEyNTYiOiI0ZjM0MjhiYmI4Yjk5ZjJkYmNjNjlkNTBlYjlmNDg4YTc2NjNiNTBiNjZlMmYxMzczYjVkOTE3Nzk5MjU1MmZiIn0.JrP6XYqESV1cikBSnayNt-kTDKPBaIXypDAAWd52jr4MCAw34i9DbWfTKoO-huBfKGA9CDjD4SEgOMCl8VPHKA';
    const jwk = {
      alg: 'ES256' as const,
      crv: 'P-256' as const,
      kty: 'EC' as const,
      kid,
      x: 'vW7vIBwFPhCTRpmh-81xRthPu_O8JQTUIZrC4HYHygI',
      y: 'aVq7gXC8Q6_Xeszu0V20Huu8FCFfPo35SUpaDYfp_4o',
      expired_at: null,
    };
    const clock = new ManualClock((1764072000 + 10) * 1000);
    const { cache } = inMemoryKeyCache([jwk], clock.now);
    // Act
    const result = verifyPlaidSignature(
      { headers: { 'plaid-verification': token }, body, bodySha256: sha256(body) },
      { keys: cache, now: clock.now },
    );
    // Assess
    await expect(result).resolves.toBeUndefined();
  });

  it('accepts a seed body signed with a generated key and fetches the key once', async () => {
    // Prepare
    const { key, body, verify, fetches } = setup();
    // Act
    const first = await verify(signPlaidBody(body, key));
    const second = await verify(signPlaidBody(body, key));
    // Assess
    expect([first, second]).toEqual(['accepted', 'accepted']);
    expect(fetches).toEqual([key.kid]);
  });

  it('accepts an iat 4 minutes old', async () => {
    const { key, body, verify, nowSec } = setup();
    expect(await verify(signPlaidBody(body, key, { iat: nowSec() - 240 }))).toBe('accepted');
  });

  it('rejects a missing header', async () => {
    const { verify } = setup();
    expect(await verify(undefined)).toBe('missing_signature');
  });

  it('rejects a token signed by another key under the same kid', async () => {
    // Prepare
    const { key, body, verify } = setup();
    const impostor = generatePlaidSigningKey(key.kid);
    // Act + Assess
    expect(await verify(signPlaidBody(body, impostor))).toBe('bad_signature');
  });

  it('rejects alg "none" without fetching any key', async () => {
    // Prepare
    const { key, body, verify, fetches, nowSec } = setup();
    const token = forgeToken(
      { alg: 'none', kid: key.kid },
      { iat: nowSec(), request_body_sha256: sha256(body) },
    );
    // Act + Assess
    expect(await verify(token)).toBe('unsupported_algorithm');
    expect(fetches).toEqual([]);
  });

  it('rejects HS256 keyed with the public key (algorithm confusion)', async () => {
    // Prepare
    const { key, body, verify, nowSec } = setup();
    const token = hs256WithPublicKey(key, { iat: nowSec(), request_body_sha256: sha256(body) });
    // Act + Assess
    expect(await verify(token)).toBe('unsupported_algorithm');
  });

  it('rejects a key whose expired_at is in the past', async () => {
    // Prepare
    const clock = new ManualClock(Date.now());
    const key = generatePlaidSigningKey();
    const { cache } = inMemoryKeyCache(
      [{ ...key.jwk, expired_at: Math.floor(clock.ms / 1000) - 60 }],
      clock.now,
    );
    const body = seed('plaid__ITEM__ERROR.json').raw;
    // Act
    const result = verifyPlaidSignature(
      { headers: { 'plaid-verification': signPlaidBody(body, key) }, body, bodySha256: sha256(body) },
      { keys: cache, now: clock.now },
    );
    // Assess
    await expect(result).rejects.toMatchObject({ reason: 'expired_key' });
  });

  it('rejects an iat 6 minutes old', async () => {
    const { key, body, verify, nowSec } = setup();
    expect(await verify(signPlaidBody(body, key, { iat: nowSec() - 360 }))).toBe('stale_token');
  });

  it('rejects a captured valid request replayed after 5 minutes', async () => {
    // Prepare
    const { key, body, verify, clock } = setup();
    const token = signPlaidBody(body, key, { iat: Math.floor(clock.ms / 1000) });
    expect(await verify(token)).toBe('accepted');
    // Act
    clock.advance(5 * 60_000 + 1000);
    // Assess
    expect(await verify(token)).toBe('stale_token');
  });

  it('rejects an iat in the future beyond the skew allowance', async () => {
    const { key, body, verify, nowSec } = setup();
    expect(await verify(signPlaidBody(body, key, { iat: nowSec() + 120 }))).toBe('future_token');
  });

  it('rejects a body changed by one byte', async () => {
    // Prepare
    const { key, body, verify } = setup();
    const changed = Buffer.from(body);
    changed[20] = (changed[20] ?? 0) ^ 1;
    // Act + Assess
    expect(await verify(signPlaidBody(body, key), changed)).toBe('body_mismatch');
  });

  it('rejects the same JSON re-serialised', async () => {
    // Prepare
    const { key, body, verify } = setup();
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    // Act + Assess
    expect(await verify(signPlaidBody(body, key), reserialised)).toBe('body_mismatch');
  });

  it('rejects claims changed after signing', async () => {
    // Prepare
    const { key, body, verify, nowSec } = setup();
    const [header, , signature] = signPlaidBody(body, key).split('.');
    const claims = Buffer.from(
      JSON.stringify({ iat: nowSec() + 1, request_body_sha256: sha256(body) }),
    ).toString('base64url');
    // Act + Assess
    expect(await verify(`${header}.${claims}.${signature}`)).toBe('bad_signature');
  });

  it('rejects an unknown kid after one key fetch, and does not fetch it again', async () => {
    // Prepare
    const { body, verify, fetches } = setup();
    const stranger = generatePlaidSigningKey();
    // Act
    const first = await verify(signPlaidBody(body, stranger));
    const second = await verify(signPlaidBody(body, stranger));
    // Assess
    expect([first, second]).toEqual(['unknown_key', 'unknown_key']);
    expect(fetches).toEqual([stranger.kid]);
  });

  it.each([
    ['path traversal', '../../webhook_verification_key/get'],
    ['very long', 'a'.repeat(5000)],
    ['not a string', 42],
    ['empty', ''],
  ])('rejects an odd kid (%s) without fetching it', async (_name, kid) => {
    // Prepare
    const { key, body, verify, fetches, nowSec } = setup();
    const token = forgeToken(
      { alg: 'ES256', kid },
      { iat: nowSec(), request_body_sha256: sha256(body) },
      signPlaidBody(body, key).split('.')[2],
    );
    // Act
    const reason = await verify(token);
    // Assess
    expect(reason).toBe('malformed_signature');
    expect(fetches).toEqual([]);
  });

  it.each([
    ['not a JWT', 'hello'],
    ['two segments', 'a.b'],
    ['header not JSON', 'bm90IGpzb24.e30.sig'],
  ])('rejects a malformed token (%s)', async (_name, token) => {
    const { verify } = setup();
    expect(await verify(token)).toBe('malformed_signature');
  });

  it('ignores an embedded jwk header and uses only the key Plaid serves for the kid', async () => {
    // Prepare
    const { key, body, verify } = setup();
    const attacker = generatePlaidSigningKey(key.kid);
    const token = signPlaidBody(body, attacker);
    const [, claims, signature] = token.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'ES256', kid: key.kid, jwk: attacker.jwk, jku: 'https://evil.example/jwks' }),
    ).toString('base64url');
    // Act + Assess
    expect(await verify(`${header}.${claims}.${signature}`)).toBe('bad_signature');
  });
});
