import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListArchivesCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBus, startLocalBus } from '../../local/local-bus.js';
import { tempDir } from '../ops/stubs/run-cli.js';

let bus: LocalBus;
let client: EventBridgeClient;
let eventsLog: string;
const lines = () =>
  readFileSync(eventsLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { detail: { n: number } });
/** Whole seconds: event times on the bus have no milliseconds. */
const base = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

beforeAll(async () => {
  eventsLog = join(tempDir(), 'events.ndjson');
  bus = await startLocalBus({ eventsLog });
  client = new EventBridgeClient({
    endpoint: bus.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  // Six events a minute apart, an hour ago.
  await client.send(
    new PutEventsCommand({
      Entries: Array.from({ length: 6 }, (_, n) => ({
        Source: 'webhooks.plaid',
        DetailType: n % 2 ? 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE' : 'ITEM.ERROR',
        Detail: JSON.stringify({ n }),
        Time: new Date(base + n * 60_000),
        EventBusName: 'webhook-pipeline-local',
      })),
    }),
  );
});
afterAll(async () => {
  client?.destroy();
  await bus?.close();
});

describe('the local bus archive (StartReplay, DescribeReplay, ListReplays over the SDK client)', () => {
  it('replays the archived events of [start, end) into the events log with replay-name, as EventBridge does', async () => {
    // Prepare
    const { Arn: busArn } = await client.send(
      new DescribeEventBusCommand({ Name: 'webhook-pipeline-local' }),
    );
    const [archive] = (await client.send(new ListArchivesCommand({ EventSourceArn: busArn }))).Archives ?? [];
    const { ArchiveArn } = await client.send(
      new DescribeArchiveCommand({ ArchiveName: archive?.ArchiveName }),
    );
    // Act
    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'r-window',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date(base + 60_000),
        EventEndTime: new Date(base + 4 * 60_000),
        Destination: { Arn: busArn },
      }),
    );
    let state = started.State;
    for (let i = 0; i < 50 && state !== 'COMPLETED'; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      state = (await client.send(new DescribeReplayCommand({ ReplayName: 'r-window' }))).State;
    }
    const described = await client.send(new DescribeReplayCommand({ ReplayName: 'r-window' }));
    // Assess
    expect(started.State).toBe('STARTING');
    expect(described.State).toBe('COMPLETED');
    expect(described.EventLastReplayedTime?.getTime()).toBe(base + 3 * 60_000);
    const replayed = lines().filter((e) => e['replay-name'] === 'r-window');
    expect(replayed.map((e) => e.detail.n)).toEqual([1, 2, 3]);
    const originals = lines().filter((e) => e['replay-name'] === undefined);
    expect(originals).toHaveLength(6);
    // The replayed event is the archived one, with replay-name added.
    const { 'replay-name': _name, ...rest } = replayed[0] as Record<string, unknown>;
    expect(rest).toEqual(originals[1]);
    const listed = await client.send(new ListReplaysCommand({ NamePrefix: 'r-' }));
    expect(listed.Replays?.map((r) => [r.ReplayName, r.State])).toEqual([['r-window', 'COMPLETED']]);
  });

  it('refuses what EventBridge refuses: a repeated name, an unknown archive or rule, a window ending in the future', async () => {
    const { Arn: busArn } = await client.send(
      new DescribeEventBusCommand({ Name: 'webhook-pipeline-local' }),
    );
    const { ArchiveArn } = await client.send(
      new DescribeArchiveCommand({ ArchiveName: 'webhook-pipeline-local-archive' }),
    );
    const start = (name: string, overrides: Record<string, unknown> = {}) =>
      client.send(
        new StartReplayCommand({
          ReplayName: name,
          EventSourceArn: ArchiveArn,
          EventStartTime: new Date(base),
          EventEndTime: new Date(base + 60_000),
          Destination: { Arn: busArn },
          ...overrides,
        }),
      );
    await start('r-once');
    await expect(start('r-once')).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await expect(start('r-2', { EventSourceArn: `${ArchiveArn}-other` })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      start('r-3', {
        Destination: { Arn: busArn, FilterArns: [`${(busArn ?? '').replace('event-bus', 'rule')}/nope`] },
      }),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(start('r-4', { EventEndTime: new Date(Date.now() + 60_000) })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(client.send(new DescribeReplayCommand({ ReplayName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('replays to FilterArns rules only the events their pattern matches, replay-name included; refuses an invalid pattern', async () => {
    // Prepare
    const { Arn: busArn } = await client.send(
      new DescribeEventBusCommand({ Name: 'webhook-pipeline-local' }),
    );
    const { ArchiveArn } = await client.send(
      new DescribeArchiveCommand({ ArchiveName: 'webhook-pipeline-local-archive' }),
    );
    const { RuleArn } = await client.send(
      new PutRuleCommand({
        Name: 'only-sync',
        EventBusName: 'webhook-pipeline-local',
        EventPattern: JSON.stringify({
          'detail-type': [{ prefix: 'TRANSACTIONS.' }],
          'replay-name': ['r-filtered'],
        }),
      }),
    );
    // Act
    await client.send(
      new StartReplayCommand({
        ReplayName: 'r-filtered',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date(base),
        EventEndTime: new Date(base + 6 * 60_000),
        Destination: { Arn: busArn, FilterArns: [RuleArn ?? ''] },
      }),
    );
    let state: string | undefined;
    for (let i = 0; i < 50 && state !== 'COMPLETED'; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      state = (await client.send(new DescribeReplayCommand({ ReplayName: 'r-filtered' }))).State;
    }
    // Assess: the odd events are the TRANSACTIONS ones
    expect(state).toBe('COMPLETED');
    expect(
      lines()
        .filter((e) => e['replay-name'] === 'r-filtered')
        .map((e) => e.detail.n),
    ).toEqual([1, 3, 5]);
    await expect(
      client.send(
        new PutRuleCommand({
          Name: 'bad',
          EventBusName: 'webhook-pipeline-local',
          EventPattern: JSON.stringify({ source: 'not-an-array' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
  });
});
