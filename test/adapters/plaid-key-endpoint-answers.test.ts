import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPlaidKeyCache,
  createPlaidKeyFetcher,
  type PlaidKeyFailureContext,
} from '../../lambdas/providers/plaid/verification-key-client.js';
import {
  PlaidKeyUnavailableError,
  SignatureVerificationError,
  type VerificationUnavailableError,
} from '../../lambdas/shared/errors.js';
import { startPlaidKeyServer } from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey } from '../../local/signing.js';
import { ManualClock } from '../helpers/fakes.js';

const SECRET = 'plaid-secret-never-logged';
const credentials = async () => ({ clientId: 'client', secret: SECRET });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

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

const plaidError = (status: number, errorType: string, errorCode: string): RequestListener => {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error_type: errorType,
        error_code: errorCode,
        error_message: 'x',
        display_message: null,
        request_id: `req-${errorCode}`,
      }),
    );
  };
};

describe("Plaid's key endpoint answers: only an unknown key id is a refused signature", () => {
  it.each([
    [400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid_request'],
    [400, 'INVALID_REQUEST', 'INVALID_FIELD', 'invalid_request'],
    [400, 'INVALID_REQUEST', 'MISSING_FIELDS', 'invalid_request'],
    [400, 'INVALID_INPUT', 'UNAUTHORIZED_ENVIRONMENT', 'invalid_request'],
    [401, 'INVALID_INPUT', 'INVALID_API_KEYS', 'unauthorized'],
    [403, 'INVALID_INPUT', 'UNAUTHORIZED_ROUTE_ACCESS', 'unauthorized'],
    [429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT', 'rate_limited'],
    [500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'server_error'],
    [503, 'API_ERROR', 'PLANNED_MAINTENANCE', 'server_error'],
    [404, 'INVALID_REQUEST', 'NOT_FOUND', 'unexpected_status'],
  ])(
    'HTTP %i %s %s is unavailable (503), with error_code and request_id, never the secret',
    async (status, type, code, reason) => {
      const server = await startServer(plaidError(status, type, code));
      const error = await createPlaidKeyFetcher({ baseUrl: server.url, credentials })(
        '6c5516e1-92dc-479e-a8ff-5a51992e0001',
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlaidKeyUnavailableError);
      expect((error as PlaidKeyUnavailableError).details).toEqual({
        reason,
        status,
        errorType: type,
        errorCode: code,
        requestId: `req-${code}`,
      });
      expect(JSON.stringify((error as PlaidKeyUnavailableError).details)).not.toContain(SECRET);
      expect((error as Error).message).not.toContain(SECRET);
    },
  );

  it('HTTP 400 INVALID_WEBHOOK_VERIFICATION_KEY_ID is the one refused signature (401, unknown_key)', async () => {
    const server = await startServer(plaidError(400, 'INVALID_INPUT', 'INVALID_WEBHOOK_VERIFICATION_KEY_ID'));
    const error = await createPlaidKeyFetcher({ baseUrl: server.url, credentials })('k').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SignatureVerificationError);
    expect((error as SignatureVerificationError).reason).toBe('unknown_key');
  });

  it('a refused connection is unavailable for a network reason', async () => {
    const server = await startServer(() => undefined);
    const url = server.url;
    await closers.pop()?.();
    const error = await createPlaidKeyFetcher({ baseUrl: url, credentials })('k').catch((e: unknown) => e);
    expect((error as PlaidKeyUnavailableError).details).toEqual({ reason: 'network' });
  });

  it('the credentials read counts against the fetch timeout: a hung secret store is a timeout', async () => {
    const hung = () => new Promise<never>(() => undefined);
    const error = await createPlaidKeyFetcher({
      baseUrl: 'http://127.0.0.1:9',
      credentials: hung,
      timeoutMs: 150,
    })('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaidKeyUnavailableError);
    expect((error as PlaidKeyUnavailableError).details).toEqual({ reason: 'timeout' });
  }, 5000);

  it('unreadable credentials are unavailable (503) for a credentials reason', async () => {
    const failing = async () => {
      throw new Error('AccessDeniedException');
    };
    const error = await createPlaidKeyFetcher({ baseUrl: 'http://127.0.0.1:9', credentials: failing })(
      'k',
    ).catch((e: unknown) => e);
    expect((error as PlaidKeyUnavailableError).details).toEqual({ reason: 'credentials' });
  });
});

describe('the key cache under failing refreshes and floods of key ids', () => {
  it('keeps a cached key through a refresh answered INVALID_API_KEYS, and reports the failure', async () => {
    // Prepare
    const key = generatePlaidSigningKey();
    const server = await startPlaidKeyServer({ keys: [key.jwk] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const failures: [VerificationUnavailableError, PlaidKeyFailureContext][] = [];
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
      ttlMs: 60_000,
      onFetchFailure: (error, context) => failures.push([error, context]),
    });
    await cache.get(key.kid);
    // Act
    server.setFailure({
      status: 400,
      body: { error_type: 'INVALID_INPUT', error_code: 'INVALID_API_KEYS', request_id: 'r-1' },
    });
    clock.advance(61_000);
    const kept = await cache.get(key.kid);
    // Assess
    expect(kept.kid).toBe(key.kid);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.[1]).toEqual({ kid: key.kid, servedCachedKey: true });
    expect((failures[0]?.[0] as PlaidKeyUnavailableError | undefined)?.details).toMatchObject({
      errorCode: 'INVALID_API_KEYS',
      requestId: 'r-1',
    });
  });

  it('does not remember a key id as unknown when the endpoint failed for another reason', async () => {
    const key = generatePlaidSigningKey();
    const server = await startPlaidKeyServer({ keys: [key.jwk] });
    closers.push(server.close);
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: new ManualClock(Date.now()).now,
    });
    server.setFailure({ status: 400, body: { error_code: 'INVALID_API_KEYS' } });
    await expect(cache.get(key.kid)).rejects.toBeInstanceOf(PlaidKeyUnavailableError);
    server.setFailure(undefined);
    expect((await cache.get(key.kid)).kid).toBe(key.kid);
  });

  it('caps fetches per minute: past the cap an uncached kid is unavailable without a call, until the minute passes', async () => {
    // Prepare
    const server = await startPlaidKeyServer({ keys: [] });
    closers.push(server.close);
    const clock = new ManualClock(Date.now());
    const reasons: string[] = [];
    const cache = createPlaidKeyCache({
      fetchKey: createPlaidKeyFetcher({ baseUrl: server.url, credentials }),
      now: clock.now,
      maxFetchesPerMinute: 3,
      onFetchFailure: (error) => reasons.push((error as PlaidKeyUnavailableError).details.reason),
    });
    const kids = Array.from({ length: 6 }, () => crypto.randomUUID());
    // Act
    const answers = [];
    for (const kid of kids) answers.push(await cache.get(kid).catch((e: unknown) => e));
    clock.advance(60_001);
    const later = await cache.get(crypto.randomUUID()).catch((e: unknown) => e);
    // Assess
    expect(answers.slice(0, 3).every((a) => a instanceof SignatureVerificationError)).toBe(true);
    expect(answers.slice(3).every((a) => a instanceof PlaidKeyUnavailableError)).toBe(true);
    expect(reasons).toEqual(['fetch_cap', 'fetch_cap', 'fetch_cap']);
    expect(server.requests()).toBe(4);
    expect(later).toBeInstanceOf(SignatureVerificationError);
  });
});
