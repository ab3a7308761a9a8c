/**
 * Output check: the same requests through the ingest handler twice, once with the functions'
 * logger and metrics (createLogger/createMetrics) and once with plain Powertools Logger and
 * Metrics, and the log and EMF lines compared key by key, in order (timestamps and the measured
 * latency aside). Covers accepted (Plaid, Argyle), duplicate, unknown code, quarantined, refused
 * signature and invalid JSON.
 * `node --import tsx bench/fidelity.ts`
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../lambdas/shared/powertools.js';
import { type Delivery, deliverySigner, uniqueBody } from './lib/bodies.js';
import { captureOutput, jsonLines } from './lib/capture.js';
import { writeResult } from './lib/child.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { applyDeployedEnvironment } from './lib/lambda-env.js';

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

const ours = await run({});
const powertools = await run({
  logger: new Logger({ serviceName: 'webhook-ingest' }),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'webhook-ingest' }),
});
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
  scenarios: scenarios.length,
  lines,
  mismatches,
});
