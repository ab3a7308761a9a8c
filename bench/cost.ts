/**
 * Sizes for the cost model, measured on the real code: every catalogue sample of both providers
 * through the ingest handler (the DynamoDB item of docs/storage-layout.md, the SQS message, the log
 * lines), then through the router handler in batches of one and of ten (the event entry, the log
 * lines of a batch and of a record), each with every request INFO line written and with none; and
 * the custom metric streams (EMF) the happy path and a cold start emit. bench/run.ts adds the CPU
 * figures and writes the result as `cost.profile` of latest.json, which the cost model
 * (lib/cost/monthly-bill.ts) prices against the synthesized template.
 * `node --import tsx bench/cost.ts`
 */
import { createHash } from 'node:crypto';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { SQSRecord } from 'aws-lambda';
import { createRouterHandler } from '../lambdas/router/create-handler.js';
import { entrySize } from '../lambdas/shared/adapters/event-publisher.js';
import { toItem } from '../lambdas/shared/adapters/webhook-store.js';
import { createLogger, createMetrics } from '../lambdas/shared/powertools.js';
import {
  type PutResult,
  type StoredState,
  type WebhookRecord,
  WebhookStatus,
} from '../lambdas/shared/webhook-record.js';
import type { LogOutput, MetricStream } from '../lib/cost/usage-profile.js';
import { deliverySigner } from './lib/bodies.js';
import { captureOutput, jsonLines, outputBytes } from './lib/capture.js';
import { writeResult } from './lib/child.js';
import { AcceptingPublisher, InMemoryRouterStore } from './lib/in-memory.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { itemSizeBytes } from './lib/item-size.js';
import { applyDeployedEnvironment, lambdaContext } from './lib/lambda-env.js';
import type { MeasuredSizes } from './lib/usage-profile.js';

const ROUTER_MEMORY_MB = 512;
const KB = 1024;
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const lineCount = (output: string) => output.split('\n').filter((l) => l !== '').length;

/** The custom metric streams of EMF lines in captured output: name and dimension values. */
const streamsOf = (output: string): MetricStream[] =>
  jsonLines(output).flatMap(({ line }) => {
    const aws = line._aws as
      | { CloudWatchMetrics?: { Dimensions?: string[][]; Metrics?: { Name: string }[] }[] }
      | undefined;
    return (aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
      (directive.Dimensions ?? [[]]).flatMap((keys) =>
        (directive.Metrics ?? []).map((metric) => ({
          service: String(line.service),
          name: metric.Name,
          dimensions: Object.fromEntries(keys.map((k) => [k, String(line[k])])),
        })),
      ),
    );
  });
const distinct = (streams: readonly MetricStream[]) =>
  [...new Map(streams.map((s) => [JSON.stringify([s.service, s.name, s.dimensions]), s])).values()].sort(
    (x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)),
  );

// Ingest: every catalogue sample, signed, through the handler; what it writes and sends, recorded.
// Twice: with every INFO line (rate 1) and with none (rate 0); the model takes the expected value
// at the deployed LOG_SAMPLE_RATE.
const keys = benchKeys();
const sign = deliverySigner(keys.plaid, keys.argyleSecret);
const coldStartOutput: string[] = [];
const happyOutput: string[] = [];
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
  const bytes: number[] = [];
  const events: number[] = [];
  // One request first, so that the cold-start lines are not counted against a webhook: an accepted
  // webhook, so that they are the cold start's only.
  const warmUp = DETAIL_TYPES.find((d) => d.provider === 'argyle') as (typeof DETAIL_TYPES)[number];
  const first = await captureOutput(() =>
    ingest(
      toApiEvent(
        sign(
          'argyle',
          warmUp.detailType,
          Buffer.from(JSON.stringify({ ...(warmUp.entry.sample as object), warmUp: true })),
        ),
        0,
      ),
      ingestContext.next(),
    ),
  );
  if (first.result.statusCode !== 200 || !first.result.body.includes('"accepted"'))
    throw new Error(`warm-up webhook: ${first.result.statusCode} ${first.result.body}`);
  coldStartOutput.push(first.output);
  records.length = 0;
  messages.length = 0;
  for (const [i, { provider, detailType, entry }] of DETAIL_TYPES.entries()) {
    const body = Buffer.from(JSON.stringify(entry.sample, null, 2));
    const { result, output } = await captureOutput(() =>
      ingest(toApiEvent(sign(provider, detailType, body), i + 1), ingestContext.next()),
    );
    if (result.statusCode !== 200 || !result.body.includes('"accepted"'))
      throw new Error(`${detailType}: ${result.statusCode} ${result.body}`);
    bytes.push(outputBytes(output));
    events.push(lineCount(output));
    happyOutput.push(output);
  }
  return { records, messages, bytes: mean(bytes), events: mean(events) };
};
const everyLine = await runIngest(1);
const noLine = await runIngest(0);
const { records, messages } = everyLine;

// Router: the recorded messages in batches, as the event source mapping delivers them; again with
// every INFO line and with none, in batches of one and of ten, so that what a batch writes once
// (its counts) and what each record writes are told apart.
applyDeployedEnvironment('webhook-router', ROUTER_MEMORY_MB);
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
// Batches mix the providers as the queue does (the catalogue lists every Plaid sample first):
// each provider's samples spread evenly over the run.
const spread = (provider: string) => {
  const own = messages.filter((m) => (JSON.parse(m) as { provider: string }).provider === provider);
  return own.map((m, i) => ({ m, at: (i + 0.5) / own.length }));
};
const interleaved = [...spread('plaid'), ...spread('argyle')].sort((x, y) => x.at - y.at).map((e) => e.m);
const runRouter = async (logSampleRate: number, batchSize: number, countPublished = true) => {
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
    countPublished,
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
  const routerContext = lambdaContext('webhook-router', ROUTER_MEMORY_MB, 30_000);
  const first = await captureOutput(() => router({ Records: [] }, routerContext.next()));
  coldStartOutput.push(first.output);
  let bytes = 0;
  let events = 0;
  let batches = 0;
  for (let i = 0; i < interleaved.length; i += batchSize) {
    const batch = interleaved.slice(i, i + batchSize).map((m, j) => toRecord(m, i + j));
    const { result, output } = await captureOutput(() => router({ Records: batch }, routerContext.next()));
    if (result.batchItemFailures.length) throw new Error('router failed a record');
    bytes += outputBytes(output);
    events += lineCount(output);
    batches += 1;
    happyOutput.push(output);
  }
  return { entries, bytes, events, batches };
};

/**
 * What a batch writes once and what each of its records writes, from the totals of the same
 * records in batches of one and of ten: total = batches × perBatch + records × perRecord.
 */
const split = (one: { bytes: number; events: number; batches: number }, ten: typeof one, n: number) => {
  const perBatch = (total: 'bytes' | 'events') =>
    Math.max(0, (one[total] - ten[total]) / (one.batches - ten.batches));
  const perRecord = (total: 'bytes' | 'events') =>
    Math.max(0, (ten[total] - ten.batches * perBatch(total)) / n);
  return {
    perBatch: { bytes: perBatch('bytes'), events: perBatch('events') },
    perRecord: { bytes: perRecord('bytes'), events: perRecord('events') },
  };
};
const n = interleaved.length;
const all1 = await runRouter(1, 1);
const all10 = await runRouter(1, 10);
const none1 = await runRouter(0, 1);
const none10 = await runRouter(0, 10);
const routedAll = split(all1, all10, n);
const routedNone = split(none1, none10, n);
// PUBLISHED_COUNTS=false: the same runs without the count of plain publishes.
const uncountedAll = split(await runRouter(1, 1, false), await runRouter(1, 10, false), n);
const uncountedNone = split(await runRouter(0, 1, false), await runRouter(0, 10, false), n);
const entries = all10.entries;

const log = (all: { bytes: number; events: number }, none: { bytes: number; events: number }): LogOutput => ({
  bytes: { allLines: all.bytes, noLine: none.bytes },
  events: { allLines: all.events, noLine: none.events },
});
const zero: LogOutput = { bytes: { allLines: 0, noLine: 0 }, events: { allLines: 0, noLine: 0 } };

const items = records.map((record) => itemSizeBytes(toItem(record)));
const perMessage = records.map((record, i) => ({
  item: items[i] as number,
  message: Buffer.byteLength(messages[i] as string),
  body: Buffer.byteLength(record.rawBody),
}));
const happy = distinct(streamsOf(happyOutput.join('')));
const coldOnly = distinct(streamsOf(coldStartOutput.join(''))).filter(
  (s) => !happy.some((h) => JSON.stringify(h) === JSON.stringify(s)),
);
const result: MeasuredSizes = {
  samples: records.length,
  perWebhook: {
    apiRequestUnits: mean(perMessage.map((m) => units(m.body, 512 * KB))),
    // The happy path writes one item (docs/storage-layout.md): no index entry, no mark by the router.
    writeUnits: mean(items.map((b) => units(b, KB))),
    oneWriteUnitShare: items.filter((b) => b <= KB).length / items.length,
    // BatchGetItem, eventually consistent: half a unit per 4 KB of each item, whatever it projects.
    readUnits: mean(items.map((b) => units(b, 4 * KB) / 2)),
    itemBytes: mean(items),
    messageBytes: mean(perMessage.map((m) => m.message)),
    sendRequests: mean(perMessage.map((m) => units(m.message, 64 * KB))),
    eventBytes: mean(entries),
    eventEntries: mean(entries.map((b) => units(b, 64 * KB))),
  },
  logs: {
    'webhook-ingest': { perInvocation: log(everyLine, noLine), perRecord: zero },
    'webhook-router': {
      perInvocation: log(routedAll.perBatch, routedNone.perBatch),
      perRecord: log(routedAll.perRecord, routedNone.perRecord),
    },
  },
  routerWithoutPublishedCounts: {
    perInvocation: log(uncountedAll.perBatch, uncountedNone.perBatch),
    perRecord: log(uncountedAll.perRecord, uncountedNone.perRecord),
  },
  metrics: { perWebhook: happy, perColdStart: coldOnly },
};
writeResult(result);
