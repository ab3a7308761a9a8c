/**
 * CPU per webhook of the ingest handler, or of the bare floor of the same work, for one provider.
 * Run by bench/run.ts in its own process: `node --expose-gc --import tsx bench/ingest-cpu.ts
 * <plaid|argyle> <handler|baseline> [count] [warmup]`.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { DEFAULT_LOG_SAMPLE_RATE } from '../lambdas/shared/log-sampling.js';
import { signedDeliveries } from './lib/bodies.js';
import { writeResult } from './lib/child.js';
import { CountingQueue } from './lib/in-memory.js';
import { benchKeys, buildIngestHandler, toApiEvent } from './lib/ingest-harness.js';
import { summarize } from './lib/stats.js';

const [provider = 'plaid', mode = 'handler', countArg = '10000', warmupArg = '2000'] = process.argv.slice(2);
if (provider !== 'plaid' && provider !== 'argyle') throw new Error(`unknown provider ${provider}`);
const count = Number(countArg);
const warmup = Number(warmupArg);
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

const measureHandler = async () => {
  // One secret configured (the steady state; a rotation briefly doubles the HMAC work).
  const queue = new CountingQueue();
  // Request INFO lines sampled as deployed (LOG_SAMPLE_RATE's default).
  const { handler, context } = buildIngestHandler(
    { ...keys, argyleSecrets: keys.argyleSecret },
    { queue, logSampleRate: DEFAULT_LOG_SAMPLE_RATE },
  );
  const events = deliveries.map((d, i) => toApiEvent(d, i));
  const samples = new Float64Array(count);
  const run = async (i: number) => {
    const ctx = context.next();
    const t0 = process.hrtime.bigint();
    const response = await handler(events[i] as (typeof events)[number], ctx);
    const elapsed = Number(process.hrtime.bigint() - t0) / 1000;
    if (response.statusCode !== 200 || !response.body.includes('"accepted"'))
      throw new Error(`unexpected answer ${response.statusCode} ${response.body}`);
    return elapsed;
  };
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
  bodyBytesMedian: summarize(deliveries.map((d) => d.body.length)).median,
});
