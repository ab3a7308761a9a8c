import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ArgyleStub, startArgyleStub } from './stubs/argyle-stub.js';
import { readReport, runCli, tempDir, writeLines } from './stubs/run-cli.js';

const KEY_ID = 'argyle-key-id';
const KEY_SECRET = 'argyle-key-secret';
const WEBHOOK_SECRET = 'whsec_pipeline_0123456789abcdef';
const HOOK = 'https://hooks.example.test/webhooks/argyle';

let stub: ArgyleStub;
let dir: string;
beforeAll(() => {
  dir = tempDir();
});
afterEach(async () => stub?.close());

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ARGYLE_BASE_URL: stub.url,
  ARGYLE_API_KEY_ID: KEY_ID,
  ARGYLE_API_KEY_SECRET: KEY_SECRET,
  ARGYLE_WEBHOOK_SECRETS: `${WEBHOOK_SECRET},whsec_previous_rotation_9876543210`,
  ...extra,
});

const itemIds = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `item_${String(from + i).padStart(9, '0')}`);

const register = (args: string[], extra: Record<string, string> = {}) =>
  runCli(['register', 'argyle', '--url', HOOK, '--retry-delay', '5', ...args], env(extra));

interface ArgyleReport {
  ok: boolean;
  summary: Record<string, number>;
  parameters: Record<string, unknown>;
  items: {
    name: string;
    status: string;
    events: string[];
    items?: string[];
    id?: string;
    recovered?: boolean;
  }[];
}

describe('register argyle (against an Argyle stub)', () => {
  it('creates one subscription for the plain events and one per 30 Items, every field as documented', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const items = writeLines(dir, 'items-65.txt', [
      '# items of the pilot',
      ...itemIds(1, 65),
      itemIds(1, 1)[0] ?? '',
    ]);
    const report = join(dir, 'argyle-first.json');
    // Act
    const run = await register([
      '--events',
      'accounts.connected,accounts.failed',
      '--events',
      'items.updated,items.removed',
      '--items',
      items,
      '--report',
      report,
    ]);
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const posts = stub.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(4);
    for (const post of posts) {
      expect(post.path).toBe('/v2/webhooks');
      expect(post.headers.authorization).toBe(
        `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`,
      );
      expect(post.headers['content-type']).toBe('application/json');
      const body = post.body as Record<string, unknown>;
      expect(body.url).toBe(HOOK);
      expect(body.secret).toBe(WEBHOOK_SECRET);
      expect(typeof body.name).toBe('string');
    }
    const bodies = posts.map(
      (p) => p.body as { events: string[]; name: string; config?: { items: string[] } },
    );
    const plain = bodies.filter((b) => !b.config);
    expect(plain).toHaveLength(1);
    expect(plain[0]).toEqual({
      events: ['accounts.connected', 'accounts.failed'],
      name: 'webhook-pipeline',
      url: HOOK,
      secret: WEBHOOK_SECRET,
    });
    const itemBodies = bodies.filter((b) => b.config);
    expect(itemBodies.map((b) => b.config?.items.length).sort()).toEqual([30, 30, 5]);
    for (const b of itemBodies) {
      expect(Object.keys(b).sort()).toEqual(['config', 'events', 'name', 'secret', 'url']);
      expect(b.events).toEqual(['items.updated', 'items.removed']);
      expect(b.name).toMatch(/^webhook-pipeline-items-[0-9a-f]{10}$/);
    }
    expect(itemBodies.flatMap((b) => b.config?.items ?? []).sort()).toEqual(itemIds(1, 65).sort());
    const listing = stub.requests.find((r) => r.method === 'GET');
    expect(listing?.query.get('limit')).toBe('200');
    const written = readReport<ArgyleReport>(report);
    expect(written.summary).toMatchObject({ items: 65, created: 4, failed: 0, alreadyCovered: 0 });
    // The secret is never shown in full.
    expect(run.stdout + JSON.stringify(written)).not.toContain(WEBHOOK_SECRET);
    expect(run.stdout).toContain('whse…cdef');
  });

  it('is idempotent: a second run creates nothing, a run with more Items creates only for the new ones', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const first = writeLines(dir, 'items-40.txt', itemIds(100, 40));
    const more = writeLines(dir, 'items-47.txt', itemIds(100, 47));
    const args = (file: string, report: string) => [
      '--events',
      'items.updated,paystubs.added',
      '--items',
      file,
      '--report',
      join(dir, report),
    ];
    await register(args(first, 'i1.json'));
    const afterFirst = stub.subscriptions.length;
    // Act
    const again = await register(args(first, 'i2.json'));
    const grown = await register(args(more, 'i3.json'));
    // Assess
    expect(afterFirst).toBe(3);
    expect(again.code).toBe(0);
    expect(readReport<ArgyleReport>(join(dir, 'i2.json')).summary).toMatchObject({
      created: 0,
      alreadyCovered: 41,
    });
    expect(grown.code).toBe(0);
    expect(readReport<ArgyleReport>(join(dir, 'i3.json')).summary).toMatchObject({
      created: 1,
      alreadyCovered: 41,
    });
    expect(stub.subscriptions).toHaveLength(4);
    expect(stub.subscriptions.at(-1)?.config).toEqual({ items: itemIds(140, 7) });
    // Each (event, Item) pair and each plain event is delivered by exactly one subscription.
    const pairs = stub.subscriptions.flatMap((s) =>
      s.events.flatMap((e) => ((s.config.items as string[] | undefined) ?? ['-']).map((i) => `${e}/${i}`)),
    );
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('follows the listing cursor past 200 subscriptions and counts * as covering plain events', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    for (let i = 0; i < 450; i += 1) {
      stub.subscriptions.push({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        name: `other-${i}`,
        events: ['accounts.added'],
        config: {},
        secret: 'someone-else',
        url: `https://other.example.test/${i}`,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
        last_sent_at: null,
      });
    }
    stub.subscriptions.push({
      ...(stub.subscriptions[0] as (typeof stub.subscriptions)[number]),
      id: '11111111-0000-4000-8000-000000000000',
      name: 'manual-all',
      events: ['*'],
      secret: WEBHOOK_SECRET,
      url: HOOK,
    });
    const report = join(dir, 'paged.json');
    // Act
    const run = await register(['--events', 'accounts.connected,gigs.added', '--report', report]);
    // Assess
    expect(run.code).toBe(0);
    const gets = stub.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(3);
    expect(gets.map((g) => g.query.get('limit'))).toEqual(['200', '200', '200']);
    expect(gets[0]?.query.get('cursor')).toBeNull();
    expect(gets[1]?.query.get('cursor')).toBeTruthy();
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(readReport<ArgyleReport>(report).items).toEqual([
      expect.objectContaining({ name: 'manual-all', status: 'exists' }),
    ]);
  });

  it('does not count a subscription at the URL whose secret the pipeline cannot verify, and says so', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const base = { config: {}, url: HOOK, created_at: '', updated_at: '', last_sent_at: null };
    stub.subscriptions.push(
      { ...base, id: 'a', name: 'unsigned', events: ['accounts.connected'], secret: null },
      { ...base, id: 'b', name: 'foreign', events: ['accounts.connected'], secret: 'not-ours' },
    );
    // Act
    const run = await register(['--events', 'accounts.connected', '--report', join(dir, 'ignored.json')]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('unsigned (a) at this URL is not counted: no secret');
    expect(run.stdout).toContain(
      'foreign (b) at this URL is not counted: a secret the pipeline does not verify with',
    );
    expect(stub.subscriptions).toHaveLength(3);
  });

  it('retries 429 (Retry-After) and a lost answer without creating a subscription twice; reports 400s per subscription', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    stub.faults.POST = [
      {
        status: 429,
        body: { detail: 'Request was throttled. Expected available in 0 seconds.' },
        headers: { 'retry-after': '0' },
      },
    ];
    stub.loseAnswers(1);
    const items = writeLines(dir, 'items-31.txt', itemIds(500, 31));
    const report = join(dir, 'faults.json');
    // Act
    const run = await register([
      '--events',
      'items.removed,accounts.removed',
      '--items',
      items,
      '--concurrency',
      '1',
      '--report',
      report,
    ]);
    // Assess
    expect(run.code, run.stdout).toBe(0);
    expect(stub.subscriptions).toHaveLength(3);
    const written = readReport<ArgyleReport>(report);
    expect(written.summary).toMatchObject({ created: 3, failed: 0 });
    expect(written.items.filter((i) => i.recovered)).toHaveLength(1);

    // Prepare: Argyle refuses a create (field errors, no retry)
    stub.faults.POST = [{ status: 400, body: { url: ['Enter a valid URL.'] } }];
    const refused = join(dir, 'refused.json');
    // Act
    const bad = await register(['--events', 'gigs.removed', '--report', refused]);
    // Assess
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('HTTP 400: url: Enter a valid URL.');
    expect(readReport<ArgyleReport>(refused).items.at(-1)).toMatchObject({
      status: 'failed',
      error: { status: 400, detail: 'url: Enter a valid URL.' },
    });
  });

  it("fails with exit 1 and Argyle's message on wrong API keys; 5xx on the listing is retried then reported", async () => {
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const wrong = await register(['--events', 'accounts.added'], { ARGYLE_API_KEY_SECRET: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('HTTP 401: Invalid username/password.');
    stub.faults.GET = Array.from({ length: 3 }, () => ({
      status: 503,
      text: '<html>Service Unavailable</html>',
    }));
    const down = await register(['--events', 'accounts.added', '--max-attempts', '3']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('HTTP 503: <html>Service Unavailable</html>');
    expect(stub.subscriptions).toHaveLength(0);
  });

  it('--dry-run lists what it would create and changes nothing', async () => {
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const report = join(dir, 'dry.json');
    const run = await register(['--events', 'accounts.added', '--dry-run', '--report', report]);
    expect(run.code).toBe(0);
    expect(stub.subscriptions).toHaveLength(0);
    expect(readReport<ArgyleReport>(report).items).toEqual([
      expect.objectContaining({ status: 'planned', events: ['accounts.added'] }),
    ]);
  });

  it('refuses bad usage with exit 2 before calling Argyle', async () => {
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const items = writeLines(dir, 'items-usage.txt', itemIds(1, 2));
    const runs = await Promise.all([
      register(['--events', 'items.updated']),
      register(['--events', 'accounts.added', '--items', items]),
      register(['--events', 'accounts.teleported']),
      register([]),
      runCli(['register', 'argyle', '--events', 'accounts.added'], env()),
      runCli(['register', 'argyle', '--url', HOOK, '--events', 'accounts.added'], {
        ...env(),
        ARGYLE_BASE_URL: '',
      }),
      register(['--events', 'accounts.added'], { ARGYLE_WEBHOOK_SECRETS: '' }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(runs[0]?.stderr).toContain('need --items');
    expect(runs[2]?.stderr).toContain('unknown Argyle event: accounts.teleported');
    expect(runs[6]?.stderr).toContain('no webhook secret');
    expect(stub.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });
});

describe('unregister argyle (against an Argyle stub)', () => {
  it('deletes the subscriptions registered for the URL, and only those', async () => {
    // Prepare
    stub = await startArgyleStub(KEY_ID, KEY_SECRET);
    const items = writeLines(dir, 'items-35.txt', itemIds(900, 35));
    await register([
      '--events',
      'items.updated,accounts.added',
      '--items',
      items,
      '--report',
      join(dir, 'u0.json'),
    ]);
    const base = { config: {}, created_at: '', updated_at: '', last_sent_at: null, secret: WEBHOOK_SECRET };
    stub.subscriptions.push(
      { ...base, id: 'keep-1', name: 'someone-else', events: ['accounts.added'], url: HOOK },
      {
        ...base,
        id: 'keep-2',
        name: 'webhook-pipeline',
        events: ['accounts.added'],
        url: 'https://other.example.test/',
      },
    );
    stub.faults.DELETE = [{ status: 500, body: { detail: 'A server error occurred.' } }];
    const report = join(dir, 'unregister.json');
    // Act
    const run = await runCli(
      ['unregister', 'argyle', '--url', HOOK, '--retry-delay', '5', '--report', report],
      env(),
    );
    const again = await runCli(
      ['unregister', 'argyle', '--url', HOOK, '--report', join(dir, 'u2.json')],
      env(),
    );
    // Assess
    expect(run.code, run.stdout).toBe(0);
    expect(readReport<ArgyleReport>(report).summary).toMatchObject({ matched: 3, deleted: 3, failed: 0 });
    const deletes = stub.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.every((d) => /^\/v2\/webhooks\/[\w-]+$/.test(d.path))).toBe(true);
    expect(stub.subscriptions.map((s) => s.id).sort()).toEqual(['keep-1', 'keep-2']);
    expect(again.code).toBe(0);
    expect(readReport<ArgyleReport>(join(dir, 'u2.json')).summary).toMatchObject({ matched: 0, failed: 0 });
  });
});
