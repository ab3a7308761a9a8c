import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { MAX_STORABLE_BODY_BYTES } from '../../lambdas/shared/aws-limits.js';
import {
  CLI,
  type DevProcess,
  devEnvironment,
  freePort,
  spawnDev,
  startDevProcess,
  waitFor,
} from '../helpers/dev-process.js';
import { recordFault } from './report.js';

// Limits that must hold end to end, through `webhook-pipeline dev` (real handlers, dynalite, fauxqs
// and the local bus): the largest body the stack accepts is stored, queued and published
// unchanged; a detail-type EventBridge refuses never becomes an event; the local bus refuses what
// EventBridge refuses; characters SQS accepts are accepted; routes answer as API Gateway does; the
// optional Plaid source allowlist refuses other addresses.
const LIMIT = MAX_STORABLE_BODY_BYTES;
const run = promisify(execFile);
let dev: DevProcess;
let local: { dynamoEndpoint: string; busEndpoint: string; tableName: string };

beforeAll(async () => {
  dev = await startDevProcess({
    MAX_BODY_BYTES: String(LIMIT),
    RECONCILE_EVERY_SECONDS: '0',
    VISIBILITY_TIMEOUT_SECONDS: '1',
    // 127.0.0.1 stands for a Plaid address; requests sent from 127.0.0.2 come from elsewhere.
    PLAID_ALLOWED_SOURCE_IPS: 'plaid, 127.0.0.1',
  });
  local = (await (await fetch(`${dev.url}/_local`)).json()) as typeof local;
}, 90_000);
afterAll(async () => {
  await dev?.stop();
});

const eventsOf = (webhookId: string) =>
  dev
    .events()
    .filter((e) => (e.detail as { metadata?: { webhookId?: string } }).metadata?.webhookId === webhookId);

const post = async (provider: 'plaid' | 'argyle', body: Buffer) => {
  const headers = await signForLocal(provider, body, dev.env, dev.env.LOCAL_DIR ?? '');
  const answer = await postWebhook(localWebhookUrl(dev.env, provider), body, headers);
  return { status: answer.status, json: JSON.parse(answer.text) as Record<string, unknown> };
};

const storedItem = async (provider: string, body: Buffer) => {
  const client = new DynamoDBClient({
    endpoint: local.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  try {
    const pk = `${provider}#${createHash('sha256').update(body).digest('hex')}`;
    const out = await client.send(
      new GetItemCommand({ TableName: local.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }),
    );
    return out.Item;
  } finally {
    client.destroy();
  }
};

/** A raw HTTP exchange, optionally from another loopback source address. */
const raw = (
  method: string,
  path: string,
  body = '',
  localAddress?: string,
  headers: Record<string, string> = {},
) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: dev.port,
        method,
        path,
        localAddress,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });

describe('limits that hold end to end (npm run dev as a child process)', () => {
  it(`#3: a body of ${LIMIT} bytes (the largest storable) reaches its event and the table unchanged; one byte over is 413 and nothing is stored`, async () => {
    // Prepare: multi-byte characters, so bytes and characters differ.
    const base = JSON.stringify({
      event: 'items.removed',
      name: 'limits',
      data: { item: 'item_max', note: '' },
    });
    const prefix = 'é€😀';
    const fill = 'a'.repeat(LIMIT - Buffer.byteLength(base) - Buffer.byteLength(prefix));
    const atLimit = Buffer.from(base.replace('"note":""', `"note":"${prefix}${fill}"`));
    const over = Buffer.from(`${atLimit.toString('utf8').slice(0, -1)} }`);
    expect(atLimit.length).toBe(LIMIT);
    expect(over.length).toBe(LIMIT + 1);
    // Act
    const accepted = await post('argyle', atLimit);
    const refused = await post('argyle', over);
    // Assess
    expect(accepted.status).toBe(200);
    expect(accepted.json.status).toBe('accepted');
    const id = String(accepted.json.webhookId);
    const [event] = await waitFor(
      () => (eventsOf(id).length ? eventsOf(id) : undefined),
      30_000,
      'the event',
    );
    expect((event?.detail as { data: unknown } | undefined)?.data).toEqual(
      JSON.parse(atLimit.toString('utf8')),
    );
    expect((await storedItem('argyle', atLimit))?.rawBody?.S).toBe(atLimit.toString('utf8'));
    expect(refused.status).toBe(413);
    expect(await storedItem('argyle', over)).toBeUndefined();
    recordFault({
      name: `body of ${LIMIT} B (largest storable)`,
      sent: 2,
      accepted: 1,
      events: eventsOf(id).length,
      lost: 0,
      duplicateEvents: eventsOf(id).length - 1,
      note: `stored and published byte for byte; ${LIMIT + 1} B: 413, nothing stored`,
    });
  }, 60_000);

  it(`#3: a signed body of ${LIMIT} bytes that is not UTF-8 is stored byte for byte (base64, quarantined), not answered 503`, async () => {
    // Prepare: valid JSON start, then bytes that are no UTF-8 at all.
    const body = Buffer.alloc(LIMIT, 0xff);
    body.write('{"event":"items.removed","data":{"item":"');
    // Act
    const answer = await post('argyle', body);
    // Assess
    expect(answer).toMatchObject({ status: 200, json: { status: 'quarantined' } });
    const item = await storedItem('argyle', body);
    expect(Buffer.from(item?.rawBody?.S ?? '', 'base64').equals(body)).toBe(true);
  }, 60_000);

  it('#3: a body limit above what a DynamoDB item stores is refused at start, naming the setting', async () => {
    const env = devEnvironment({
      PORT: String(await freePort()),
      LOCAL_DIR: mkdtempSync(join(tmpdir(), 'wp-limit-')),
      MAX_BODY_BYTES: String(1024 * 1024),
    });
    const failure = await spawnDev(env, 30_000).then(
      async ({ child }) => {
        child.kill('SIGKILL');
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(failure).toContain('MAX_BODY_BYTES');
    expect(failure).toContain(String(LIMIT));
  }, 60_000);

  it('#4: a Plaid type and code making a detail-type of 129 characters are quarantined with the reason, never published', async () => {
    // Prepare
    const body = Buffer.from(
      JSON.stringify({
        webhook_type: 'T'.repeat(64),
        webhook_code: 'C'.repeat(64),
        item_id: 'item_dt',
        environment: 'sandbox',
      }),
    );
    const control = Buffer.from(
      JSON.stringify({
        webhook_type: 'ITEM',
        webhook_code: 'NEW_CODE_FOR_LIMITS',
        item_id: 'item_dt',
        environment: 'sandbox',
      }),
    );
    // Act
    const answer = await post('plaid', body);
    const controlAnswer = await post('plaid', control);
    // Assess
    expect(answer).toMatchObject({ status: 200, json: { status: 'quarantined' } });
    const item = await storedItem('plaid', body);
    expect(item?.status?.S).toBe('quarantined');
    expect(item?.issues?.L?.[0]?.S).toContain('at most 128');
    // The control (an unknown code of a sane length) is published; by then the router has seen both.
    const controlId = String(controlAnswer.json.webhookId);
    await waitFor(() => (eventsOf(controlId).length ? true : undefined), 30_000, 'the control event');
    expect(eventsOf(String(answer.json.webhookId))).toEqual([]);
    recordFault({
      name: 'detail-type of 129 characters',
      sent: 1,
      accepted: 1,
      events: 0,
      lost: 0,
      duplicateEvents: 0,
      note: 'quarantined (200) with the reason; the local bus refuses it as PutEvents does',
    });
  }, 60_000);

  it('#4: the local bus refuses what PutEvents refuses, entry by entry and whole requests', async () => {
    // Prepare
    const client = new EventBridgeClient({
      endpoint: local.busEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const entry = (over: Record<string, unknown>) => ({
      Source: 'webhooks.test',
      DetailType: 'limits.test',
      Detail: JSON.stringify({ metadata: { webhookId: 'bus-limits' }, data: {} }),
      EventBusName: 'webhook-pipeline-local',
      ...over,
    });
    try {
      // Act
      const out = await client.send(
        new PutEventsCommand({
          Entries: [
            entry({}),
            entry({ DetailType: 'd'.repeat(129) }),
            entry({
              DetailType: 'd'.repeat(128),
              Detail: JSON.stringify({ metadata: { webhookId: 'bus-limits-128' } }),
            }),
            entry({ Detail: '[1]' }),
            entry({ Detail: '{"a":' }),
            entry({ Detail: '{"big":9223372036854775808}' }),
            entry({ Detail: `${'{"a":'.repeat(1001)}1${'}'.repeat(1001)}` }),
            entry({ Source: '' }),
          ],
        }),
      );
      const tooLarge = await client
        .send(
          new PutEventsCommand({
            Entries: [entry({ Detail: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }) })],
          }),
        )
        .then(
          () => new Error('accepted'),
          (e: unknown) => e as Error,
        );
      // Assess
      expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
        'ok',
        'InvalidArgument',
        'ok',
        'MalformedDetail',
        'MalformedDetail',
        'MalformedDetail',
        'MalformedDetail',
        'InvalidArgument',
      ]);
      expect(out.FailedEntryCount).toBe(6);
      expect(tooLarge).toMatchObject({ name: 'ValidationException' });
      expect(tooLarge.message).toContain('Total size of the entries');
    } finally {
      client.destroy();
    }
  });

  it('#9: an Argyle body with a character outside the BMP is accepted and published as sent (fire)', async () => {
    // Act
    const fired = await run(
      process.execPath,
      [CLI, 'fire', 'argyle', 'accounts.connected', '--set', 'data.account=acc_😀'],
      {
        env: dev.env,
      },
    ).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    // Assess
    expect(fired.out).toContain('200');
    expect(fired.code).toBe(0);
    const id = /"webhookId":"([^"]+)"/.exec(fired.out)?.[1] ?? '';
    await waitFor(() => (eventsOf(id).length ? true : undefined), 30_000, 'the event');
    expect(eventsOf(id)[0]).toMatchObject({ detail: { data: { data: { account: 'acc_😀' } } } });
    recordFault({
      name: 'character outside the BMP (fire argyle)',
      sent: 1,
      accepted: 1,
      events: eventsOf(id).length,
      lost: 0,
      duplicateEvents: eventsOf(id).length - 1,
      note: 'acc_😀 reaches the event unchanged (was 503 from fauxqs)',
    });
  }, 60_000);

  it('#10: what no route matches is answered 404 {"message":"Not Found"}, as API Gateway answers it', async () => {
    const cases: [string, string][] = [
      ['GET', '/webhooks/plaid'],
      ['PUT', '/webhooks/argyle'],
      ['DELETE', '/webhooks/argyle'],
      ['POST', '/webhooks/stripe'],
      ['POST', '/webhooks'],
      ['POST', '/'],
    ];
    const answers = [];
    for (const [method, path] of cases) answers.push(await raw(method, path, method === 'POST' ? '{}' : ''));
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Not Found' });
    }
    recordFault({
      name: 'unmatched routes and methods',
      sent: cases.length,
      accepted: 0,
      events: 0,
      lost: 0,
      duplicateEvents: 0,
      note: '404 {"message":"Not Found"} for all, as API Gateway (was 405 / our 404)',
    });
  });

  it('#12: with the Plaid source allowlist on, a Plaid webhook from another address is refused 403 before verification; Argyle is not affected', async () => {
    // Prepare
    const plaidBody = Buffer.from(
      JSON.stringify({
        webhook_type: 'ITEM',
        webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
        item_id: 'item_ip',
        new_webhook_url: 'https://x.example/w',
        environment: 'sandbox',
      }),
    );
    const argyleBody = Buffer.from(
      JSON.stringify({ event: 'items.removed', name: 'ip', data: { item: 'item_ip' } }),
    );
    const plaidHeaders = await signForLocal('plaid', plaidBody, dev.env, dev.env.LOCAL_DIR ?? '');
    const argyleHeaders = await signForLocal('argyle', argyleBody, dev.env, dev.env.LOCAL_DIR ?? '');
    // Act
    const elsewhere = await raw('POST', '/webhooks/plaid', plaidBody.toString(), '127.0.0.2', plaidHeaders);
    const unsigned = await raw('POST', '/webhooks/plaid', plaidBody.toString(), '127.0.0.2');
    const argyle = await raw('POST', '/webhooks/argyle', argyleBody.toString(), '127.0.0.2', argyleHeaders);
    const allowed = await raw('POST', '/webhooks/plaid', plaidBody.toString(), '127.0.0.1', plaidHeaders);
    // Assess
    expect(elsewhere.status).toBe(403);
    expect(JSON.parse(elsewhere.body).error).toContain("provider's published source addresses");
    expect(unsigned.status).toBe(403);
    expect(await storedItem('plaid', plaidBody).then((item) => item?.webhookId?.S)).toBe(
      JSON.parse(allowed.body).webhookId,
    );
    expect(argyle.status).toBe(200);
    expect(allowed.status).toBe(200);
    recordFault({
      name: 'Plaid webhook from outside the allowlist',
      sent: 1,
      accepted: 0,
      events: 0,
      lost: 0,
      duplicateEvents: 0,
      note: '403 before verification (signed or not); from an allowed address 200; Argyle 200',
    });
  });
});
