import { join } from 'node:path';
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusRulesApi } from '../../local/bus-rules-api.js';
import { type Emulator, startSqsEmulator } from '../../local/emulators.js';
import { type LocalBus, startLocalBus } from '../../local/local-bus.js';
import { tempDir } from '../ops/stubs/run-cli.js';

interface Delivered {
  id: string;
  'detail-type': string;
  'replay-name'?: string;
  detail: { n: number };
}

const BUS = 'webhook-pipeline-local';
const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
let sqsEmulator: Emulator;
let sqs: SQSClient;
let bus: LocalBus;
let events: EventBridgeClient;
const notes: string[] = [];
/** Whole seconds: event times on the bus have no milliseconds. */
const base = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

/** A queue on the SQS emulator and its ARN, as a rule target names it. */
const queue = async (name: string) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
};

/** Receives (and deletes) messages until `count` arrived or a few empty waits passed; then one more wait. */
const receive = async (url: string, count: number): Promise<Delivered[]> => {
  const got: Delivered[] = [];
  for (let empty = 0; empty < 5 && got.length <= count; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) {
      empty += got.length >= count ? 5 : 1;
      continue;
    }
    for (const m of Messages) {
      got.push(JSON.parse(m.Body as string) as Delivered);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return got;
};

const rule = async (
  name: string,
  pattern: Record<string, unknown>,
  targets: { Id: string; Arn: string }[],
) => {
  const { RuleArn } = await events.send(
    new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify(pattern) }),
  );
  const out = await events.send(new PutTargetsCommand({ Rule: name, EventBusName: BUS, Targets: targets }));
  expect(out.FailedEntryCount).toBe(0);
  return RuleArn as string;
};

beforeAll(async () => {
  sqsEmulator = await startSqsEmulator();
  sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials });
  bus = await startLocalBus({
    eventsLog: join(tempDir(), 'events.ndjson'),
    rules: createBusRulesApi({ sqs, onNote: (note) => notes.push(note) }),
  });
  events = new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1', credentials });
});
afterAll(async () => {
  events?.destroy();
  sqs?.destroy();
  await bus?.close();
  await sqsEmulator?.close();
});

describe('the local bus rules registry (one for live events and replays)', () => {
  it('delivers a matching event to a rule queue, and a replay with that rule in FilterArns only to it, with replay-name', async () => {
    // Prepare: two rules matching the same events, one SQS target each; the first also has a Lambda target
    const syncQueue = await queue('sync-consumer');
    const otherQueue = await queue('other-consumer');
    const pattern = { source: ['webhooks.plaid'], 'detail-type': [{ prefix: 'TRANSACTIONS.' }] };
    const syncRule = await rule('sync-consumer', pattern, [
      { Id: 'queue', Arn: syncQueue.arn },
      { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer' },
    ]);
    await rule('other-consumer', pattern, [{ Id: 'queue', Arn: otherQueue.arn }]);
    const put = (n: number, detailType: string, time?: Date) => ({
      Source: 'webhooks.plaid',
      DetailType: detailType,
      Detail: JSON.stringify({ n }),
      EventBusName: BUS,
      ...(time ? { Time: time } : {}),
    });

    // Act 1: live events, now and an hour ago (those are the archived ones the replay takes)
    await events.send(
      new PutEventsCommand({
        Entries: [
          put(0, 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE'),
          put(1, 'ITEM.ERROR'),
          put(2, 'TRANSACTIONS.DEFAULT_UPDATE', new Date(base)),
          put(3, 'ITEM.ERROR', new Date(base + 60_000)),
          put(4, 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE', new Date(base + 120_000)),
        ],
      }),
    );
    const live = await receive(syncQueue.url, 3);
    const liveOther = await receive(otherQueue.url, 3);

    // Assess 1: every matching event reached both rules' queues, nothing else
    expect(live.map((e) => e.detail.n).sort()).toEqual([0, 2, 4]);
    expect(liveOther.map((e) => e.detail.n).sort()).toEqual([0, 2, 4]);
    expect(live.every((e) => e['replay-name'] === undefined)).toBe(true);
    const { Targets } = await events.send(
      new ListTargetsByRuleCommand({ Rule: 'sync-consumer', EventBusName: BUS }),
    );
    expect(Targets?.map((t) => t.Id).sort()).toEqual(['fn', 'queue']);
    expect(notes.join('\n')).toContain('function:consumer');

    // Act 2: replay the archive's hour-old window to the first rule only
    const { Arn: busArn } = await events.send(new DescribeEventBusCommand({ Name: BUS }));
    const { ArchiveArn } = await events.send(new DescribeArchiveCommand({ ArchiveName: `${BUS}-archive` }));
    await events.send(
      new StartReplayCommand({
        ReplayName: 'to-sync-consumer',
        EventSourceArn: ArchiveArn,
        EventStartTime: new Date(base),
        EventEndTime: new Date(base + 10 * 60_000),
        Destination: { Arn: busArn, FilterArns: [syncRule] },
      }),
    );
    let state: string | undefined;
    for (let i = 0; i < 100 && state !== 'COMPLETED' && state !== 'FAILED'; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      state = (await events.send(new DescribeReplayCommand({ ReplayName: 'to-sync-consumer' }))).State;
    }
    const replayed = await receive(syncQueue.url, 2);
    const replayedOther = await receive(otherQueue.url, 0);

    // Assess 2: the archived matching events, unchanged but for replay-name, to the FilterArns rule only
    expect(state).toBe('COMPLETED');
    expect(replayed.map((e) => e.detail.n).sort()).toEqual([2, 4]);
    for (const e of replayed) {
      const { 'replay-name': name, ...rest } = e;
      expect(name).toBe('to-sync-consumer');
      expect(rest).toEqual(live.find((l) => l.id === e.id));
    }
    expect(replayedOther).toEqual([]);
  }, 30_000);
});
