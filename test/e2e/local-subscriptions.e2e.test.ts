import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { findEntry, sampleBody } from '../../cli/samples.js';
import { type DevProcess, freePort, startDevProcess, waitFor } from '../helpers/dev-process.js';

/** An HTTP rule target that records what it receives. */
interface Target {
  readonly port: number;
  readonly received: { contentType: string; body: string }[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

const target = (port: number): Target => {
  const received: Target['received'] = [];
  let server: Server | undefined;
  return {
    port,
    received,
    start: () =>
      new Promise((resolveStart) => {
        server = createServer((req, res) => {
          let body = '';
          req.on('data', (d: Buffer) => {
            body += d.toString('utf8');
          });
          req.on('end', () => {
            received.push({ contentType: String(req.headers['content-type']), body });
            res.end('ok');
          });
        });
        server.listen(port, '127.0.0.1', () => resolveStart());
      }),
    stop: () =>
      new Promise((resolveStop) => {
        if (!server) return resolveStop();
        server.closeAllConnections();
        server.close(() => resolveStop());
      }),
  };
};

const webhookIdOf = (line: string) =>
  (JSON.parse(line) as { detail: { metadata: { webhookId: string } } }).detail.metadata.webhookId;

let dev: DevProcess;
let dir: string;
let rulesFile: string;
let a: Target;
let b: Target;

const rules = (extra: unknown[] = []) => [
  {
    name: 'plaid-transactions',
    eventPattern: { source: ['webhooks.plaid'], 'detail-type': [{ prefix: 'TRANSACTIONS.' }] },
    target: `http://127.0.0.1:${a.port}/hooks/transactions`,
  },
  {
    name: 'argyle-account-events',
    eventPattern: {
      source: ['webhooks.argyle'],
      'detail-type': [{ 'anything-but': { suffix: '.removed' } }],
      // detail.data is the Argyle payload, whose own `data` holds the account.
      detail: { data: { data: { account: [{ exists: true }] } } },
    },
    target: `http://127.0.0.1:${b.port}/hooks/accounts`,
  },
  {
    name: 'errors-or-big-updates',
    eventPattern: {
      $or: [
        { 'detail-type': [{ wildcard: '*.ERROR' }] },
        { detail: { data: { new_transactions: [{ numeric: ['>=', 100] }] } } },
      ],
    },
    target: 'file:out/errors.ndjson',
  },
  ...extra,
];

const fire = async (provider: 'plaid' | 'argyle', words: string[], sets: string[]): Promise<string> => {
  const body = sampleBody(findEntry(provider, words), sets);
  const headers = await signForLocal(provider, body, dev.env, dev.env.LOCAL_DIR ?? '');
  const answer = await postWebhook(localWebhookUrl(dev.env, provider), body, headers);
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.text) as { webhookId: string }).webhookId;
};

const lineOf = (webhookId: string) =>
  readFileSync(dev.eventsLog, 'utf8')
    .split('\n')
    .find((l) => l.includes(`"webhookId":"${webhookId}"`));

const fileLines = (name: string) =>
  existsSync(join(dir, 'out', name))
    ? readFileSync(join(dir, 'out', name), 'utf8')
        .split('\n')
        .filter(Boolean)
    : [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wp-rules-'));
  rulesFile = join(dir, 'rules.json');
  a = target(await freePort());
  b = target(await freePort());
  writeFileSync(rulesFile, JSON.stringify(rules(), null, 2));
  await b.start();
  // Target A is down when the pipeline starts: it comes up 30 s after the events were sent.
  dev = await startDevProcess({}, ['--rules', rulesFile]);
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  await a?.stop();
  await b?.stop();
});

describe('dev --rules: local subscriptions with EventBridge patterns', () => {
  it('delivers each event to exactly the rules whose pattern matches, and loses nothing while a target is down for 30 s', async () => {
    // Prepare: bodies varied with --set so that none is a duplicate of another.
    const sent = {
      syncUpdates: await fire('plaid', ['TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE'], ['item_id=item-1']),
      bigUpdate: await fire(
        'plaid',
        ['TRANSACTIONS', 'DEFAULT_UPDATE'],
        ['item_id=item-2', 'new_transactions=231'],
      ),
      smallUpdate: await fire(
        'plaid',
        ['TRANSACTIONS', 'DEFAULT_UPDATE'],
        ['item_id=item-3', 'new_transactions=3'],
      ),
      itemError: await fire('plaid', ['ITEM', 'ERROR'], ['item_id=item-4']),
      connected: await fire('argyle', ['accounts.connected'], ['data.account=acc-5']),
      removed: await fire('argyle', ['accounts.removed'], ['data.account=acc-6']),
      synced: await fire('argyle', ['users.fully_synced'], ['data.user=user-7']),
      paystubs: await fire('argyle', ['paystubs.added'], ['data.account=acc-8']),
    };
    const sentAt = Date.now();

    // Act: the targets that are up get theirs; A is down for 30 s, then starts.
    await waitFor(() => (b.received.length >= 2 ? true : undefined), 30_000, 'target B').catch((e) => {
      throw new Error(`${e.message}\n${dev.output()}`);
    });
    await waitFor(() => (fileLines('errors.ndjson').length >= 2 ? true : undefined), 30_000, 'file target');
    expect(a.received).toHaveLength(0);
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - sentAt))));
    await a.start();
    await waitFor(() => (a.received.length >= 3 ? true : undefined), 30_000, 'target A after its restart');
    // Anything late or doubled would show up now.
    await new Promise((r) => setTimeout(r, 1500));

    // Assert: exactly the matching events, each once, as the JSON line a rule target receives.
    const idsOf = (bodies: string[]) => bodies.map(webhookIdOf).sort();
    expect(idsOf(a.received.map((r) => r.body))).toEqual(
      [sent.syncUpdates, sent.bigUpdate, sent.smallUpdate].sort(),
    );
    expect(idsOf(b.received.map((r) => r.body))).toEqual([sent.connected, sent.paystubs].sort());
    expect(idsOf(fileLines('errors.ndjson'))).toEqual([sent.bigUpdate, sent.itemError].sort());
    for (const r of [...a.received, ...b.received]) {
      expect(r.contentType).toBe('application/json');
      expect(r.body).toBe(lineOf(webhookIdOf(r.body)));
    }
    for (const id of [sent.removed, sent.synced]) expect(dev.output()).not.toContain(`  ${id} attempt`);
    // The log shows each attempt, the failed ones with their reason.
    expect(dev.output()).toMatch(
      new RegExp(
        `plaid-transactions → http://127\\.0\\.0\\.1:${a.port}/hooks/transactions  ${sent.syncUpdates} attempt 2: ECONNREFUSED; retry at`,
      ),
    );
    // The console shows every delivery with its attempts.
    const view = (await (await fetch(`${dev.url}/console/api/subscriptions`)).json()) as {
      deliveries: { rule: string; state: string; attempts: { ok: boolean }[] }[];
    };
    const toA = view.deliveries.filter((d) => d.rule === 'plaid-transactions');
    expect(toA).toHaveLength(3);
    for (const d of toA) {
      expect(d.state).toBe('delivered');
      expect(d.attempts.at(-1)?.ok).toBe(true);
    }
    // Deliveries to one target go in order: the first was retried through the outage, the others waited.
    expect(toA[0]?.attempts.filter((x) => !x.ok).length).toBeGreaterThanOrEqual(4);
  }, 150_000);

  it('reads the rules file again when it changes, and keeps the previous rules when an edit is invalid', async () => {
    // Act: an invalid edit first, then a valid one that adds a rule.
    writeFileSync(
      rulesFile,
      JSON.stringify([{ name: 'bad', eventPattern: { source: 'x' }, target: 'file:x' }]),
    );
    await waitFor(
      () => (dev.output().includes('not reloaded') ? true : undefined),
      10_000,
      'the invalid edit',
    );
    expect(dev.output()).toContain('"source" must be an object or an array');
    writeFileSync(
      rulesFile,
      JSON.stringify(
        rules([
          {
            name: 'users-synced',
            eventPattern: { 'detail-type': [{ 'equals-ignore-case': 'USERS.FULLY_SYNCED' }] },
            target: 'file:out/users.ndjson',
          },
        ]),
      ),
    );
    await waitFor(() => (dev.output().includes('4 rule(s)') ? true : undefined), 10_000, 'the reload');
    const synced = await fire('argyle', ['users.fully_synced'], ['data.user=user-9']);
    // Assert
    await waitFor(() => (fileLines('users.ndjson').length ? true : undefined), 20_000, 'the new rule');
    expect(fileLines('users.ndjson').map(webhookIdOf)).toEqual([synced]);
  }, 60_000);
});
