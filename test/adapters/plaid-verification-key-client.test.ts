import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPlaidKeyCache,
  createPlaidKeyFetcher,
} from '../../lambdas/providers/plaid/verification-key-client.js';
import { SignatureVerificationError, VerificationUnavailableError } from '../../lambdas/shared/errors.js';
import { startPlaidKeyServer } from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey } from '../../local/signing.js';
import { ManualClock } from '../helpers/fakes.js';

const credentials = async () => ({ clientId: 'client', secret: 'secret' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** A misbehaving key endpoint on loopback. */
const startServer = async (listener: RequestListener): Promise<{ url: string; hits: () => number }> => {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
};

describe('createPlaidKeyFetcher + createPlaidKeyCache against a key endpoint on loopback', () => {
  it('fetches a key once for many concurrent requests (single-flight)', async () => {
    // Prepare
    const key = generatePlaidSigningKey();
    const server = await startPlaidKeyServer({ keys: [key.jwk] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
    });
    // Act
    const keys = await Promise.all(Array.from({ length: 25 }, () => cache.get(key.kid)));
    // Assess
    expect(new Set(keys.map((k) => k.kid))).toEqual(new Set([key.kid]));
    expect(server.requests()).toBe(1);
  });

  it('answers an unknown kid as unknown_key with one fetch, then from memory', async () => {
    // Prepare
    const server = await startPlaidKeyServer({ keys: [] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
    });
    // Act
    const results = await Promise.allSettled([cache.get('unknown-kid'), cache.get('unknown-kid')]);
    const later = await cache.get('unknown-kid').catch((e: unknown) => e);
    // Assess
    for (const r of results)
      expect(r).toMatchObject({ status: 'rejected', reason: { reason: 'unknown_key' } });
    expect(later).toBeInstanceOf(SignatureVerificationError);
    expect(server.requests()).toBe(1);
  });

  it('tries an unknown kid again once the negative entry has aged out', async () => {
    // Prepare
    const key = generatePlaidSigningKey();
    const server = await startPlaidKeyServer({ keys: [] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
      negativeTtlMs: 60_000,
    });
    await expect(cache.get(key.kid)).rejects.toBeInstanceOf(SignatureVerificationError);
    // Act
    server.setKey(key.jwk);
    clock.advance(61_000);
    const found = await cache.get(key.kid);
    // Assess
    expect(found.kid).toBe(key.kid);
    expect(server.requests()).toBe(2);
  });

  it('refreshes a key after its TTL and sees that it has expired', async () => {
    // Prepare
    const key = generatePlaidSigningKey();
    const server = await startPlaidKeyServer({ keys: [key.jwk] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
      ttlMs: 60_000,
    });
    expect((await cache.get(key.kid)).expiredAt).toBeNull();
    // Act
    server.setKey({ ...key.jwk, expired_at: Math.floor(clock.ms / 1000) });
    clock.advance(61_000);
    const refreshed = await cache.get(key.kid);
    // Assess
    expect(refreshed.expiredAt).toBe(Math.floor((clock.ms - 61_000) / 1000));
    expect(server.requests()).toBe(2);
  });

  it('keeps serving a cached key when its refresh fails', async () => {
    // Prepare
    const key = generatePlaidSigningKey();
    let healthy = true;
    const server = await startServer((_req, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(healthy ? JSON.stringify({ key: key.jwk, request_id: 'r' }) : '{}');
    });
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
      ttlMs: 60_000,
    });
    await cache.get(key.kid);
    // Act
    healthy = false;
    clock.advance(61_000);
    const during = await cache.get(key.kid);
    const again = await cache.get(key.kid);
    // Assess
    expect(during.kid).toBe(key.kid);
    expect(again.kid).toBe(key.kid);
    expect(server.hits()).toBe(2);
  });

  it.each([
    ['HTTP 500', (res: Parameters<RequestListener>[1]) => res.writeHead(500).end('{}')],
    ['a body that is not JSON', (res: Parameters<RequestListener>[1]) => res.writeHead(200).end('<html>')],
    [
      'a key of another algorithm',
      (res: Parameters<RequestListener>[1]) =>
        res
          .writeHead(200)
          .end(JSON.stringify({ key: { alg: 'RS256', kty: 'RSA', kid: 'k', n: 'x', e: 'AQAB' } })),
    ],
  ])('reports %s as unavailable (503), and asks again next time', async (_name, answer) => {
    // Prepare
    const server = await startServer((_req, res) => answer(res));
    const clock = new ManualClock(Date.now());
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
    });
    // Act
    const first = await cache.get('k').catch((e: unknown) => e);
    const second = await cache.get('k').catch((e: unknown) => e);
    // Assess
    expect(first).toBeInstanceOf(VerificationUnavailableError);
    expect(second).toBeInstanceOf(VerificationUnavailableError);
    expect(server.hits()).toBe(2);
  });

  it('gives up on a key endpoint that never answers within the timeout', async () => {
    // Prepare
    const server = await startServer(() => {
      /* never answers */
    });
    const fetchKey = createPlaidKeyFetcher({ baseUrl: server.url, credentials, timeoutMs: 200 });
    // Act (a hang would fail the test on its timeout)
    const error = await fetchKey('k').catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(VerificationUnavailableError);
    expect((error as Error).message).toContain('did not answer');
  }, 5000);

  it('sends the credentials and the key id in the request body', async () => {
    // Prepare
    let seen: unknown;
    const key = generatePlaidSigningKey();
    const server = await startServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen = JSON.parse(Buffer.concat(chunks).toString());
      res.writeHead(200).end(JSON.stringify({ key: key.jwk, request_id: 'r' }));
    });
    // Act
    await createPlaidKeyFetcher({ baseUrl: `${server.url}/`, credentials })(key.kid);
    // Assess
    expect(seen).toEqual({ client_id: 'client', secret: 'secret', key_id: key.kid });
  });
});
