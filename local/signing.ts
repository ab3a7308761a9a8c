import { createHash, createHmac, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import type { PlaidJwk } from '../lambdas/providers/plaid/verification-key-client.js';

/** An ES256 signing key in Plaid's format: the private half signs, the JWK is served for verification. */
export interface PlaidSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PlaidJwk;
}

/** Generates a P-256 key pair with a fresh key id, as Plaid's webhook keys are. */
export const generatePlaidSigningKey = (
  kid: string = randomUUID(),
  createdAt = Math.floor(Date.now() / 1000),
): PlaidSigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: toPlaidJwk(kid, publicKey, createdAt) };
};

/** The public JWK of a key, with Plaid's extra fields (`created_at`, `expired_at: null`). */
export const toPlaidJwk = (kid: string, publicKey: KeyObject, createdAt: number): PlaidJwk => {
  const { x, y } = publicKey.export({ format: 'jwk' });
  return {
    alg: 'ES256',
    crv: 'P-256',
    kty: 'EC',
    use: 'sig',
    kid,
    x: x ?? '',
    y: y ?? '',
    created_at: createdAt,
    expired_at: null,
  };
};

/** Options of {@link signPlaidBody}. */
export interface PlaidSignOptions {
  /** Issued-at, unix seconds; now by default. */
  readonly iat?: number;
}

/** The `Plaid-Verification` JWT for a body: ES256 over `{iat, request_body_sha256}`, as Plaid signs. */
export const signPlaidBody = (
  body: Buffer | string,
  key: PlaidSigningKey,
  { iat }: PlaidSignOptions = {},
): string => {
  // fast-jwt sets `iat` itself from its clock (and drops a payload `iat`), so the clock carries it.
  const sign = createSigner({
    key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    algorithm: 'ES256',
    kid: key.kid,
    clockTimestamp: (iat ?? Math.floor(Date.now() / 1000)) * 1000,
  });
  return sign({ request_body_sha256: createHash('sha256').update(body).digest('hex') });
};

/** The `X-Argyle-Signature` value for a body: hex HMAC-SHA512 keyed with the subscription secret. */
export const signArgyleBody = (body: Buffer | string, secret: string): string =>
  createHmac('sha512', secret).update(body).digest('hex');
