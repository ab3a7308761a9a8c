/**
 * CPU per webhook of the ingest handler, or of the bare floor of the same work, for one provider.
 * Run by bench/run.ts in its own process: `node --expose-gc --import tsx bench/ingest-cpu.ts
 * <plaid|argyle> <paired|handler|baseline> [count] [warmup] [block]`.
 *
 * `paired` (what bench/run.ts runs) measures both in one process, in alternating blocks of `block`
 * webhooks (handler first in one block, floor first in the next), so that both meet the same
 * machine: a neighbour, a frequency change or a slow moment lands on both, not on whichever ran
 * alone in its own process at that time. It reports both medians, their ratio, the median of the
 * blocks' own ratios, and the share of each one's time spent in garbage collection.
 */

import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { DEFAULT_LOG_SAMPLE_RATE } from '../lambdas/shared/log-sampling.js';
import { signedDeliveries } from './lib/bodies.js';
import { writeResult } from './lib/child.js';
import { CountingQueue } from './lib/in-memory.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { summarize } from './lib/stats.js';

const [provider = 'plaid', mode = 'handler', countArg = '10000', warmupArg = '2000', blockArg = '250'] =
  process.argv.slice(2);
if (provider !== 'plaid' && provider !== 'argyle') throw new Error(`unknown provider ${provider}`);
if (!['paired', 'handler', 'baseline'].includes(mode)) throw new Error(`unknown mode ${mode}`);
const count = Number(countArg);
const warmup = Number(warmupArg);
const block = Number(blockArg);
const total = count + warmup;

const keys = benchKeys();
const deliveries = signedDeliveries(provider, total, keys.plaid, keys.argyleSecret);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** The floor: what any correct verifier of this provider must do, with nothing around it. */
const baselineStep = (): ((i: number) => void) => {
  if (provider === 'plaid') {
    // ES256 with node:crypto and a pre-imported key, the SHA-256 of the body, JSON.parse of the body.
    const publicKey = createPublicKey({ key: keys.plaid.jwk, format: 'jwk' });
    return (i) => {
      const d = deliveries[i] as (typeof deliveries)[number];
      const token = d.headers['plaid-verification'] as string;
      const [h = '', p = '', s = ''] = token.split('.');
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'ES256') throw new Error('alg');
      const ok = verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url'),
      );
      if (!ok) throw new Error('signature');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
        request_body_sha256?: string;
      };
      const digest = createHash('sha256').update(d.body).digest('hex');
      if (claims.request_body_sha256 !== digest) throw new Error('body hash');
      JSON.parse(d.body.toString('utf8'));
    };
  }
  // HMAC-SHA512 of the body, compared in constant time, and JSON.parse of the body.
  return (i) => {
    const d = deliveries[i] as (typeof deliveries)[number];
    const given = Buffer.from(d.headers['x-argyle-signature'] as string, 'hex');
    const expected = createHmac('sha512', keys.argyleSecret).update(d.body).digest();
    if (!timingSafeEqual(expected, given)) throw new Error('signature');
    JSON.parse(d.body.toString('utf8'));
  };
};

const measureBaseline = () => {
  const step = baselineStep();
  const samples = new Float64Array(count);
  for (let i = 0; i < warmup; i += 1) step(i);
  gc();
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = warmup; i < total; i += 1) {
    const t0 = process.hrtime.bigint();
    step(i);
    samples[i - warmup] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return { samples, cpu: process.cpuUsage(cpuStart), wallNs: process.hrtime.bigint() - wallStart };
};

/** The handler as deployed, with the I/O in memory, and one timed request of it. */
const handlerRunner = () => {
  // One secret configured (the steady state; a rotation briefly doubles the HMAC work).
  const queue = new CountingQueue();
  // Request INFO lines sampled as deployed (LOG_SAMPLE_RATE's default).
  const { handler, context } = buildIngestHandler(
    { ...keys, argyleSecrets: keys.argyleSecret },
    { queue, logSampleRate: DEFAULT_LOG_SAMPLE_RATE },
  );
  const events = deliveries.map((d, i) => toApiEvent(d, i));
  const run = async (i: number) => {
    const ctx = context.next();
    const t0 = process.hrtime.bigint();
    const response = await handler(events[i] as (typeof events)[number], ctx);
    const elapsed = Number(process.hrtime.bigint() - t0) / 1000;
    if (response.statusCode !== 200 || !response.body.includes('"accepted"'))
      throw new Error(`unexpected answer ${response.statusCode} ${response.body}`);
    return elapsed;
  };
  return { run, queue };
};

const measureHandler = async () => {
  const { run, queue } = handlerRunner();
  const samples = new Float64Array(count);
  for (let i = 0; i < warmup; i += 1) await run(i);
  gc();
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = warmup; i < total; i += 1) samples[i - warmup] = await run(i);
  const cpu = process.cpuUsage(cpuStart);
  const wallNs = process.hrtime.bigint() - wallStart;
  if (queue.count !== total) throw new Error('not every webhook was enqueued');
  return { samples, cpu, wallNs };
};

/** Both in one process, in alternating blocks; see the file's comment. */
const measurePaired = async () => {
  const step = baselineStep();
  const { run, queue } = handlerRunner();
  const timeBaseline = (i: number) => {
    const t0 = process.hrtime.bigint();
    step(i);
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  for (let i = 0; i < warmup; i += 1) {
    await run(i);
    timeBaseline(i);
  }
  gc();
  const gcEntries: { start: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcEntries.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const handlerSamples = new Float64Array(count);
  const baselineSamples = new Float64Array(count);
  const windows: { mode: 'handler' | 'baseline'; from: number; to: number }[] = [];
  const cpu = { handler: 0, baseline: 0 };
  const blockRatios: number[] = [];
  for (let first = 0, b = 0; first < count; first += block, b += 1) {
    const last = Math.min(count, first + block);
    const order = b % 2 === 0 ? (['handler', 'baseline'] as const) : (['baseline', 'handler'] as const);
    for (const which of order) {
      const from = performance.now();
      const cpuStart = process.cpuUsage();
      for (let i = first; i < last; i += 1) {
        if (which === 'handler') handlerSamples[i] = await run(warmup + i);
        else baselineSamples[i] = timeBaseline(warmup + i);
      }
      const used = process.cpuUsage(cpuStart);
      cpu[which] += used.user + used.system;
      windows.push({ mode: which, from, to: performance.now() });
    }
    blockRatios.push(
      summarize(handlerSamples.subarray(first, last)).median /
        summarize(baselineSamples.subarray(first, last)).median,
    );
  }
  await new Promise((r) => setImmediate(r));
  for (const e of observer.takeRecords()) gcEntries.push({ start: e.startTime, duration: e.duration });
  observer.disconnect();
  if (queue.count !== total) throw new Error('not every webhook was enqueued');
  const gcShare = (mode: 'handler' | 'baseline') => {
    const own = windows.filter((w) => w.mode === mode);
    const inGc = gcEntries
      .filter((e) => own.some((w) => e.start >= w.from && e.start < w.to))
      .reduce((sum, e) => sum + e.duration, 0);
    return inGc / own.reduce((sum, w) => sum + (w.to - w.from), 0);
  };
  const handlerSummary = summarize(handlerSamples);
  const baselineSummary = summarize(baselineSamples);
  return {
    handler: {
      medianUs: handlerSummary.median,
      p99Us: handlerSummary.p99,
      minUs: handlerSummary.min,
      cpuUsPerWebhook: cpu.handler / count,
      gcShare: gcShare('handler'),
    },
    baseline: {
      medianUs: baselineSummary.median,
      p99Us: baselineSummary.p99,
      minUs: baselineSummary.min,
      cpuUsPerWebhook: cpu.baseline / count,
      gcShare: gcShare('baseline'),
    },
    ratio: handlerSummary.median / baselineSummary.median,
    blockRatioMedian: summarize(blockRatios).median,
    blocks: blockRatios.length,
  };
};

const bodyBytesMedian = summarize(deliveries.map((d) => d.body.length)).median;
if (mode === 'paired') {
  writeResult({ provider, mode, count, warmup, block, ...(await measurePaired()), bodyBytesMedian });
} else {
  const { samples, cpu, wallNs } = mode === 'baseline' ? measureBaseline() : await measureHandler();
  const summary = summarize(samples);
  writeResult({
    provider,
    mode,
    count,
    warmup,
    medianUs: summary.median,
    p99Us: summary.p99,
    meanUs: summary.mean,
    minUs: summary.min,
    // Process CPU (user + system) per webhook over the timed loop, including GC and log writes.
    cpuUsPerWebhook: (cpu.user + cpu.system) / count,
    wallUsPerWebhook: Number(wallNs) / 1000 / count,
    bodyBytesMedian,
  });
}
