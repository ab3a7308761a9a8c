/**
 * Sizes for the cost model, measured on the real code: every catalogue sample of both providers
 * through the ingest handler (the DynamoDB item of docs/storage-layout.md, the SQS message, the log
 * bytes), then through the router handler (the event entry, the log bytes); and the functions'
 * configuration from the synthesized stack (memory, architecture, batch size, archive retention,
 * system log level, log sample rate).
 * `node --import tsx bench/cost.ts`
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { SQSRecord } from 'aws-lambda';
import { createRouterHandler } from '../lambdas/router/create-handler.js';
import { entrySize } from '../lambdas/shared/adapters/event-publisher.js';
import { toItem } from '../lambdas/shared/adapters/webhook-store.js';
import { DEFAULT_LOG_SAMPLE_RATE, loadLogSampleRate } from '../lambdas/shared/log-sampling.js';
import { createLogger, createMetrics } from '../lambdas/shared/powertools.js';
import {
  type PutResult,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
} from '../lambdas/shared/webhook-record.js';
import { deliverySigner } from './lib/bodies.js';
import { captureOutput, outputBytes } from './lib/capture.js';
import { ROOT, writeResult } from './lib/child.js';
import type { FunctionSettings } from './lib/cost-model.js';
import { AcceptingPublisher, InMemoryRouterStore } from './lib/in-memory.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { itemSizeBytes } from './lib/item-size.js';
import { applyDeployedEnvironment, lambdaContext } from './lib/lambda-env.js';

/** The functions' settings as the stack synthesizes them (bundling skipped). */
const stackSettings = async () => {
  const fallback = {
    source: 'defaults (the stack could not be synthesized)',
    ingest: { memoryMb: 1024, architecture: 'arm64', logSampleRate: DEFAULT_LOG_SAMPLE_RATE },
    router: { memoryMb: 512, architecture: 'arm64', logSampleRate: DEFAULT_LOG_SAMPLE_RATE },
    routerBatchSize: 10,
    archiveRetentionDays: 90,
  };
  try {
    const { App } = await import('aws-cdk-lib');
    const { Template } = await import('aws-cdk-lib/assertions');
    const { WebhookPipelineStack } = await import('../lib/webhook-pipeline-stack.js');
    const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context?: object })
      .context;
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const stack = new WebhookPipelineStack(app, 'WebhookPipeline-bench', {
      stage: 'bench',
      production: false,
    });
    const resources = Object.values(
      Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: never }>,
    );
    const fn = (service: string): FunctionSettings => {
      const found = resources.find(
        (r) =>
          r.Type === 'AWS::Lambda::Function' &&
          (r.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables
            ?.POWERTOOLS_SERVICE_NAME === service,
      )?.Properties as
        | {
            MemorySize?: number;
            Architectures?: string[];
            LoggingConfig?: { SystemLogLevel?: string };
            Environment?: { Variables?: Record<string, unknown> };
          }
        | undefined;
      if (!found?.MemorySize) throw new Error(`no function ${service}`);
      const rate = found.Environment?.Variables?.LOG_SAMPLE_RATE;
      return {
        memoryMb: found.MemorySize,
        architecture: found.Architectures?.[0] ?? 'x86_64',
        ...(found.LoggingConfig?.SystemLogLevel
          ? { systemLogLevel: found.LoggingConfig.SystemLogLevel }
          : {}),
        logSampleRate: loadLogSampleRate({ LOG_SAMPLE_RATE: typeof rate === 'string' ? rate : undefined }),
      };
    };
    const mapping = resources.find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')?.Properties as
      | { BatchSize?: number }
      | undefined;
    const archive = resources.find((r) => r.Type === 'AWS::Events::Archive')?.Properties as
      | { RetentionDays?: number }
      | undefined;
    return {
      source: 'synthesized stack (lib/webhook-pipeline-stack.ts, stage bench)',
      ingest: fn('webhook-ingest'),
      router: fn('webhook-router'),
      routerBatchSize: mapping?.BatchSize ?? 10,
      archiveRetentionDays: archive?.RetentionDays ?? 0,
    };
  } catch (error) {
    return { ...fallback, error: (error as Error).message };
  }
};

const settings = await stackSettings();

// Ingest: every catalogue sample, signed, through the handler; what it writes and sends, recorded.
// Twice: with every INFO line (rate 1) and with none (rate 0); the log bytes of a webhook at the
// deployed rate are the expected value between the two.
const keys = benchKeys();
const sign = deliverySigner(keys.plaid, keys.argyleSecret);
const runIngest = async (logSampleRate: number) => {
  const records: WebhookRecord[] = [];
  const messages: string[] = [];
  const store = {
    async putIfAbsent(record: WebhookRecord): Promise<PutResult> {
      records.push(record);
      return { outcome: 'created' };
    },
  };
  const queue = {
    async send(body: string) {
      messages.push(body);
    },
  };
  const { handler: ingest, context: ingestContext } = buildIngestHandler(
    { ...keys, argyleSecrets: keys.argyleSecret },
    { store, queue, logSampleRate },
  );
  const logBytes: number[] = [];
  // One request first, so that the cold-start lines are not counted against a webhook.
  await captureOutput(() =>
    ingest(
      toApiEvent(sign('argyle', 'x', Buffer.from('{"event":"users.fully_synced","data":{}}')), 0),
      ingestContext.next(),
    ),
  );
  records.length = 0;
  messages.length = 0;
  for (const [i, { provider, detailType, entry }] of DETAIL_TYPES.entries()) {
    const body = Buffer.from(JSON.stringify(entry.sample, null, 2));
    const { result, output } = await captureOutput(() =>
      ingest(toApiEvent(sign(provider, detailType, body), i + 1), ingestContext.next()),
    );
    if (result.statusCode !== 200 || !result.body.includes('"accepted"'))
      throw new Error(`${detailType}: ${result.statusCode} ${result.body}`);
    logBytes.push(outputBytes(output));
  }
  return { records, messages, logBytes };
};
const everyLine = await runIngest(1);
const noLine = await runIngest(0);
const { records, messages } = everyLine;
const expectedBytes = (all: number, none: number, rate: number) => none + rate * (all - none);
const ingestLogBytes = everyLine.logBytes.map((all, i) =>
  expectedBytes(all, noLine.logBytes[i] as number, settings.ingest.logSampleRate ?? 1),
);

// DynamoDB (storage layout v2): the item as the adapter writes it; no index entry and no router
// write on the happy path.
const dynamo = records.map((record) => ({ itemBytes: itemSizeBytes(toItem(record)) }));

// Router: the recorded messages in batches, as the event source mapping delivers them; again with
// every INFO line and with none.
applyDeployedEnvironment('webhook-router', settings.router.memoryMb);
const toRecord = (body: string, i: number): SQSRecord => ({
  messageId: createHash('md5').update(`${i}`).digest('hex'),
  receiptHandle: `AQEB${i}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AROAEXAMPLE:webhook-ingest',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
  awsRegion: 'us-east-1',
});
const runRouter = async (logSampleRate: number) => {
  const states = new Map<string, StoredState>(
    records.map((r) => [
      r.dedupeKey,
      {
        webhookId: r.webhookId,
        status: WebhookStatus.Received,
        receivedAt: r.receivedAt,
        dedupeUntil: r.dedupeUntil,
      },
    ]),
  );
  const publisher = new AcceptingPublisher();
  const entries: number[] = [];
  const router = createRouterHandler({
    logger: createLogger('webhook-router'),
    metrics: createMetrics('webhook-router'),
    logSampleRate,
    deps: {
      store: new InMemoryRouterStore(states),
      publisher: {
        async publish(batch) {
          for (const entry of batch) entries.push(entrySize(entry));
          return publisher.publish(batch);
        },
      },
      now: Date.now,
    },
  });
  const routerContext = lambdaContext('webhook-router', settings.router.memoryMb, 30_000);
  await captureOutput(() => router({ Records: [] }, routerContext.next()));
  let logBytes = 0;
  for (let i = 0; i < messages.length; i += settings.routerBatchSize) {
    const batch = messages.slice(i, i + settings.routerBatchSize).map((m, j) => toRecord(m, i + j));
    const { result, output } = await captureOutput(() => router({ Records: batch }, routerContext.next()));
    if (result.batchItemFailures.length) throw new Error('router failed a record');
    logBytes += outputBytes(output);
  }
  return { entries, logBytesPerEvent: logBytes / messages.length };
};
const routedEveryLine = await runRouter(1);
const routedNoLine = await runRouter(0);
const entries = routedEveryLine.entries;
const routerLogBytesPerEvent = expectedBytes(
  routedEveryLine.logBytesPerEvent,
  routedNoLine.logBytesPerEvent,
  settings.router.logSampleRate ?? 1,
);

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
writeResult({
  settings,
  webhooks: records.length,
  perWebhook: dynamo.map((d, i) => ({
    ...d,
    messageBytes: Buffer.byteLength(messages[i] as string),
    eventBytes: entries[i] as number,
    bodyBytes: Buffer.byteLength((records[i] as WebhookRecord).rawBody),
    ingestLogBytes: ingestLogBytes[i] as number,
    ingestLogBytesAllLines: everyLine.logBytes[i] as number,
    ingestLogBytesNoLine: noLine.logBytes[i] as number,
  })),
  routerLogBytesPerEvent,
  routerLogBytesAllLinesPerEvent: routedEveryLine.logBytesPerEvent,
  routerLogBytesNoLinePerEvent: routedNoLine.logBytesPerEvent,
  meanBodyBytes: mean(records.map((r) => Buffer.byteLength(r.rawBody))),
});
