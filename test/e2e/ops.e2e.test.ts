import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl, postWebhook, signForLocal } from '../../cli/local-settings.js';
import { sampleBody } from '../../cli/samples.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { signArgyleBody } from '../../local/signing.js';
import { type DevProcess, waitFor } from '../helpers/dev-process.js';
import { putV2Record, type Seeded, startDevOnV2Table } from '../helpers/v2-table.js';
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

let pipeline: Awaited<ReturnType<typeof startDevOnV2Table>>;
let dev: DevProcess;
let state: LocalState;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let reports: string;

const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
const entry = (detailType: string) => {
  const found = DETAIL_TYPES.find((d) => d.detailType === detailType);
  if (!found) throw new Error(`no ${detailType}`);
  return found;
};
const events = () => dev.events() as unknown as BusEvent[];
const eventsOf = (webhookId: string) => events().filter((e) => e.detail.metadata.webhookId === webhookId);
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
  // Records are seeded with PutItem in the v2 layout (docs/storage-layout.md), exceptions included.
  pipeline = await startDevOnV2Table({
    VISIBILITY_TIMEOUT_SECONDS: '1',
    MAX_RECEIVE_COUNT: '2',
    RECONCILE_EVERY_SECONDS: '0',
  });
  dev = pipeline.dev;
  dynamo = pipeline.dynamo;
  state = (await (await fetch(`${dev.url}/_local`)).json()) as LocalState;
  sqs = new SQSClient({ endpoint: state.sqsEndpoint, region: 'us-east-1', credentials });
  reports = tempDir();
}, 90_000);
afterAll(async () => {
  sqs?.destroy();
  await pipeline?.stop();
});

describe('operations commands on the local pipeline (child process, emulators, real handlers)', () => {
  it('redrive-dlq moves every valid DLQ message back, each is published exactly once, and leaves the invalid one', async () => {
    // Prepare: webhooks whose messages ended in the DLQ (say, while the bus was down), marked failed
    const now = Date.now();
    const records: Seeded[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await putV2Record(dynamo, state.tableName, {
        provider: 'plaid',
        detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
        status: 'failed',
        failure: 'PutEvents: InternalFailure',
        receivedAt: new Date(now - i).toISOString(),
        rawBody: sampleBody(entry('TRANSACTIONS.SYNC_UPDATES_AVAILABLE'), [
          `item_id=redrive-${i}-${now}`,
        ]).toString(),
      });
      records.push(r);
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
    const records: Seeded[] = [];
    for (const [i, event] of [
      'accounts.updated',
      'accounts.removed',
      'identities.added',
      'paystubs.added',
    ].entries()) {
      records.push(
        await putV2Record(dynamo, state.tableName, {
          provider: 'argyle',
          detailType: event,
          status: 'quarantined',
          receivedAt: new Date(now - i).toISOString(),
          rawBody: sampleBody(entry(event), [`data.user=requeue-user-${i}-${now}`]).toString(),
          issues: ['data.account: required (old schema)'],
        }),
      );
    }
    const stillBad = await putV2Record(dynamo, state.tableName, {
      provider: 'argyle',
      detailType: 'accounts.connected',
      status: 'quarantined',
      receivedAt: new Date(now).toISOString(),
      rawBody: JSON.stringify({ event: 'accounts.connected', name: 'n', data: { account: 42, n: now } }),
      issues: ['data.account: expected string'],
    });
    // Passes its schema, but an integer beyond int64 makes PutEvents refuse it on every attempt.
    const beyondInt64 = await putV2Record(dynamo, state.tableName, {
      provider: 'argyle',
      detailType: 'accounts.removed',
      status: 'quarantined',
      receivedAt: new Date(now).toISOString(),
      rawBody: sampleBody(entry('accounts.removed'), [`data.user=requeue-int64-${now}`])
        .toString()
        .replace(/^\{/, '{"count":99999999999999999999,'),
      issues: ['(body): an integer outside the 64-bit range, which EventBridge refuses'],
    });
    const report = join(reports, 'requeue.json');
    // Act
    const run = await cli(['requeue-quarantined', '--local', '--from', from, '--report', report]);
    // Assess
    expect(run.code, run.stdout).toBe(0);
    expect(readReport<Report>(report).summary).toEqual({ found: 6, stillInvalid: 2, requeued: 4, failed: 0 });
    expect(run.stdout).toContain(`still invalid accounts.connected ${stillBad.webhookId}`);
    expect(run.stdout).toContain(
      `still invalid accounts.removed ${beyondInt64.webhookId}: (body): an integer outside`,
    );
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
    expect(readReport<Report>(join(reports, 'rq2.json')).summary).toMatchObject({ found: 2, requeued: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    for (const r of records) expect(eventsOf(r.webhookId)).toHaveLength(1);
  }, 60_000);

  it('requeue brings failed webhooks back from the exceptions index: each published once, then no longer listed', async () => {
    // Prepare: records the router marked failed after their last delivery (no message left)
    const now = Date.now();
    const failed: Seeded[] = [];
    for (let i = 0; i < 3; i += 1) {
      failed.push(
        await putV2Record(dynamo, state.tableName, {
          provider: 'plaid',
          detailType: 'ITEM.LOGIN_REPAIRED',
          status: 'failed',
          failure: 'PutEvents: ThrottlingException',
          receivedAt: new Date(now - i).toISOString(),
          rawBody: sampleBody(entry('ITEM.LOGIN_REPAIRED'), [
            `item_id=requeue-failed-${i}-${now}`,
          ]).toString(),
        }),
      );
    }
    const from = new Date(now - 1000).toISOString();
    // Act
    const dry = await cli([
      'requeue',
      '--local',
      '--from',
      from,
      '--dry-run',
      '--report',
      join(reports, 'rf0.json'),
    ]);
    const run = await cli(['requeue', '--local', '--from', from, '--report', join(reports, 'rf1.json')]);
    // Assess
    expect(dry.code).toBe(0);
    expect(readReport<Report>(join(reports, 'rf0.json')).summary).toEqual({ found: 3, toSend: 3, failed: 0 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readReport<Report>(join(reports, 'rf1.json')).summary).toEqual({
      found: 3,
      requeued: 3,
      failed: 0,
    });
    expect(run.stdout).toContain('PutEvents: ThrottlingException');
    await waitFor(
      () => (failed.every((r) => eventsOf(r.webhookId).length === 1) ? true : undefined),
      20_000,
      'requeued failed events',
    );
    for (const r of failed) expect(await publishedStatus(r.dedupeKey)).toBe('published');
    const again = await cli(['requeue', '--local', '--from', from, '--report', join(reports, 'rf2.json')]);
    expect(readReport<Report>(join(reports, 'rf2.json')).summary).toMatchObject({ found: 0, requeued: 0 });
    expect(again.code).toBe(0);
    for (const r of failed) expect(eventsOf(r.webhookId)).toHaveLength(1);
    expect((await cli(['requeue', '--local', '--status', 'lost'])).code).toBe(2);
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
