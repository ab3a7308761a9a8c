import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBody } from '../../cli/samples.js';
import type { RecordStatus } from '../../lambdas/shared/adapters/operations-store.js';
import { CLI, type DevProcess, waitFor } from '../helpers/dev-process.js';
import { putV2Record, type Seeded, startDevOnV2Table } from '../helpers/v2-table.js';
import { readReport, runCli, tempDir } from '../ops/stubs/run-cli.js';

interface BusEvent {
  id: string;
  source: string;
  time: string;
  'replay-name'?: string;
  'detail-type': string;
  detail: { metadata: { webhookId: string; replayed: boolean }; data: Record<string, unknown> };
}
interface Report {
  ok: boolean;
  summary: Record<string, number>;
  items: { webhookId: string; status: string }[];
  parameters: { cost?: { lines: { line: string; usd: number }[]; totalUsd: number } };
}

let pipeline: Awaited<ReturnType<typeof startDevOnV2Table>>;
let dev: DevProcess;
let dynamo: DynamoDBClient;
let reports: string;
const seeded: Seeded[] = [];
/** The seeded window: an hour ago, one second per record. */
const base = Date.now() - 3_600_000;
const at = (s: number) => new Date(base + s * 1000).toISOString();
const from = at(0);
const to = at(1000);

const entry = (detailType: string) => {
  const found = DETAIL_TYPES.find((d) => d.detailType === detailType);
  if (!found) throw new Error(`no ${detailType}`);
  return found;
};
const seed = async (
  detailType: string,
  status: RecordStatus,
  second: number,
  item: string,
): Promise<Seeded> => {
  const provider = detailType.includes('.') && detailType === detailType.toUpperCase() ? 'plaid' : 'argyle';
  const sets = provider === 'plaid' ? [`item_id=${item}`] : [`data.account=${item}`];
  const record = await putV2Record(dynamo, pipeline.tableName, {
    provider,
    detailType,
    receivedAt: at(second),
    status,
    rawBody: sampleBody(entry(detailType), sets).toString().replace(/}\s*$/, `, "seq": ${second}}`),
    ...(status === 'failed' ? { failure: 'PutEvents refused' } : {}),
  });
  seeded.push(record);
  return record;
};
const events = () => dev.events() as unknown as BusEvent[];
const replaysOf = (webhookId: string) =>
  events().filter((e) => e.detail.metadata.webhookId === webhookId && e.detail.metadata.replayed);
const cli = (args: string[]) => runCli(args, dev.env);

beforeAll(async () => {
  pipeline = await startDevOnV2Table({ RECONCILE_EVERY_SECONDS: '0' });
  dev = pipeline.dev;
  dynamo = pipeline.dynamo;
  reports = tempDir();
  let s = 1;
  // Plaid TRANSACTIONS.* of two Items, in every status; other types; Argyle; one outside the window.
  for (const status of ['received', 'published', 'published', 'quarantined', 'failed'] as const) {
    await seed('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', status, s++, 'item-a');
    await seed('TRANSACTIONS.DEFAULT_UPDATE', status, s++, 'item-b');
  }
  await seed('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'received', 600, 'item-a');
  await seed('ITEM.LOGIN_REPAIRED', 'published', s++, 'item-a');
  await seed('accounts.updated', 'received', s++, 'acc-1');
  await seed('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'published', 2000, 'item-a');
}, 90_000);
afterAll(async () => {
  await pipeline?.stop();
});

/** What the filters must select, computed from the seeds (not from the command). */
const expected = (keep: (r: Seeded) => boolean) =>
  seeded
    .filter((r) => r.receivedAt >= from && r.receivedAt < to)
    .filter(keep)
    .map((r) => r.webhookId)
    .sort();
const happy = (r: Seeded) => r.status === 'received' || r.status === 'published';

describe('replay on the v2 layout (local pipeline, dynalite, fauxqs, local bus)', () => {
  it('--dry-run counts what a real replay then publishes, and prints each cost line', async () => {
    // Prepare
    const args = [
      'replay',
      '--local',
      '--provider',
      'plaid',
      '--type',
      'TRANSACTIONS.*',
      '--from',
      from,
      '--to',
      to,
    ];
    const want = expected(
      (r) => r.provider === 'plaid' && r.detailType.startsWith('TRANSACTIONS.') && happy(r),
    );
    // Act
    const dry = await cli([...args, '--dry-run', '--report', join(reports, 'dry.json')]);
    const real = await cli([...args, '--rate', '100/s', '--report', join(reports, 'real.json')]);
    // Assess
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    const dryReport = readReport<Report>(join(reports, 'dry.json'));
    expect(dryReport.items.map((i) => i.webhookId).sort()).toEqual(want);
    expect(dryReport.summary.planned).toBe(want.length);
    for (const line of [
      'DynamoDB Scan',
      'SQS SendMessageBatch',
      'Router Lambda requests',
      'EventBridge PutEvents',
    ])
      expect(dry.stdout).toContain(line);
    expect(dryReport.parameters.cost?.totalUsd).toBeGreaterThan(0);
    expect(real.code, real.stdout + real.stderr).toBe(0);
    const realReport = readReport<Report>(join(reports, 'real.json'));
    expect(realReport.summary.enqueued).toBe(dryReport.summary.planned);
    await waitFor(
      () => (want.every((id) => replaysOf(id).length === 1) ? true : undefined),
      20_000,
      'replays',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const replayed = [
      ...new Set(
        events()
          .filter((e) => e.detail.metadata.replayed)
          .map((e) => e.detail.metadata.webhookId),
      ),
    ];
    expect(replayed.sort()).toEqual(want);
    for (const id of want) expect(replaysOf(id)).toHaveLength(1);
  }, 60_000);

  it('filters by exact type, status, Item, provider and time, each counted as the seeds say', async () => {
    const count = async (args: string[], name: string) => {
      const run = await cli([
        'replay',
        '--local',
        '--from',
        from,
        '--to',
        to,
        '--dry-run',
        '--report',
        join(reports, name),
        ...args,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      return readReport<Report>(join(reports, name))
        .items.map((i) => i.webhookId)
        .sort();
    };
    expect(await count(['--type', 'TRANSACTIONS.DEFAULT_UPDATE'], 'f1.json')).toEqual(
      expected((r) => r.detailType === 'TRANSACTIONS.DEFAULT_UPDATE' && happy(r)),
    );
    expect(await count(['--status', 'quarantined'], 'f2.json')).toEqual(
      expected((r) => r.status === 'quarantined'),
    );
    expect(await count(['--status', 'failed', '--provider', 'plaid'], 'f3.json')).toEqual(
      expected((r) => r.status === 'failed'),
    );
    expect(await count(['--item', 'item-a', '--type', '*.SYNC_UPDATES_AVAILABLE,ITEM.*'], 'f4.json')).toEqual(
      expected((r) => r.rawBody.includes('"item-a"') && happy(r) && !r.detailType.endsWith('DEFAULT_UPDATE')),
    );
    expect(await count(['--provider', 'argyle', '--item', 'acc-1'], 'f5.json')).toEqual(
      expected((r) => r.provider === 'argyle'),
    );
    const narrow = await cli([
      'replay',
      '--local',
      '--from',
      at(1),
      '--to',
      at(3),
      '--dry-run',
      '--report',
      join(reports, 'f6.json'),
    ]);
    expect(narrow.code).toBe(0);
    expect(readReport<Report>(join(reports, 'f6.json')).summary.planned).toBe(2);
  }, 60_000);

  it('a run interrupted by Ctrl-C resumes from its cursor: every webhook is published once, none twice', async () => {
    // Prepare: 15 more Argyle webhooks (two SQS batches) and a rate that sends one batch, then waits
    for (let i = 0; i < 15; i += 1) await seed('accounts.updated', 'received', 700 + i, `acc-r${i}`);
    const cursor = join(reports, 'cursor.json');
    const args = [
      CLI,
      'replay',
      '--local',
      '--from',
      from,
      '--to',
      to,
      '--provider',
      'argyle',
      '--segments',
      '1',
    ];
    const want = expected((r) => r.provider === 'argyle' && happy(r));
    const before = new Map(want.map((id) => [id, replaysOf(id).length]));
    const child = spawn(
      process.execPath,
      [...args, '--rate', '1/s', '--cursor', cursor, '--report', join(reports, 'r1.json')],
      {
        env: dev.env,
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Act: interrupt once the first batch is recorded in the cursor
    await waitFor(
      () => {
        if (!existsSync(cursor)) return undefined;
        const saved = JSON.parse(readFileSync(cursor, 'utf8')) as { sentTotal: number };
        return saved.sentTotal > 0 ? true : undefined;
      },
      20_000,
      'first batch',
    );
    child.kill('SIGINT');
    const firstCode = await exited;
    const first = readReport<Report>(join(reports, 'r1.json'));
    const resumed = await cli([...args.slice(1), '--cursor', cursor, '--report', join(reports, 'r2.json')]);
    // Assess
    expect(firstCode).toBe(1);
    expect(first.summary.enqueued).toBeGreaterThan(0);
    expect(first.summary.enqueued).toBeLessThan(want.length);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const second = readReport<Report>(join(reports, 'r2.json'));
    expect([...first.items, ...second.items].map((i) => i.webhookId).sort()).toEqual(want);
    await waitFor(
      () => (want.every((id) => replaysOf(id).length === (before.get(id) ?? 0) + 1) ? true : undefined),
      20_000,
      'resumed replays',
    );
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of want) expect(replaysOf(id)).toHaveLength((before.get(id) ?? 0) + 1);
    // The cursor is complete: running it again sends nothing.
    const again = await cli([...args.slice(1), '--cursor', cursor, '--report', join(reports, 'r3.json')]);
    expect(again.code).toBe(0);
    expect(readReport<Report>(join(reports, 'r3.json')).summary.enqueued).toBe(0);
  }, 90_000);

  it('replay --archive replays the archived events of the filters to a temporary rule, with replay-name', async () => {
    // Prepare: events on the bus in the window, some of Item a's TRANSACTIONS.*, some not
    const { busEndpoint } = (await (await fetch(`${dev.url}/_local`)).json()) as { busEndpoint: string };
    const bus = new EventBridgeClient({
      endpoint: busEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const put = (detailType: string, itemId: string, second: number, source = 'webhooks.plaid') => ({
      Source: source,
      DetailType: detailType,
      Detail: JSON.stringify({
        metadata: { webhookId: `arch-${second}`, replayed: false },
        data: { item_id: itemId },
      }),
      Time: new Date(Date.parse(at(second))),
      EventBusName: 'webhook-pipeline-local',
    });
    await bus.send(
      new PutEventsCommand({
        Entries: [
          put('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'item-a', 801),
          put('TRANSACTIONS.DEFAULT_UPDATE', 'item-a', 802),
          put('TRANSACTIONS.DEFAULT_UPDATE', 'item-b', 803),
          put('ITEM.ERROR', 'item-a', 804),
          put('TRANSACTIONS.DEFAULT_UPDATE', 'item-a', 805, 'webhooks.argyle'),
          put('TRANSACTIONS.DEFAULT_UPDATE', 'item-a', 2001),
        ],
      }),
    );
    const inWindow = (e: BusEvent) =>
      Date.parse(e.time) >= Date.parse(from) && Date.parse(e.time) < Date.parse(to);
    const archived = events().filter(
      (e) =>
        e['replay-name'] === undefined &&
        e.source === 'webhooks.plaid' &&
        e['detail-type'].startsWith('TRANSACTIONS.') &&
        e.detail.data.item_id === 'item-a' &&
        inWindow(e),
    );
    const report = join(reports, 'archive.json');
    // Act
    const run = await cli([
      'replay',
      '--archive',
      '--local',
      '--provider',
      'plaid',
      '--type',
      'TRANSACTIONS.*',
      '--item',
      'item-a',
      '--from',
      from,
      '--to',
      to,
      '--report',
      report,
    ]);
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const written = readReport<Report & { parameters: { replayName: string } }>(report);
    expect(written.summary).toEqual({ rules: 1, completed: 1, failed: 0 });
    const name = written.parameters.replayName;
    const replayed = events().filter((e) => e['replay-name'] === name);
    expect(archived.map((e) => e.detail.metadata.webhookId)).toEqual(
      expect.arrayContaining(['arch-801', 'arch-802']),
    );
    expect(replayed.map((e) => e.id).sort()).toEqual(archived.map((e) => e.id).sort());
    for (const e of replayed) {
      const { 'replay-name': _name, ...rest } = e;
      expect(rest).toEqual(archived.find((a) => a.id === e.id));
    }
    // The temporary rule is gone once the replay completed.
    await expect(
      bus.send(new ListTargetsByRuleCommand({ Rule: `${name}-0`, EventBusName: 'webhook-pipeline-local' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    bus.destroy();
    const dry = await cli(['replay', '--archive', '--local', '--from', from, '--to', to, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('"replay-name":["wp-replay-');
    expect(
      (await cli(['replay', '--archive', '--stack', 'nope', '--from', from, '--status', 'failed'])).code,
    ).toBe(2);
    expect((await cli(['replay', '--archive', '--stack', 'nope', '--from', from])).stderr).toContain(
      '--rule',
    );
  }, 60_000);

  it('refuses bad filters and a cursor of another replay with exit 2', async () => {
    expect((await cli(['replay', '--local', '--from', from, '--status', 'done'])).code).toBe(2);
    expect((await cli(['replay', '--local', '--from', from, '--type', '*'])).code).toBe(2);
    expect((await cli(['replay', '--local', '--from', from, '--rate', 'fast'])).code).toBe(2);
    const other = await cli([
      'replay',
      '--local',
      '--from',
      at(5),
      '--to',
      to,
      '--cursor',
      join(reports, 'cursor.json'),
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('belongs to another replay');
    const help = await cli(['replay', '--help']);
    expect(help.stdout).toContain('--cursor <file>');
    expect(help.stdout).toContain('--archive');
  });
});
