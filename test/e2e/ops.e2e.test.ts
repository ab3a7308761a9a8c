import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { sampleBody } from '../../cli/samples.js';
import { DETAIL_TYPES } from '../../lambdas/events/index.js';
import { signArgyleBody } from '../../lambdas/local/signing.js';
import {
  createDynamoWebhookStore,
  type DynamoWebhookStore,
} from '../../lambdas/shared/adapters/webhook-store.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { CLI, type DevProcess, startDevProcess, waitFor } from '../helpers/dev-process.js';
import { startArgyleStub } from '../ops/stubs/argyle-stub.js';
import { startPlaidStub } from '../ops/stubs/plaid-stub.js';
import { readReport, runCli, tempDir, writeLines } from '../ops/stubs/run-cli.js';

interface LocalState {
  queueUrl: string;
  dlqUrl: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
}
interface BusEvent {
  'detail-type': string;
  source: string;
  detail: {
    metadata: { webhookId: string; replayed: boolean; receivedAt: string; dedupeKey: string };
    data: unknown;
  };
}
interface Report {
  ok: boolean;
  summary: Record<string, number>;
  items: Record<string, unknown>[];
}

let dev: DevProcess;
let state: LocalState;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let store: DynamoWebhookStore;
let reports: string;

const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
const entry = (detailType: string) => {
  const found = DETAIL_TYPES.find((d) => d.detailType === detailType);
  if (!found) throw new Error(`no ${detailType}`);
  return found;
};
const events = () => dev.events() as unknown as BusEvent[];
const eventsOf = (webhookId: string) => events().filter((e) => e.detail.metadata.webhookId === webhookId);
const post = async (provider: 'plaid' | 'argyle', body: Buffer) => {
  const headers = await signForLocal(provider, body, dev.env, dev.env.LOCAL_DIR ?? '');
  const answer = await postWebhook(localWebhookUrl(dev.env, provider), body, headers);
  return JSON.parse(answer.text) as { status: string; webhookId: string };
};
const statusOf = async (dedupeKey: string) =>
  (
    await dynamo.send(
      new GetItemCommand({ TableName: state.tableName, Key: { pk: { S: dedupeKey } }, ConsistentRead: true }),
    )
  ).Item?.status?.S;
/** The record's status once published (or the last seen after 10 s): the router marks a record
 * published just after its event reaches the bus. */
const publishedStatus = async (dedupeKey: string) => {
  let status = await statusOf(dedupeKey);
  for (let i = 0; status !== 'published' && i < 100; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = await statusOf(dedupeKey);
  }
  return status;
};
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...dev.env, ...extra });

beforeAll(async () => {
  dev = await startDevProcess({
    VISIBILITY_TIMEOUT_SECONDS: '1',
    MAX_RECEIVE_COUNT: '2',
    RECONCILE_EVERY_SECONDS: '0',
  });
  state = (await (await fetch(`${dev.url}/_local`)).json()) as LocalState;
  dynamo = new DynamoDBClient({ endpoint: state.dynamoEndpoint, region: 'us-east-1', credentials });
  sqs = new SQSClient({ endpoint: state.sqsEndpoint, region: 'us-east-1', credentials });
  store = createDynamoWebhookStore({ client: dynamo, tableName: state.tableName });
  reports = tempDir();
}, 90_000);
afterAll(async () => {
  dynamo?.destroy();
  sqs?.destroy();
  await dev?.stop();
});

describe('operations commands on the local pipeline (child process, emulators, real handlers)', () => {
  it('replay publishes every published webhook of the window once more, marked replayed, and nothing else', async () => {
    // Prepare
    const from = new Date(Date.now() - 1000).toISOString();
    const sent = [
      ...(await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          post('plaid', sampleBody(entry('ITEM.LOGIN_REPAIRED'), [`item_id=replay-${i}`])),
        ),
      )),
      ...(await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          post('argyle', sampleBody(entry('accounts.connected'), [`data.account=replay-acc-${i}`])),
        ),
      )),
    ];
    const quarantined = await post(
      'plaid',
      Buffer.from(
        JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 1, environment: 'sandbox' }),
      ),
    );
    expect(sent.every((s) => s.status === 'accepted')).toBe(true);
    expect(quarantined.status).toBe('quarantined');
    const ids = sent.map((s) => s.webhookId);
    await waitFor(
      () => (ids.every((id) => eventsOf(id).length === 1) ? true : undefined),
      20_000,
      'originals',
    );
    const report = join(reports, 'replay.json');
    // Act
    const run = await cli(['replay', '--local', '--from', from, '--report', report]);
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readReport<Report>(report).summary).toEqual({
      inWindow: 10,
      otherTypes: 0,
      selected: 10,
      skipped: 1,
      enqueued: 9,
      failed: 0,
    });
    await waitFor(() => (ids.every((id) => eventsOf(id).length === 2) ? true : undefined), 20_000, 'replays');
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids) {
      const [original, again] = eventsOf(id);
      expect(eventsOf(id)).toHaveLength(2);
      expect(original?.detail.metadata.replayed).toBe(false);
      expect(again?.detail.metadata.replayed).toBe(true);
      expect(again?.detail.data).toEqual(original?.detail.data);
      expect(again?.['detail-type']).toBe(original?.['detail-type']);
      expect({ ...again?.detail.metadata, replayed: false }).toEqual(original?.detail.metadata);
    }
    expect(eventsOf(quarantined.webhookId)).toHaveLength(0);
  }, 60_000);

  it('replay --dry-run, filtered by provider and type, counts without sending (run as the package command)', async () => {
    // Prepare
    const before = events().length;
    const report = join(reports, 'replay-dry.json');
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI,
        'replay',
        '--local',
        '--from',
        '10m',
        '--provider',
        'argyle',
        '--type',
        'accounts.connected',
        '--dry-run',
        '--report',
        report,
      ],
      { env: dev.env },
    );
    await new Promise((r) => setTimeout(r, 1500));
    // Assess
    expect(stdout).toContain('Dry run: nothing was sent');
    expect(readReport<Report>(report).summary).toMatchObject({ selected: 3, planned: 3, failed: 0 });
    expect(events().length).toBe(before);
  }, 30_000);

  it('redrive-dlq moves every valid DLQ message back, each is published exactly once, and leaves the invalid one', async () => {
    // Prepare: webhooks stored but whose messages ended in the DLQ (say, while the bus was down)
    const now = Date.now();
    const records: WebhookRecord[] = Array.from({ length: 5 }, (_, i) => {
      const body = sampleBody(entry('TRANSACTIONS.SYNC_UPDATES_AVAILABLE'), [
        `item_id=redrive-${i}`,
      ]).toString();
      return {
        dedupeKey: `plaid#redrive-${i}-${now}`,
        webhookId: `redrive-${i}-${now}`,
        provider: 'plaid',
        detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
        status: 'received',
        receivedAt: new Date(now - i).toISOString(),
        rawBody: body,
        deliveries: 1,
        expiresAt: Math.floor(now / 1000) + 3600,
        dedupeUntil: Math.floor(now / 1000) + 600,
      };
    });
    for (const r of records) {
      await store.putIfAbsent(r, 946_684_800);
      const message = buildQueueMessage(
        { webhookId: r.webhookId, provider: r.provider, dedupeKey: r.dedupeKey, receivedAt: r.receivedAt },
        r.rawBody,
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: state.dlqUrl, MessageBody: message }));
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: state.dlqUrl, MessageBody: 'not a queue message' }));
    const report = join(reports, 'redrive.json');
    // Act
    const run = await cli(['redrive-dlq', '--local', '--report', report]);
    // Assess
    expect(run.code, run.stdout).toBe(1);
    const written = readReport<Report>(report);
    expect(written.summary).toEqual({ read: 6, moved: 5, invalid: 1, failed: 1 });
    expect(written.items.filter((i) => i.status === 'invalid')).toEqual([
      expect.objectContaining({ reason: 'not JSON' }),
    ]);
    await waitFor(
      () => (records.every((r) => eventsOf(r.webhookId).length === 1) ? true : undefined),
      20_000,
      'redriven events',
    );
    await new Promise((r) => setTimeout(r, 1500));
    for (const r of records) {
      expect(eventsOf(r.webhookId)).toHaveLength(1);
      expect(await publishedStatus(r.dedupeKey)).toBe('published');
    }
    const left = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: state.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect((left.Messages ?? []).map((m) => m.Body)).toEqual(['not a queue message']);
  }, 60_000);

  it('requeue-quarantined publishes the quarantined webhooks that now pass, once, and keeps the others', async () => {
    // Prepare: quarantined under an older, stricter schema; bodies that pass today's catalogue
    const from = new Date(Date.now() - 1000).toISOString();
    const now = Date.now();
    const records: WebhookRecord[] = [
      'accounts.updated',
      'accounts.removed',
      'identities.added',
      'paystubs.added',
    ].map((event, i) => ({
      dedupeKey: `argyle#requeue-${i}-${now}`,
      webhookId: `requeue-${i}-${now}`,
      provider: 'argyle',
      detailType: event,
      status: 'quarantined',
      receivedAt: new Date(now - i).toISOString(),
      rawBody: sampleBody(entry(event), [`data.user=requeue-user-${i}`]).toString(),
      deliveries: 1,
      expiresAt: Math.floor(now / 1000) + 3600,
      dedupeUntil: Math.floor(now / 1000) + 600,
      issues: ['data.account: required (old schema)'],
    }));
    for (const r of records) await store.putIfAbsent(r, 946_684_800);
    const stillBad = await post(
      'argyle',
      Buffer.from(JSON.stringify({ event: 'accounts.connected', name: 'n', data: { account: 42 } })),
    );
    expect(stillBad.status).toBe('quarantined');
    const report = join(reports, 'requeue.json');
    // Act
    const run = await cli(['requeue-quarantined', '--local', '--from', from, '--report', report]);
    // Assess
    expect(run.code, run.stdout).toBe(0);
    expect(readReport<Report>(report).summary).toEqual({
      quarantined: 5,
      stillInvalid: 1,
      requeued: 4,
      changed: 0,
      failed: 0,
    });
    expect(run.stdout).toContain(`still invalid accounts.connected ${stillBad.webhookId}`);
    await waitFor(
      () => (records.every((r) => eventsOf(r.webhookId).length === 1) ? true : undefined),
      20_000,
      'requeued events',
    );
    for (const r of records) {
      const [event] = eventsOf(r.webhookId);
      expect(event?.detail.metadata.replayed).toBe(false);
      expect(event?.['detail-type']).toBe(r.detailType);
      expect(event?.detail.data).toEqual(JSON.parse(r.rawBody));
    }
    for (const r of records) expect(await publishedStatus(r.dedupeKey)).toBe('published');
    expect(eventsOf(stillBad.webhookId)).toHaveLength(0);
    // A second run finds only the one that still fails.
    const again = await cli([
      'requeue-quarantined',
      '--local',
      '--from',
      from,
      '--report',
      join(reports, 'rq2.json'),
    ]);
    expect(again.code).toBe(0);
    expect(readReport<Report>(join(reports, 'rq2.json')).summary).toMatchObject({
      quarantined: 1,
      requeued: 0,
    });
    await new Promise((r) => setTimeout(r, 1000));
    for (const r of records) expect(eventsOf(r.webhookId)).toHaveLength(1);
  }, 60_000);

  it("register plaid --wait finds each Item's WEBHOOK_UPDATE_ACKNOWLEDGED in the table and names the missing one", async () => {
    // Prepare: a Plaid stub that, like Plaid, sends the acknowledgement to the new URL (but loses one)
    const tokens = ['a', 'b', 'c'].map((s) => `access-sandbox-${s}${s}${s}-e2e`);
    const items = Object.fromEntries(tokens.map((t, i) => [t, `e2e-item-${i}`]));
    const plaid = await startPlaidStub({
      clientId: 'e2e-client',
      secret: 'e2e-secret',
      items,
      onWebhookUpdated: async ({ itemId, webhook }) => {
        if (itemId === 'e2e-item-2') return;
        const body = Buffer.from(
          JSON.stringify(
            {
              environment: 'sandbox',
              error: null,
              item_id: itemId,
              new_webhook_url: webhook,
              webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
              webhook_type: 'ITEM',
            },
            null,
            2,
          ),
        );
        await postWebhook(webhook, body, await signForLocal('plaid', body, dev.env, dev.env.LOCAL_DIR ?? ''));
      },
    });
    const file = writeLines(reports, 'tokens.txt', tokens);
    const report = join(reports, 'register-wait.json');
    try {
      // Act
      const run = await cli(
        [
          'register',
          'plaid',
          '--local',
          '--url',
          localWebhookUrl(dev.env, 'plaid'),
          '--access-tokens',
          file,
          '--wait',
          '--wait-timeout',
          '4',
          '--report',
          report,
        ],
        { PLAID_BASE_URL: plaid.url, PLAID_CLIENT_ID: 'e2e-client', PLAID_SECRET: 'e2e-secret' },
      );
      // Assess
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const written = readReport<Report>(report);
      expect(written.summary).toMatchObject({ updated: 3, acknowledged: 2, notAcknowledged: 1, failed: 1 });
      const byItem = new Map(written.items.map((i) => [i.itemId, i]));
      expect(byItem.get('e2e-item-2')).toMatchObject({ status: 'updated', acknowledged: false });
      const acked = byItem.get('e2e-item-0') as { acknowledgement: { webhookId: string; status: string } };
      expect(acked).toMatchObject({ acknowledged: true });
      // Stored is enough to count: the router may not have published it yet.
      expect(['received', 'published']).toContain(acked.acknowledgement.status);
      const [ack] = await waitFor(() => {
        const found = eventsOf(acked.acknowledgement.webhookId);
        return found.length ? found : undefined;
      });
      expect(ack?.['detail-type']).toBe('ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED');
      expect(run.stdout).toContain('item e2e-item-2: no WEBHOOK_UPDATE_ACKNOWLEDGED yet');
    } finally {
      await plaid.close();
    }
  }, 30_000);

  it('register argyle --local subscribes with the dev secret, so the deliveries it signs are accepted', async () => {
    // Prepare
    const argyle = await startArgyleStub('k', 's');
    const devSecret = (
      JSON.parse(readFileSync(join(dev.env.LOCAL_DIR ?? '', 'dev-keys.json'), 'utf8')) as {
        argyle: { secret: string };
      }
    ).argyle.secret;
    try {
      // Act
      const run = await cli(
        [
          'register',
          'argyle',
          '--local',
          '--url',
          localWebhookUrl(dev.env, 'argyle'),
          '--events',
          'accounts.connected',
          '--report',
          join(reports, 'argyle-local.json'),
        ],
        { ARGYLE_BASE_URL: argyle.url, ARGYLE_API_KEY_ID: 'k', ARGYLE_API_KEY_SECRET: 's' },
      );
      // Assess
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const [subscription] = argyle.subscriptions;
      expect(subscription?.secret).toBe(devSecret);
      expect(run.stdout).not.toContain(devSecret);
      // Argyle delivering through that subscription: signed with its secret, accepted by the pipeline.
      const body = Buffer.from(
        JSON.stringify(
          {
            event: 'accounts.connected',
            name: subscription?.name,
            data: { account: 'acc-via-sub', user: 'usr-1' },
          },
          null,
          2,
        ),
      );
      const answer = await postWebhook(localWebhookUrl(dev.env, 'argyle'), body, {
        'x-argyle-signature': signArgyleBody(body, subscription?.secret ?? ''),
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 'accepted' });
    } finally {
      await argyle.close();
    }
  });
});
