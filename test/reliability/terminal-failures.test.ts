import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { exceptionKeys, TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import {
  deliverAll,
  type FaultEnvironment,
  makeDeliveries,
  PROVIDER_RETRIES,
  startFaultEnvironment,
} from './fault-harness.js';

// Issue 14 #1 and #2, through `webhook-pipeline dev`: a record the router can never publish ends
// `failed` after maxReceiveCount receives (terminal, counted, in the exceptions index, its message in
// the DLQ) instead of looping, and every failed record of a batch is counted even when the whole
// batch failed. A `requeued` message brings it back and publishes it.

const COUNT = 12;
const MAX_RECEIVE_COUNT = 3;
const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };

let env: FaultEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
}, 60_000);

/** Sums the EMF counts of one metric printed by the dev process. */
const metricSum = (output: string, name: string): number =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{"_aws"') && line.includes(`"Name":"${name}"`))
    .reduce((sum, line) => sum + Number((JSON.parse(line) as Record<string, unknown>)[name] ?? 0), 0);

const waitUntil = async (check: () => Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

describe('terminal failures (issue 14 #1, #2)', { timeout: 120_000 }, () => {
  it('marks a record that keeps failing `failed` after maxReceiveCount, counts every failed record per batch, and a requeued message publishes it', async () => {
    // Prepare: EventBridge refuses every PutEvents call
    env = await startFaultEnvironment();
    await env.startDev({
      MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    env.busProxy.setRules([
      { target: /^AWSEvents\.PutEvents$/, action: { kind: 'error', status: 500, type: 'InternalException' } },
    ]);
    const current = env;
    const deliveries = makeDeliveries('terminal', COUNT);
    // Act
    const outcomes = await deliverAll(env, deliveries, PROVIDER_RETRIES);
    await waitUntil(
      async () => (await current.records()).filter((r) => r.status === 'failed').length === COUNT,
      60_000,
      'every record failed',
    );
    // Assess: terminal, with the reason, in the exceptions index, messages in the DLQ, counted
    expect(outcomes.every((o) => o.acceptedId)).toBe(true);
    // The harness's warm-up delivery is quarantined; the others are this test's.
    const records = (await env.records()).filter((r) => r.status !== 'quarantined');
    expect(records.every((r) => r.status === 'failed' && r.failure?.includes('InternalException'))).toBe(
      true,
    );
    const dynamo = new DynamoDBClient({
      endpoint: env.dynamoProxy.endpoint,
      region: 'us-east-1',
      credentials,
    });
    let indexed = 0;
    for (const value of exceptionKeys('failed')) {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: 'webhooks',
          IndexName: TABLE_LAYOUT.exceptions.indexName,
          KeyConditionExpression: '#e = :e',
          ExpressionAttributeNames: { '#e': TABLE_LAYOUT.exceptions.partitionKey },
          ExpressionAttributeValues: { ':e': { S: value } },
        }),
      );
      indexed += out.Count ?? 0;
    }
    dynamo.destroy();
    expect(indexed).toBe(COUNT);
    const output = env.output();
    expect(metricSum(output, 'WebhooksFailed')).toBe(COUNT);
    // Every receive of every record failed, whole batches included: each is counted.
    expect(metricSum(output, 'PublishFailed')).toBe(COUNT * MAX_RECEIVE_COUNT);

    const local = (await (await fetch(`http://127.0.0.1:${env.port}/_local`)).json()) as {
      queueUrl: string;
      dlqUrl: string;
    };
    const sqs = new SQSClient({ endpoint: env.sqsProxy.endpoint, region: 'us-east-1', credentials });
    const dead: { Id: string; ReceiptHandle: string; Body: string }[] = [];
    await waitUntil(
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: local.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of out.Messages ?? [])
          dead.push({ Id: String(dead.length), ReceiptHandle: m.ReceiptHandle ?? '', Body: m.Body ?? '' });
        return dead.length >= COUNT;
      },
      30_000,
      'the DLQ messages',
    );
    expect(dead).toHaveLength(COUNT);

    // Act: the bus recovers; each dead message goes back as `requeued` (what redrive-dlq sends)
    env.busProxy.setRules([]);
    for (let i = 0; i < dead.length; i += 10) {
      const chunk = dead.slice(i, i + 10);
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: local.queueUrl,
          Entries: chunk.map((m) => ({
            Id: m.Id,
            MessageBody: JSON.stringify({ ...JSON.parse(m.Body), requeued: true }),
          })),
        }),
      );
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: local.dlqUrl,
          Entries: chunk.map((m) => ({ Id: m.Id, ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    sqs.destroy();
    // The claim comes before the event: wait for both.
    await waitUntil(
      async () =>
        (await current.records()).every((r) => r.status === 'published' || r.status === 'quarantined') &&
        current.events().length >= COUNT,
      30_000,
      'every record published',
    );
    // Assess: each published once, out of the exceptions index
    const events = env.events();
    expect(new Set(events.map((e) => e.webhookId))).toEqual(new Set(records.map((r) => r.webhookId)));
    expect(events).toHaveLength(COUNT);
  });
});
