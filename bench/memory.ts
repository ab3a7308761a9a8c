/**
 * Memory: 10,000 webhooks (Plaid and Argyle alternating) through the ingest handler as deployed,
 * with the table and queue in memory (the table stand-in keeps a bounded window of records, as a
 * function keeps none). Heap after a full GC and RSS are sampled after every thousand. A warm-up
 * of 5,000 webhooks comes first, so that V8 has compiled the hot paths (its code and feedback would
 * otherwise read as growth); the growth without JIT code is reported beside the total.
 * `node --expose-gc --import tsx bench/memory.ts [count] [warmup]`
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { signedDeliveries } from './lib/bodies.js';
import { writeResult } from './lib/child.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { round } from './lib/stats.js';

const count = Number(process.argv[2] ?? '10000');
const warmup = Number(process.argv[3] ?? '5000');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const keys = benchKeys();
const total = warmup + count;
const plaid = signedDeliveries('plaid', Math.ceil(total / 2), keys.plaid, keys.argyleSecret);
const argyle = signedDeliveries('argyle', Math.ceil(total / 2), keys.plaid, keys.argyleSecret);
const events = Array.from({ length: total }, (_, i) =>
  toApiEvent((i % 2 === 0 ? plaid[i / 2] : argyle[(i - 1) / 2]) as (typeof plaid)[number], i),
);
const { handler, context } = buildIngestHandler({ ...keys, argyleSecrets: keys.argyleSecret });

const snapshot = () => {
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  let codeBytes = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name.startsWith('code')) codeBytes += space.space_used_size;
  return {
    heapUsedKb: round(heapUsed / 1024, 1),
    dataKb: round((heapUsed - codeBytes) / 1024, 1),
    rssMb: round(rss / 1024 / 1024, 1),
  };
};

const samples: ({ webhooks: number } & ReturnType<typeof snapshot>)[] = [];
for (let i = 0; i < total; i += 1) {
  const response = await handler(events[i] as (typeof events)[number], context.next());
  if (response.statusCode !== 200)
    throw new Error(`unexpected answer ${response.statusCode} ${response.body}`);
  const done = i + 1 - warmup;
  if (done > 0 && done % 1000 === 0) samples.push({ webhooks: done, ...snapshot() });
}
const second = samples[1] as (typeof samples)[number];
const last = samples[samples.length - 1] as (typeof samples)[number];
writeResult({
  webhooks: count,
  warmup,
  heapGrowthKb: round(last.heapUsedKb - second.heapUsedKb, 1),
  heapGrowthWithoutCodeKb: round(last.dataKb - second.dataKb, 1),
  heapUsedKb: last.heapUsedKb,
  rssMb: last.rssMb,
  rssGrowthMb: round(last.rssMb - second.rssMb, 1),
  samples,
});
