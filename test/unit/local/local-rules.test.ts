import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleState } from '../../../local/console/console-state.js';
import {
  createRuleWorker,
  type Delivery,
  type RetryPolicy,
} from '../../../local/subscriptions/rule-delivery.js';
import { parseRules, RulesFileError } from '../../../local/subscriptions/rules-file.js';

const FAST: RetryPolicy = {
  firstDelayMs: 10,
  maxDelayMs: 40,
  maxAgeMs: 60_000,
  timeoutMs: 2000,
  handlerTimeoutMs: 2000,
};
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A target answering the given statuses in turn (the last one repeats), recording bodies. */
const answering = async (statuses: number[]) => {
  const bodies: string[] = [];
  let i = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const status = statuses[Math.min(i++, statuses.length - 1)] ?? 200;
      if (status < 300) bodies.push(body);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
};

const settle = (worker: { pending(): number }) =>
  new Promise<void>((resolve) => {
    const check = () => (worker.pending() === 0 ? resolve() : setTimeout(check, 5));
    check();
  });

const fields = (n: number) => ({
  id: n,
  eventId: `e${n}`,
  webhookId: `w${n}`,
  detailType: 'T',
  queuedAt: new Date().toISOString(),
});

describe('rule delivery', () => {
  it('retries 5xx and refused connections with backoff, then delivers in order', async () => {
    const target = await answering([503, 500, 200]);
    const seen: string[] = [];
    const worker = createRuleWorker({
      rule: 'r',
      targetText: target.url,
      target: { kind: 'http', url: target.url },
      retry: FAST,
      onAttempt: (d, a) => seen.push(`${d.webhookId}#${a.attempt}:${a.ok ? 'ok' : a.error}`),
    });
    const first = worker.enqueue(fields(1), '{"n":1}');
    const second = worker.enqueue(fields(2), '{"n":2}');
    await settle(worker);
    expect(target.bodies).toEqual(['{"n":1}', '{"n":2}']);
    expect(seen).toEqual([
      'w1#1:HTTP 503 Service Unavailable',
      'w1#2:HTTP 500 Internal Server Error',
      'w1#3:ok',
      'w2#1:ok',
    ]);
    expect(first.attempts[0]?.retryAt).toBeDefined();
    expect([first.state, second.state]).toEqual(['delivered', 'delivered']);
  });

  it('gives up at once on a 4xx other than 408 and 429, as an API destination does', async () => {
    const target = await answering([400]);
    const done: Delivery[] = [];
    const worker = createRuleWorker({
      rule: 'r',
      targetText: target.url,
      target: { kind: 'http', url: target.url },
      retry: FAST,
      onAttempt: (d) => done.push(d),
    });
    const delivery = worker.enqueue(fields(1), '{}');
    await settle(worker);
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]?.retryAt).toBeUndefined();
  });

  it('gives up once the event is older than the maximum age', async () => {
    // A port nothing listens on: the server is closed before the first try.
    const closed = await answering([200]);
    await new Promise((r) => servers.pop()?.close(r));
    const worker = createRuleWorker({
      rule: 'r',
      targetText: closed.url,
      target: { kind: 'http', url: closed.url },
      retry: { ...FAST, maxAgeMs: 100 },
      onAttempt: () => undefined,
    });
    const delivery = worker.enqueue(fields(1), '{}');
    await settle(worker);
    expect(delivery.state).toBe('failed');
    expect(delivery.attempts.at(-1)?.error).toBe('ECONNREFUSED');
    expect(delivery.attempts.at(-1)?.retryAt).toBeUndefined();
    for (const a of delivery.attempts.slice(0, -1)) expect(a.retryAt).toBeDefined();
  });

  it('appends to a file target, one event a line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wp-rule-')), 'sub', 'out.ndjson');
    const worker = createRuleWorker({
      rule: 'r',
      targetText: 'file:sub/out.ndjson',
      target: { kind: 'file', path },
      retry: FAST,
      onAttempt: () => undefined,
    });
    worker.enqueue(fields(1), '{"n":1}');
    worker.enqueue(fields(2), '{"n":2}');
    await settle(worker);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });
});

describe('rules file', () => {
  const rule = (over: Record<string, unknown> = {}) => ({
    name: 'r1',
    eventPattern: { source: ['webhooks.plaid'] },
    target: 'http://127.0.0.1:4000/',
    ...over,
  });
  const parse = (value: unknown) => parseRules(JSON.stringify(value), '/tmp/rules/rules.json');

  it('reads rules, with file targets relative to the rules file', () => {
    const rules = parse([rule(), rule({ name: 'r2', target: 'file:out/x.ndjson' })]);
    expect(rules.map((r) => r.target)).toEqual([
      { kind: 'http', url: 'http://127.0.0.1:4000/' },
      { kind: 'file', path: '/tmp/rules/out/x.ndjson' },
    ]);
  });

  it.each([
    ['not JSON', '[', /not valid JSON/],
    ['not an array', { name: 'x' }, /expected array/],
    ['an unknown field', [rule({ extra: 1 })], /Unrecognized key/],
    ['a bad target', [rule({ target: 'ftp://x' })], /a target is/],
    ['a name used twice', [rule(), rule()], /used twice/],
    [
      'an invalid pattern',
      [rule({ eventPattern: { source: 'webhooks.plaid' } })],
      /rule "r1": Event pattern is not valid/,
    ],
  ])('refuses %s with the reason', (_name, value, reason) => {
    expect(() => parseRules(typeof value === 'string' ? value : JSON.stringify(value), 'rules.json')).toThrow(
      RulesFileError,
    );
    expect(() => parseRules(typeof value === 'string' ? value : JSON.stringify(value), 'rules.json')).toThrow(
      reason,
    );
  });
});

describe('console memory', () => {
  it('keeps the last requests and forgets the history and events of webhooks no longer listed', () => {
    const state = createConsoleState(2);
    const add = (webhookId: string) =>
      state.addRequest({
        at: new Date().toISOString(),
        provider: 'plaid',
        method: 'POST',
        path: '/webhooks/plaid',
        status: 200,
        outcome: 'accepted',
        webhookId,
        detailType: 'T',
        ids: [],
        headers: {},
        rawBody: '{}',
        bodyEncoding: 'utf8',
        verification: 'verified',
        answer: '{}',
        origin: 'test',
      });
    add('w1');
    state.addStatus('w1', 'received', 'accepted');
    state.addEvent('w1', { at: '', id: 'e1', replayed: false, line: '{}' });
    add('w2');
    add('w3');
    expect(state.rows().map((r) => r.webhookId)).toEqual(['w2', 'w3']);
    expect(state.history('w1')).toEqual([]);
    expect(state.events('w1')).toEqual([]);
  });
});
