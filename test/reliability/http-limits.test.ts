import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signArgyleBody } from '../../local/signing.js';
import { type DevProcess, startDevProcess, waitFor } from '../helpers/dev-process.js';

const SECRET = 'whsec_http_limits';
const LIMIT = 256 * 1024;
const FIVE_MB = 5 * 1024 * 1024;
let dev: DevProcess;

beforeAll(async () => {
  dev = await startDevProcess({ ARGYLE_WEBHOOK_SECRETS: SECRET, RECONCILE_EVERY_SECONDS: '0' });
}, 90_000);
afterAll(async () => {
  await dev?.stop();
});

interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Body bytes the client had handed to the socket when the answer arrived. */
  readonly writtenAtAnswer: number;
  /** True once the server has closed the connection. */
  readonly closed: boolean;
}

/**
 * POSTs with a correct `Content-Length` of `declared` bytes but writes only `first`, then waits for
 * the answer before writing anything else. A server that reads the whole body before answering
 * never answers (the test timeout is the bound); one that refuses on the declared length answers
 * at once and closes the connection.
 */
const postDeclared = (path: string, declared: number, first: Buffer, headers: Record<string, string> = {}) =>
  new Promise<Exchange>((resolve, reject) => {
    let written = 0;
    let socket: Socket | undefined;
    let responded = false;
    const req = request({
      host: '127.0.0.1',
      port: dev.port,
      method: 'POST',
      path,
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(declared), ...headers },
    });
    req.on('socket', (s) => {
      socket = s;
    });
    // A reset after the answer (the server discarded unread bytes) is the expected ending.
    req.on('error', (error) => {
      if (!responded) reject(error);
    });
    req.on('response', (res) => {
      responded = true;
      const writtenAtAnswer = written;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      const ended = new Promise<void>((r) => res.once('end', () => r()));
      const closed = new Promise<void>((r) => {
        if (!socket || socket.destroyed) r();
        else socket.once('close', () => r());
      });
      void Promise.all([ended, closed]).then(() =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          writtenAtAnswer,
          closed: socket?.destroyed ?? true,
        }),
      );
    });
    req.flushHeaders();
    if (first.length) {
      req.write(first);
      written += first.length;
    }
    if (first.length === declared) req.end();
  });

describe('body limit at the HTTP level (npm run dev as a child process, real handler.ts)', () => {
  it('answers 413 to a 5 MB body with a correct Content-Length before the client has sent it, and closes the connection', async () => {
    // Act
    const answer = await postDeclared('/webhooks/argyle', FIVE_MB, Buffer.alloc(64 * 1024, 0x20));
    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: `body exceeds the limit of ${LIMIT} bytes` });
    expect(answer.headers.connection).toBe('close');
    expect(answer.writtenAtAnswer).toBe(64 * 1024);
    expect(answer.writtenAtAnswer).toBeLessThan(FIVE_MB);
    expect(answer.closed).toBe(true);
    await waitFor(
      () => (dev.output().includes('413 body too large') ? true : undefined),
      5000,
      'the 413 log line',
    );
  }, 15_000);

  it('answers 413 to a Plaid delivery declaring 5 MB with no body bytes written yet', async () => {
    const answer = await postDeclared('/webhooks/plaid', FIVE_MB, Buffer.alloc(0), {
      'plaid-verification': 'not-even-a-jwt',
    });
    expect(answer).toMatchObject({ status: 413, writtenAtAnswer: 0, closed: true });
  }, 15_000);

  it('answers 413 to one byte over the limit and 200 to a signed body of exactly the limit (controls)', async () => {
    // Prepare
    const json = JSON.stringify({
      event: 'items.removed',
      name: 'limits',
      data: { item: 'item_http_limit' },
    });
    const atLimit = Buffer.from(json.padEnd(LIMIT, ' '));
    // Act
    const over = await postDeclared('/webhooks/argyle', LIMIT + 1, Buffer.alloc(1024, 0x20));
    const exact = await postDeclared('/webhooks/argyle', LIMIT, atLimit, {
      'x-argyle-signature': signArgyleBody(atLimit, SECRET),
    });
    // Assess
    expect(over).toMatchObject({ status: 413, closed: true });
    expect(exact.status).toBe(200);
    expect(JSON.parse(exact.body)).toMatchObject({ status: 'accepted' });
  }, 15_000);
});
