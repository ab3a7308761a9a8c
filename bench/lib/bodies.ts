import { createHash, sign } from 'node:crypto';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { type PlaidSigningKey, signArgyleBody } from '../../local/signing.js';

/** A signed delivery, ready to post or to wrap in an API Gateway event. */
export interface Delivery {
  readonly provider: ProviderName;
  readonly detailType: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const SAMPLES: Readonly<Record<ProviderName, readonly { detailType: string; sample: unknown }[]>> = {
  plaid: DETAIL_TYPES.filter((d) => d.provider === 'plaid').map((d) => ({
    detailType: d.detailType,
    sample: d.entry.sample,
  })),
  argyle: DETAIL_TYPES.filter((d) => d.provider === 'argyle').map((d) => ({
    detailType: d.detailType,
    sample: d.entry.sample,
  })),
};

/** How many catalogue samples a provider has. */
export const sampleCount = (provider: ProviderName): number => SAMPLES[provider].length;

/**
 * The `seq`-th body of a provider: its catalogue samples in turn, each made unique by a `bench_seq`
 * field (the schemas are loose, so the extra field is carried, not refused), pretty-printed as the
 * providers and the CLI send them.
 */
export const uniqueBody = (provider: ProviderName, seq: number): { detailType: string; body: Buffer } => {
  const samples = SAMPLES[provider];
  const { detailType, sample } = samples[seq % samples.length] as (typeof samples)[number];
  return {
    detailType,
    body: Buffer.from(JSON.stringify({ ...(sample as object), bench_seq: seq }, null, 2)),
  };
};

const b64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * A fast `Plaid-Verification` signer (node:crypto with a prepared key): the same compact ES256 JWS
 * as `signPlaidBody`, without re-importing the key for every body, so thousands of bodies can be
 * signed in a second.
 */
export const plaidSigner = (key: PlaidSigningKey) => {
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid }));
  return (body: Buffer, iat = Math.floor(Date.now() / 1000)): string => {
    const claims = { request_body_sha256: createHash('sha256').update(body).digest('hex'), iat };
    const input = `${header}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
};

/** Signs deliveries of either provider. */
export const deliverySigner = (key: PlaidSigningKey, argyleSecret: string) => {
  const signPlaid = plaidSigner(key);
  return (provider: ProviderName, detailType: string, body: Buffer): Delivery => ({
    provider,
    detailType,
    body,
    headers:
      provider === 'plaid'
        ? { 'content-type': 'application/json', 'plaid-verification': signPlaid(body) }
        : { 'content-type': 'application/json', 'x-argyle-signature': signArgyleBody(body, argyleSecret) },
  });
};

/** `count` unique signed deliveries of one provider. */
export const signedDeliveries = (
  provider: ProviderName,
  count: number,
  key: PlaidSigningKey,
  argyleSecret: string,
  firstSeq = 0,
): Delivery[] => {
  const signer = deliverySigner(key, argyleSecret);
  const out: Delivery[] = [];
  for (let i = 0; i < count; i += 1) {
    const { detailType, body } = uniqueBody(provider, firstSeq + i);
    out.push(signer(provider, detailType, body));
  }
  return out;
};
