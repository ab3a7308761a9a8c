import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { sampleBody } from '../../cli/samples.js';
import { signArgyleBody } from '../../local/signing.js';
import { CLI, type DevProcess, startDevProcess, waitFor } from '../helpers/dev-process.js';
import { seed } from '../helpers/fixtures.js';

const run = promisify(execFile);
let dev: DevProcess;

const eventsOf = (webhookId: string) =>
  dev
    .events()
    .filter((e) => (e.detail as { metadata?: { webhookId?: string } }).metadata?.webhookId === webhookId);

const post = async (provider: 'plaid' | 'argyle', body: Buffer) => {
  const headers = await signForLocal(provider, body, dev.env, dev.env.LOCAL_DIR ?? '');
  const answer = await postWebhook(localWebhookUrl(dev.env, provider), body, headers);
  return {
    status: answer.status,
    json: JSON.parse(answer.text) as { status?: string; webhookId?: string; error?: string },
  };
};

/** Runs the CLI as a user would in another terminal, with `env`. */
const cliIn = async (env: NodeJS.ProcessEnv, args: string[]) => {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
};
const cli = (args: string[]) => cliIn(dev.env, args);

beforeAll(async () => {
  dev = await startDevProcess({
    VISIBILITY_TIMEOUT_SECONDS: '1',
    MAX_RECEIVE_COUNT: '3',
    DEV_BUS_REJECT_MATCHING: 'poison-pill',
    // As `npm run dev` logs by default (the test setup silences Powertools in this process).
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
}, 90_000);
afterAll(async () => {
  await dev?.stop();
});

describe('npm run dev, end to end (child process, emulators, real handlers)', () => {
  it('turns every catalogue entry of both providers into exactly one correct event', async () => {
    // Prepare
    const sent: { id: string; source: string; detailType: string; data: unknown }[] = [];
    // Act
    for (const info of DETAIL_TYPES) {
      const body = sampleBody(info);
      const answer = await post(info.provider, body);
      expect(answer, info.detailType).toMatchObject({ status: 200, json: { status: 'accepted' } });
      sent.push({
        id: answer.json.webhookId ?? '',
        source: info.source,
        detailType: info.detailType,
        data: JSON.parse(body.toString()),
      });
    }
    // Assess
    await waitFor(
      () => (sent.every((s) => eventsOf(s.id).length > 0) ? true : undefined),
      60_000,
      'all events',
    );
    for (const s of sent) {
      const mine = eventsOf(s.id);
      expect(mine, s.detailType).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        version: '0',
        source: s.source,
        'detail-type': s.detailType,
        detail: { data: s.data },
      });
    }
    expect(sent).toHaveLength(134);
  }, 120_000);

  it('answers a duplicate with the first webhookId and publishes nothing more', async () => {
    // Prepare
    const body = sampleBody(DETAIL_TYPES[0] ?? (undefined as never), ['item_id=dup-check']);
    const first = await post('plaid', body);
    await waitFor(() => (eventsOf(first.json.webhookId ?? '').length ? true : undefined));
    // Act
    const again = await post('plaid', body);
    await new Promise((r) => setTimeout(r, 1500));
    // Assess
    expect(again.json).toEqual({ status: 'duplicate', webhookId: first.json.webhookId });
    expect(eventsOf(first.json.webhookId ?? '')).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and publishes nothing', async () => {
    // Prepare
    const body = Buffer.from(
      JSON.stringify({ event: 'items.removed', name: 'n', data: { item: 'forged-item-401' } }),
    );
    // Act
    const answer = await postWebhook(localWebhookUrl(dev.env, 'argyle'), body, {
      'x-argyle-signature': signArgyleBody(body, 'not-the-secret'),
    });
    await new Promise((r) => setTimeout(r, 1500));
    // Assess
    expect(answer.status).toBe(401);
    expect(JSON.stringify(dev.events())).not.toContain('forged-item-401');
  });

  it('quarantines a verified payload that fails its schema and publishes no event', async () => {
    // Prepare
    const body = Buffer.from(
      JSON.stringify({
        webhook_type: 'ITEM',
        webhook_code: 'ERROR',
        item_id: 12345,
        environment: 'production',
      }),
    );
    // Act
    const answer = await post('plaid', body);
    await new Promise((r) => setTimeout(r, 1500));
    // Assess
    expect(answer.json.status).toBe('quarantined');
    expect(eventsOf(answer.json.webhookId ?? '')).toHaveLength(0);
  });

  it('moves a message the router keeps failing on to the DLQ after maxReceiveCount, publishing the rest of its batch', async () => {
    // Prepare
    const plaid = DETAIL_TYPES.find((d) => d.detailType === 'ITEM.LOGIN_REPAIRED');
    if (!plaid) throw new Error('no entry');
    const bodies = [
      sampleBody(plaid, ['item_id=poison-pill-1']),
      ...Array.from({ length: 5 }, (_, i) => sampleBody(plaid, [`item_id=healthy-${i}`])),
    ];
    // Act
    const answers = await Promise.all(bodies.map((b) => post('plaid', b)));
    const [poison, ...healthy] = answers.map((a) => a.json.webhookId ?? '');
    // Assess
    await waitFor(
      () => (healthy.every((id) => eventsOf(id).length === 1) ? true : undefined),
      20_000,
      'healthy events',
    );
    const state = (await (await fetch(`${dev.url}/_local`)).json()) as {
      dlqUrl: string;
      sqsEndpoint: string;
    };
    const sqs = new SQSClient({
      endpoint: state.sqsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    let inDlq: string[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !inDlq.includes(poison ?? '')) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: state.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      inDlq = inDlq.concat(
        (out.Messages ?? []).map((m) => (JSON.parse(m.Body ?? '{}') as { webhookId: string }).webhookId),
      );
    }
    sqs.destroy();
    expect(inDlq).toContain(poison);
    expect(eventsOf(poison ?? '')).toHaveLength(0);
    // The dev log says what happened on each receive, in its own one-line entries.
    const log = dev.output().split('\n');
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ {2}router {3}1 of \d+ records failed; SQS will retry them$/),
        expect.stringMatching(
          / {2}router {3}1 of 1 records failed on their last receive: marked failed, SQS moves it to the DLQ$/,
        ),
        expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} {2}router {3}ERROR webhook failed: webhookId=/),
        expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} {2}router {3}WARN record failed: messageId=/),
      ]),
    );
    expect(log.filter((line) => line.startsWith('{'))).toEqual([]);
  }, 60_000);

  it('send signs a payload file unchanged and prints the status and answer (exit 0); a missing file exits 2', async () => {
    // Prepare
    const file = join(dev.env.LOCAL_DIR ?? '', 'captured.json');
    writeFileSync(file, seed('plaid__ITEM__PENDING_EXPIRATION.json').raw);
    // Act
    const ok = await cli(['send', 'plaid', '--file', file]);
    const missing = await cli(['send', 'plaid', '--file', join(dev.env.LOCAL_DIR ?? '', 'nope.json')]);
    // Assess
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^200 OK\n\{"status":"accepted","webhookId":"[^"]+"\}/);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('cannot read');
  });

  it('fire sends a catalogue sample with overrides; an unknown code exits 2 with a suggestion', async () => {
    // Act
    const ok = await cli(['fire', 'argyle', 'accounts.connected', '--set', 'data.account=acc-from-cli']);
    const unknown = await cli(['fire', 'plaid', 'ITEM', 'ERRR']);
    // Assess
    expect(ok.code).toBe(0);
    const id = /"webhookId":"([^"]+)"/.exec(ok.stdout)?.[1] ?? '';
    await waitFor(() => (eventsOf(id).length ? true : undefined));
    expect(eventsOf(id)[0]).toMatchObject({ detail: { data: { data: { account: 'acc-from-cli' } } } });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('no plaid webhook "ITEM.ERRR"');
  });

  it('fire sends a new webhook each time; --exact sends the sample byte for byte, and says when that is a duplicate', async () => {
    // Act
    const args = ['fire', 'plaid', 'ITEM', 'LOGIN_REPAIRED', '--set', `item_id=fire-twice-${Date.now()}`];
    const first = await cli(args);
    const second = await cli(args);
    const exactFirst = await cli([...args, '--exact']);
    const exactSecond = await cli([...args, '--exact']);
    // Assess
    const idOf = (out: string) => /"webhookId":"([^"]+)"/.exec(out)?.[1] ?? '';
    expect([first.code, second.code, exactFirst.code, exactSecond.code]).toEqual([0, 0, 0, 0]);
    expect(first.stdout).toContain('"status":"accepted"');
    expect(second.stdout).toContain('"status":"accepted"');
    expect(idOf(second.stdout)).not.toBe(idOf(first.stdout));
    await waitFor(() =>
      eventsOf(idOf(first.stdout)).length && eventsOf(idOf(second.stdout)).length ? true : undefined,
    );
    expect(eventsOf(idOf(first.stdout))[0]).toMatchObject({
      'detail-type': 'ITEM.LOGIN_REPAIRED',
      detail: { data: { webhook_code: 'LOGIN_REPAIRED', webhook_pipeline_fire: { id: expect.any(String) } } },
    });
    expect(exactFirst.stdout).toContain('"status":"accepted"');
    expect(exactSecond.stdout).toContain(`{"status":"duplicate","webhookId":"${idOf(exactFirst.stdout)}"}`);
    expect(exactSecond.stdout).toContain(
      `duplicate: the pipeline already has this body, as webhook ${idOf(exactFirst.stdout)}; no new event will be published`,
    );
    expect(exactFirst.stdout).not.toContain('duplicate:');
  });

  it('fire names the detail-type the body carries when --set changes it', async () => {
    // Act
    const run = await cli(['fire', 'argyle', 'accounts.connected', '--set', 'event=accounts.removed']);
    // Assess
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'accounts.removed → 200 OK (--set changed the detail-type from accounts.connected)',
    );
    const id = /"webhookId":"([^"]+)"/.exec(run.stdout)?.[1] ?? '';
    await waitFor(() => (eventsOf(id).length ? true : undefined));
    expect(eventsOf(id)[0]?.['detail-type']).toBe('accounts.removed');
  });

  it('fire, send, events and --local find the port of npm run dev from its dev.json when PORT is not set', async () => {
    // Prepare: another terminal, in the same folder (LOCAL_DIR), without PORT or EVENTS_LOG
    const { PORT: _port, EVENTS_LOG: _log, ...elsewhere } = dev.env;
    const record = JSON.parse(readFileSync(join(dev.env.LOCAL_DIR ?? '', 'dev.json'), 'utf8'));
    const file = join(dev.env.LOCAL_DIR ?? '', 'found.json');
    writeFileSync(file, seed('plaid__ITEM__PENDING_EXPIRATION.json').raw);
    // Act
    const fired = await cliIn(elsewhere, ['fire', 'argyle', 'accounts.connected']);
    const sent = await cliIn(elsewhere, ['send', 'plaid', '--file', file]);
    const tail = await cliIn(elsewhere, ['events', 'tail', '--type', 'accounts.connected']);
    const requeue = await cliIn(elsewhere, [
      'requeue',
      '--local',
      '--dry-run',
      '--report',
      join(dev.env.LOCAL_DIR ?? '', 'rq.json'),
    ]);
    // Assess
    expect(record).toMatchObject({
      port: dev.port,
      pid: dev.child.pid,
      url: dev.url,
      eventsLog: dev.eventsLog,
    });
    expect(fired.code, fired.stdout).toBe(0);
    expect(fired.stdout).toContain('"status":"accepted"');
    expect(sent.code, sent.stdout).toBe(0);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toContain(/"webhookId":"([^"]+)"/.exec(fired.stdout)?.[1] ?? 'no id');
    expect(requeue.code, requeue.stdout).toBe(0);
    expect(requeue.stdout).toContain(`on local`);
  });

  it('events tail prints the events log, filtered by detail-type', async () => {
    const out = await cli(['events', 'tail', '--type', 'accounts.connected']);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toContain('accounts.connected');
  });

  it('answers 413 for a body over the limit, and 404 {"message":"Not Found"} (API Gateway\'s answer) for an unknown provider and for a GET', async () => {
    const big = await fetch(`${dev.url}/webhooks/argyle`, {
      method: 'POST',
      body: Buffer.alloc(300 * 1024, 0x20),
    });
    const unknown = await fetch(`${dev.url}/webhooks/stripe`, { method: 'POST', body: '{}' });
    const get = await fetch(`${dev.url}/webhooks/plaid`);
    expect([big.status, unknown.status, get.status]).toEqual([413, 404, 404]);
    expect(await get.json()).toEqual({ message: 'Not Found' });
  });

  it('stops everything cleanly on Ctrl-C (exit 0)', async () => {
    const code = await dev.stop();
    expect(code).toBe(0);
    expect(dev.output()).toContain('stopped');
    // Other terminals no longer find it.
    expect(existsSync(join(dev.env.LOCAL_DIR ?? '', 'dev.json'))).toBe(false);
  });
});
