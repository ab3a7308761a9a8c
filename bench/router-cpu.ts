/**
 * CPU per event of the router handler: batches of 10 SQS records (queue messages as ingest builds
 * them, bodies inline) through the real factory with Powertools batch processing, logger and
 * metrics as deployed; the table and the bus in memory. Also the bare floor of the same work
 * (parse each message and its body, serialise each event).
 * `node --expose-gc --import tsx bench/router-cpu.ts <handler|baseline> [batches] [warmup]`
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { CATALOGUE_VERSION } from '../lambdas/providers/catalogue-version.js';
import { createRouterHandler } from '../lambdas/router/create-handler.js';
import { DEFAULT_LOG_SAMPLE_RATE } from '../lambdas/shared/log-sampling.js';
import { createLogger, createMetrics } from '../lambdas/shared/powertools.js';
import { buildQueueMessage } from '../lambdas/shared/queue-message.js';
import { type StoredState, WebhookStatus } from '../lambdas/shared/webhook-record.js';
import { uniqueBody } from './lib/bodies.js';
import { writeResult } from './lib/child.js';
import { AcceptingPublisher, InMemoryRouterStore } from './lib/in-memory.js';
import { applyDeployedEnvironment, lambdaContext } from './lib/lambda-env.js';
import { summarize } from './lib/stats.js';

const [mode = 'handler', batchesArg = '2000', warmupArg = '300'] = process.argv.slice(2);
const BATCH = 10;
const batches = Number(batchesArg);
const warmup = Number(warmupArg);
const ROUTER_MEMORY_MB = 512;

// Messages of both providers, alternating, each with its own body, as ingest enqueues them.
const states = new Map<string, StoredState>();
const records: SQSRecord[] = [];
for (let i = 0; i < (batches + warmup) * BATCH; i += 1) {
  const provider = i % 2 === 0 ? 'plaid' : 'argyle';
  const { detailType, body } = uniqueBody(provider, i);
  const webhookId = randomUUID();
  const dedupeKey = `${provider}#${createHash('sha256').update(body).digest('hex')}`;
  const sentAt = String(Date.now());
  states.set(dedupeKey, {
    webhookId,
    status: WebhookStatus.Received,
    receivedAt: new Date(Number(sentAt)).toISOString(),
    dedupeUntil: Math.floor(Number(sentAt) / 1000) + 600,
  });
  records.push({
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID()}`,
    body: buildQueueMessage(
      {
        webhookId,
        provider,
        dedupeKey,
        receivedAt: new Date().toISOString(),
        detailType,
        catalogue: CATALOGUE_VERSION,
      },
      body.toString('utf8'),
    ),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sentAt,
      SenderId: 'AROAEXAMPLE:webhook-ingest',
      ApproximateFirstReceiveTimestamp: sentAt,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
    awsRegion: 'us-east-1',
  });
}
const events: SQSEvent[] = [];
for (let i = 0; i < records.length; i += BATCH) events.push({ Records: records.slice(i, i + BATCH) });

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const measure = async (step: (event: SQSEvent) => Promise<unknown> | unknown) => {
  const perEvent = new Float64Array(batches);
  for (let i = 0; i < warmup; i += 1) await step(events[i] as SQSEvent);
  gc();
  for (let i = 0; i < batches; i += 1) {
    const event = events[warmup + i] as SQSEvent;
    const t0 = process.hrtime.bigint();
    await step(event);
    perEvent[i] = Number(process.hrtime.bigint() - t0) / 1000 / BATCH;
  }
  return perEvent;
};

let samples: Float64Array;
if (mode === 'baseline') {
  // The floor: parse the message and the body it carries, serialise the event detail.
  samples = await measure((event) => {
    for (const record of event.Records) {
      const message = JSON.parse(record.body) as { rawBody: string; webhookId: string };
      const data = JSON.parse(message.rawBody) as unknown;
      JSON.stringify({ metadata: { webhookId: message.webhookId }, data });
    }
  });
} else {
  applyDeployedEnvironment('webhook-router', ROUTER_MEMORY_MB);
  const publisher = new AcceptingPublisher();
  const handler = createRouterHandler({
    logger: createLogger('webhook-router'),
    metrics: createMetrics('webhook-router'),
    // Request INFO lines sampled as deployed (LOG_SAMPLE_RATE's default).
    logSampleRate: DEFAULT_LOG_SAMPLE_RATE,
    deps: { store: new InMemoryRouterStore(states), publisher, now: Date.now },
  });
  const context = lambdaContext('webhook-router', ROUTER_MEMORY_MB, 30_000);
  samples = await measure(async (event) => {
    const response = await handler(event, context.next());
    if (response.batchItemFailures.length > 0) throw new Error('a record failed');
  });
  if (publisher.published !== (batches + warmup) * BATCH) throw new Error('not every event was published');
}
const summary = summarize(samples);
writeResult({
  mode,
  batchSize: BATCH,
  batches,
  medianUsPerEvent: summary.median,
  p99UsPerEvent: summary.p99,
});
