import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusRulesApi } from '../../local/bus-rules-api.js';
import { type Emulator, startSqsEmulator } from '../../local/emulators.js';
import { type LocalBus, startLocalBus } from '../../local/local-bus.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The one bus the local bus answers rule operations for (its archive's). */
const BUS = 'webhook-pipeline-local';

describe('local bus rules with SQS targets (real SDK clients, fauxqs)', () => {
  let sqsEmulator: Emulator;
  let bus: LocalBus;
  let sqs: SQSClient;
  let events: EventBridgeClient;
  let queueUrl: string;
  let queueArn: string;

  beforeAll(async () => {
    sqsEmulator = await startSqsEmulator();
    sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials });
    bus = await startLocalBus({
      eventsLog: join(mkdtempSync(join(tmpdir(), 'wp-rules-')), 'events.ndjson'),
      rules: createBusRulesApi({ sqs }),
    });
    events = new EventBridgeClient({ endpoint: bus.endpoint, region: 'us-east-1', credentials });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'rule-target' }))).QueueUrl ?? '';
    queueArn =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';
  });

  afterAll(async () => {
    events.destroy();
    sqs.destroy();
    await bus.close();
    await sqsEmulator.close();
  });

  const put = (detailType: string, detail: unknown) =>
    events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'webhooks.argyle',
            DetailType: detailType,
            Detail: JSON.stringify(detail),
            EventBusName: BUS,
          },
        ],
      }),
    );

  it('delivers the events a rule matches to its queue, as a rule target receives them, and no others', async () => {
    // Prepare
    const { RuleArn } = await events.send(
      new PutRuleCommand({
        Name: 'only-connected',
        EventBusName: BUS,
        EventPattern: JSON.stringify({
          'detail-type': ['accounts.connected'],
          detail: { n: [{ numeric: ['>', 1] }] },
        }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'only-connected',
        EventBusName: BUS,
        Targets: [{ Id: 'q', Arn: queueArn }],
      }),
    );

    // Act
    await put('accounts.connected', { n: 2 });
    await put('accounts.connected', { n: 1 });
    await put('accounts.removed', { n: 5 });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }),
    );

    // Assert
    expect(RuleArn).toBe(`arn:aws:events:us-east-1:000000000000:rule/${BUS}/only-connected`);
    expect(Messages?.map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([
      expect.objectContaining({
        version: '0',
        source: 'webhooks.argyle',
        'detail-type': 'accounts.connected',
        detail: { n: 2 },
      }),
    ]);
  });

  it('refuses an invalid pattern with PutRule’s reason, and a rule deletion while it has targets', async () => {
    await expect(
      events.send(
        new PutRuleCommand({ Name: 'bad', EventBusName: BUS, EventPattern: '{"source": "not-a-list"}' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
    await expect(
      events.send(new DeleteRuleCommand({ Name: 'only-connected', EventBusName: BUS })),
    ).rejects.toThrow(/has targets/);
    await events.send(new RemoveTargetsCommand({ Rule: 'only-connected', EventBusName: BUS, Ids: ['q'] }));
    await expect(
      events.send(new DeleteRuleCommand({ Name: 'only-connected', EventBusName: BUS })),
    ).resolves.toBeDefined();
  });
});
