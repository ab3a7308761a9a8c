import { join } from 'node:path';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localWebhookUrl } from '../../cli/local-settings.js';
import { sampleBody } from '../../cli/samples.js';
import { type DevProcess, waitFor } from '../helpers/dev-process.js';
import { putV2Record, startDevOnV2Table } from '../helpers/v2-table.js';
import type { HttpStub } from '../ops/stubs/http-stub.js';
import {
  INTERNAL_ERROR,
  type PlaidItemState,
  RATE_LIMITED,
  startPlaidStub,
} from '../ops/stubs/plaid-stub.js';
import { readReport, runCli, tempDir, writeLines } from '../ops/stubs/run-cli.js';

interface Report {
  ok: boolean;
  summary: Record<string, number>;
  items: {
    itemId?: string;
    status: string;
    error?: { error_code: string };
    recovery?: { kind: string };
    webhookElsewhere?: string;
    nudge?: { webhookId: string; sent: boolean };
  }[];
}
interface BusEvent {
  'detail-type': string;
  detail: { metadata: { webhookId: string; replayed: boolean }; data: Record<string, unknown> };
}

let pipeline: Awaited<ReturnType<typeof startDevOnV2Table>>;
let dev: DevProcess;
let plaid: HttpStub;
let reports: string;
const hour = 3_600_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const token = (name: string) => `access-sandbox-${name}-0000`;

const entry = (detailType: string) => {
  const found = DETAIL_TYPES.find((d) => d.detailType === detailType);
  if (!found) throw new Error(`no ${detailType}`);
  return found;
};
const store = (detailType: string, itemId: string, receivedAt: number) =>
  putV2Record(pipeline.dynamo, pipeline.tableName, {
    provider: 'plaid',
    detailType,
    status: 'received',
    receivedAt: iso(receivedAt),
    rawBody: sampleBody(entry(detailType), [`item_id=${itemId}`]).toString(),
  });
const run = (args: string[]) =>
  runCli(['reconcile', 'plaid', '--local', ...args], {
    ...dev.env,
    PLAID_BASE_URL: plaid.url,
    PLAID_CLIENT_ID: 'rc-client',
    PLAID_SECRET: 'rc-secret',
  });
const nudgesFor = (itemId: string) =>
  (dev.events() as unknown as BusEvent[]).filter(
    (e) => e['detail-type'] === 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE' && e.detail.data.item_id === itemId,
  );

beforeAll(async () => {
  pipeline = await startDevOnV2Table({ RECONCILE_EVERY_SECONDS: '0' });
  dev = pipeline.dev;
  reports = tempDir();
  const url = localWebhookUrl(dev.env, 'plaid');
  const states: Record<string, PlaidItemState> = {
    [token('ok')]: {
      webhook: url,
      lastWebhook: { code_sent: 'SYNC_UPDATES_AVAILABLE', sent_at: iso(now - 2 * hour) },
    },
    // Plaid sent DEFAULT_UPDATE to an old URL: the table's last webhook of the Item is older.
    [token('gap')]: {
      webhook: 'https://old.example.com/hook',
      lastWebhook: { code_sent: 'DEFAULT_UPDATE', sent_at: iso(now - hour) },
      transactions: { last_successful_update: iso(now - hour), last_failed_update: null },
    },
    [token('inv')]: {
      webhook: url,
      products: ['investments'],
      lastWebhook: { code_sent: 'DEFAULT_UPDATE', sent_at: iso(now - hour) },
    },
    [token('login')]: {
      webhook: url,
      error: {
        error_type: 'ITEM_ERROR',
        error_code: 'ITEM_LOGIN_REQUIRED',
        error_message: 'the login details of this item have changed',
      },
      lastWebhook: { code_sent: 'ERROR', sent_at: iso(now - hour) },
    },
    [token('rate')]: { webhook: url, lastWebhook: null },
    [token('down')]: { webhook: url },
  };
  plaid = await startPlaidStub({
    clientId: 'rc-client',
    secret: 'rc-secret',
    items: Object.fromEntries(Object.keys(states).map((t) => [t, `item-${t.split('-')[2]}`])),
    itemGet: states,
    script: {
      [token('rate')]: [RATE_LIMITED()],
      [token('down')]: [INTERNAL_ERROR(), INTERNAL_ERROR(), INTERNAL_ERROR()],
    },
  });
  await store('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'item-ok', now - 2 * hour + 800);
  await store('TRANSACTIONS.INITIAL_UPDATE', 'item-gap', now - 3 * hour);
}, 90_000);
afterAll(async () => {
  await plaid?.close();
  await pipeline?.stop();
});

describe('reconcile plaid against the Plaid stand-in and the local pipeline', () => {
  it('reports each Item: stored, missed with the documented recovery, in error, or unreadable', async () => {
    // Prepare
    const names = ['ok', 'gap', 'inv', 'login', 'rate', 'down'];
    const file = writeLines(reports, 'tokens.txt', [...names.map(token), 'access-sandbox-unknown-0000']);
    // Act
    const result = await run([
      '--access-tokens',
      file,
      '--max-attempts',
      '2',
      '--retry-delay',
      '10',
      '--report',
      join(reports, 'r1.json'),
    ]);
    // Assess
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const report = readReport<Report>(join(reports, 'r1.json'));
    expect(report.summary).toEqual({
      items: 7,
      ok: 1,
      noWebhook: 1,
      missed: 3,
      recovered: 0,
      recoverable: 1,
      webhookElsewhere: 1,
      errors: 2,
      failed: 5,
    });
    const byItem = new Map(report.items.map((i) => [i.itemId, i]));
    expect(byItem.get('item-ok')?.status).toBe('ok');
    expect(byItem.get('item-gap')).toMatchObject({
      status: 'missed',
      recovery: { kind: 'nudge' },
      webhookElsewhere: 'https://old.example.com/hook',
    });
    expect(byItem.get('item-inv')).toMatchObject({ status: 'missed', recovery: { kind: 'manual' } });
    expect(byItem.get('item-login')).toMatchObject({ status: 'missed', itemError: 'ITEM_LOGIN_REQUIRED' });
    expect(byItem.get('item-rate')?.status).toBe('no-webhook');
    const errors = report.items.filter((i) => i.status === 'error').map((i) => i.error?.error_code);
    expect(errors.sort()).toEqual(['INTERNAL_SERVER_ERROR', 'INVALID_ACCESS_TOKEN']);
    expect(result.stdout).toContain('/investments/holdings/get');
    expect(result.stdout).toContain('webhook URL at Plaid is https://old.example.com/hook');
    expect(nudgesFor('item-gap')).toHaveLength(0);
  }, 60_000);

  it('--recover publishes one SYNC_UPDATES_AVAILABLE nudge per recoverable gap, and a second run sends none', async () => {
    // Prepare
    const file = writeLines(reports, 'two.txt', [token('ok'), token('gap')]);
    // Act
    const first = await run(['--access-tokens', file, '--recover', '--report', join(reports, 'r2.json')]);
    const [nudge] = await waitFor(() => {
      const found = nudgesFor('item-gap');
      return found.length ? found : undefined;
    }, 20_000);
    const second = await run(['--access-tokens', file, '--recover', '--report', join(reports, 'r3.json')]);
    // Assess
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const written = readReport<Report>(join(reports, 'r2.json'));
    expect(written.summary).toMatchObject({ recovered: 1, missed: 0, failed: 0 });
    const recovered = written.items.find((i) => i.itemId === 'item-gap');
    expect(recovered?.nudge).toMatchObject({ sent: true });
    expect(nudge?.detail.metadata.webhookId).toBe(recovered?.nudge?.webhookId);
    expect(nudge?.detail.data).toMatchObject({
      item_id: 'item-gap',
      environment: 'sandbox',
      webhook_pipeline_recovery: { missed_code: 'DEFAULT_UPDATE' },
    });
    expect(second.code).toBe(0);
    const again = readReport<Report>(join(reports, 'r3.json'));
    expect(again.items.find((i) => i.itemId === 'item-gap')).toMatchObject({ status: 'recovered' });
    expect(again.items.find((i) => i.itemId === 'item-gap')?.nudge).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(nudgesFor('item-gap')).toHaveLength(1);
  }, 60_000);

  it('usage errors exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await runCli(['reconcile', 'argyle', '--local'], dev.env)).code).toBe(2);
    expect((await runCli(['reconcile', '--help'], dev.env)).stdout).toContain('--recover');
  });
});
