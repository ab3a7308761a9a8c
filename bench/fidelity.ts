/**
 * Output check: the same requests through the ingest handler twice, once with the functions'
 * logger and metrics (createLogger/createMetrics) and once with plain Powertools Logger and
 * Metrics, and the log and EMF lines compared key by key, in order (timestamps and the measured
 * latency aside). Covers accepted (Plaid, Argyle), duplicate, unknown code, quarantined, refused
 * signature and invalid JSON; and a router batch (published, adopted, quarantined, duplicate, every
 * routed line written).
 * `node --import tsx bench/fidelity.ts`
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { createRouterHandler } from '../lambdas/router/create-handler.js';
import { createLogger, createMetrics, METRICS_NAMESPACE } from '../lambdas/shared/powertools.js';
import { buildQueueMessage } from '../lambdas/shared/queue-message.js';
import { type StoredState, WebhookStatus } from '../lambdas/shared/webhook-record.js';
import { type Delivery, deliverySigner, uniqueBody } from './lib/bodies.js';
import { captureOutput, jsonLines } from './lib/capture.js';
import { writeResult } from './lib/child.js';
import { AcceptingPublisher, InMemoryRouterStore } from './lib/in-memory.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { applyDeployedEnvironment, lambdaContext } from './lib/lambda-env.js';

applyDeployedEnvironment('webhook-ingest', 1024);
const keys = benchKeys();
const sign = deliverySigner(keys.plaid, keys.argyleSecret);
const clock = Date.now();
const plaid = uniqueBody('plaid', 7);
const argyle = uniqueBody('argyle', 8);
const quarantined = Buffer.from(
  JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 42, error: 'not an object' }),
);
const unknown = Buffer.from(JSON.stringify({ event: 'widgets.created', name: 'bench', data: { id: 1 } }));
const scenarios: { name: string; delivery: Delivery }[] = [
  { name: 'accepted plaid (cold start)', delivery: sign('plaid', plaid.detailType, plaid.body) },
  { name: 'accepted argyle', delivery: sign('argyle', argyle.detailType, argyle.body) },
  { name: 'duplicate argyle', delivery: sign('argyle', argyle.detailType, argyle.body) },
  { name: 'unknown code', delivery: sign('argyle', 'widgets.created', unknown) },
  { name: 'quarantined', delivery: sign('plaid', 'ITEM.ERROR', quarantined) },
  {
    name: 'refused signature',
    delivery: { ...sign('argyle', argyle.detailType, argyle.body), body: Buffer.from('{"event":"x"}') },
  },
  { name: 'invalid JSON', delivery: sign('argyle', '-', Buffer.from('{not json')) },
];

const run = async (telemetry: { logger?: Logger; metrics?: Metrics }) => {
  let id = 0;
  const { handler, context } = buildIngestHandler(
    { ...keys, argyleSecrets: keys.argyleSecret },
    { ...telemetry, now: () => clock, newId: () => `webhook-${++id}` },
  );
  const out: { name: string; status: number; lines: ReturnType<typeof jsonLines> }[] = [];
  for (const [i, { name, delivery }] of scenarios.entries()) {
    const { result, output } = await captureOutput(() => handler(toApiEvent(delivery, i), context.next()));
    out.push({ name, status: result.statusCode, lines: jsonLines(output) });
  }
  return out;
};

/** A line without what differs between two runs by nature: clocks and measured latency. */
const comparable = ({ stream, line }: ReturnType<typeof jsonLines>[number]) => {
  const { timestamp, latencyMs, ...rest } = line;
  void timestamp;
  void latencyMs;
  const aws = rest._aws as { Timestamp?: unknown } | undefined;
  if (aws) rest._aws = { ...aws, Timestamp: 0 };
  return `${stream} ${JSON.stringify(rest)}`;
};

// A router batch: published (both providers), adopted, quarantined, and a duplicate's message.
const longAgo = new Date(clock - 3_600_000).toISOString();
const longAgoUntil = Math.floor((clock - 3_600_000) / 1000) + 600;
const routerStates = new Map<string, StoredState>();
const routerMessage = (provider: 'plaid' | 'argyle', body: string, i: number, stored = true) => {
  const dedupeKey = `${provider}#key-${i}`;
  if (stored)
    routerStates.set(dedupeKey, {
      webhookId: `routed-${i}`,
      status: WebhookStatus.Received,
      receivedAt: longAgo,
      dedupeUntil: longAgoUntil,
    });
  return buildQueueMessage({ webhookId: `routed-${i}`, provider, dedupeKey, receivedAt: longAgo }, body);
};
const routerBodies = [
  routerMessage('plaid', plaid.body.toString(), 1),
  routerMessage('argyle', argyle.body.toString(), 2),
  routerMessage('argyle', argyle.body.toString(), 3, false),
  routerMessage('plaid', quarantined.toString(), 4),
];
routerStates.set('plaid#key-5', {
  webhookId: 'another',
  status: WebhookStatus.Received,
  receivedAt: longAgo,
  dedupeUntil: longAgoUntil,
});
routerBodies.push(
  buildQueueMessage(
    { webhookId: 'routed-5', provider: 'plaid', dedupeKey: 'plaid#key-5', receivedAt: longAgo },
    plaid.body.toString(),
  ),
);
const routerEvent: SQSEvent = {
  Records: routerBodies.map((body, i) => ({
    messageId: `message-${i}`,
    receiptHandle: `handle-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(clock),
      SenderId: 'AROAEXAMPLE:webhook-ingest',
      ApproximateFirstReceiveTimestamp: String(clock),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
    awsRegion: 'us-east-1',
  })),
};

const runRouter = async (logger: Logger, metrics: Metrics) => {
  const handler = createRouterHandler({
    logger,
    metrics,
    logSampleRate: 1,
    deps: {
      store: new InMemoryRouterStore(new Map(routerStates)),
      publisher: new AcceptingPublisher(),
      now: () => clock,
    },
  });
  const context = lambdaContext('webhook-router', 512, 30_000);
  const { output } = await captureOutput(() => handler(routerEvent, context.next()));
  return [{ name: 'router batch', status: 0, lines: jsonLines(output) }];
};

const ours = await run({});
const powertools = await run({
  logger: new Logger({ serviceName: 'webhook-ingest' }),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'webhook-ingest' }),
});
process.env.POWERTOOLS_SERVICE_NAME = 'webhook-router';
ours.push(...(await runRouter(createLogger('webhook-router'), createMetrics('webhook-router'))));
powertools.push(
  ...(await runRouter(
    new Logger({ serviceName: 'webhook-router' }),
    new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'webhook-router' }),
  )),
);
const mismatches: string[] = [];
let lines = 0;
for (const [i, scenario] of ours.entries()) {
  const reference = powertools[i] as (typeof powertools)[number];
  if (scenario.status !== reference.status)
    mismatches.push(`${scenario.name}: HTTP ${scenario.status} vs ${reference.status}`);
  const a = scenario.lines.map(comparable);
  const b = reference.lines.map(comparable);
  lines += b.length;
  if (a.length !== b.length) mismatches.push(`${scenario.name}: ${a.length} lines vs ${b.length}`);
  for (let j = 0; j < Math.min(a.length, b.length); j += 1)
    if (a[j] !== b[j])
      mismatches.push(`${scenario.name}, line ${j + 1}:\n  ours       ${a[j]}\n  Powertools ${b[j]}`);
}
writeResult({
  identical: mismatches.length === 0,
  scenarios: scenarios.length + 1,
  lines,
  mismatches,
});
