/**
 * End to end on the local pipeline (`webhook-pipeline dev`: the real handlers on dynalite, fauxqs
 * and the local bus, one process), driven at fixed rates from this process over loopback.
 *
 * Open loop: request i leaves at start + i/rate whatever the answers, so a slow pipeline shows as
 * latency, not as a lower offered rate; latency runs from the moment a request is handed to the
 * HTTP client to its last byte. Bodies are Plaid and Argyle catalogue samples, each made unique,
 * plus a share of exact re-deliveries (duplicates); all signed just before their step. Every
 * webhookId answered 2xx must reach the events log; those that never do are lost.
 *
 * A short ramp finds the highest rate held with p99 < 100 ms (offered rate reached, no errors,
 * nothing lost; a rung that misses gets a second try), then that rate is held for the full
 * duration; a rate that does not hold gives way to lower ones until one does.
 * `node --import tsx bench/e2e.ts [--rates 25,50,…] [--step-seconds 5] [--hold-seconds 30]`
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { readDevKeys } from '../local/dev-keys.js';
import { type Delivery, deliverySigner, uniqueBody } from './lib/bodies.js';
import { ROOT, WORK_DIR, writeResult } from './lib/child.js';
import { round, summarize } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,100,150,200,250,300,350,400,450,500,600,700,800,1000' },
    'step-seconds': { type: 'string', default: '5' },
    'hold-seconds': { type: 'string', default: '30' },
    'duplicate-share': { type: 'string', default: '0.05' },
    'budget-seconds': { type: 'string', default: '170' },
  },
});
const RATES = (values.rates as string).split(',').map(Number);
const STEP_SECONDS = Number(values['step-seconds']);
const HOLD_SECONDS = Number(values['hold-seconds']);
const DUPLICATE_SHARE = Number(values['duplicate-share']);
const BUDGET_MS = Number(values['budget-seconds']) * 1000;
const P99_LIMIT_MS = 100;
const HOST = '127.0.0.1';
const began = performance.now();

const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the local pipeline, as `npm run dev` starts it ----------------------------------------------
const dir = join(WORK_DIR, 'e2e');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const eventsLog = join(dir, 'events.ndjson');
const pipelineLog = join(dir, 'pipeline.log');
const port = await freePort();
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOCAL_DIR: dir, EVENTS_LOG: eventsLog };
for (const name of ['TABLE_NAME', 'QUEUE_URL', 'EVENT_BUS_NAME', 'PLAID_BASE_URL', 'ARGYLE_WEBHOOK_SECRETS'])
  delete env[name];
const logFd = openSync(pipelineLog, 'w');
const pipeline: ChildProcess = spawn(
  process.execPath,
  [join(ROOT, 'bin', 'webhook-pipeline.js'), 'dev', '--host', HOST],
  { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] },
);
closeSync(logFd);
const stopPipeline = async () => {
  if (pipeline.exitCode !== null) return;
  const exited = new Promise((r) => pipeline.once('exit', r));
  pipeline.kill('SIGINT');
  const timer = setTimeout(() => pipeline.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
};
process.once('exit', () => pipeline.kill('SIGKILL'));

const startDeadline = Date.now() + 60_000;
while (!readFileSync(pipelineLog, 'utf8').includes('local pipeline running')) {
  if (pipeline.exitCode !== null || Date.now() > startDeadline) {
    throw new Error(`the local pipeline did not start:\n${readFileSync(pipelineLog, 'utf8')}`);
  }
  await sleep(100);
}
const keys = await readDevKeys(join(dir, 'dev-keys.json'));
if (!keys) throw new Error('the local pipeline wrote no dev keys');
const sign = deliverySigner(keys.plaid, keys.argyleSecret);

// ---- the events log, tailed ----------------------------------------------------------------------
const seen = new Map<string, number>();
let offset = 0;
let partial = '';
// One buffer for every read: the tail runs every 10 ms, and the load generator shares the cores
// with the pipeline it measures.
const buffer = Buffer.allocUnsafe(1 << 20);
const readEvents = () => {
  if (!existsSync(eventsLog)) return;
  const fd = openSync(eventsLog, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      offset += n;
      const text = partial + buffer.toString('utf8', 0, n);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      const now = performance.now();
      for (const line of lines) {
        if (!line) continue;
        const id = (JSON.parse(line) as { detail?: { metadata?: { webhookId?: string } } }).detail?.metadata
          ?.webhookId;
        if (id && !seen.has(id)) seen.set(id, now);
      }
    }
  } finally {
    closeSync(fd);
  }
};
const tail = setInterval(readEvents, 10);

// ---- load ----------------------------------------------------------------------------------------
// A fresh agent for each step: the dev server closes a connection idle for its keep-alive timeout
// (5 s), and a step after a drain would otherwise send its first requests on sockets being closed
// (ECONNRESET, counted as errors of the pipeline).
let agent = new Agent({ keepAlive: true, maxSockets: 128 });
let sequence = 0;

interface Outcome {
  readonly scheduledAt: number;
  readonly sentAt: number;
  readonly doneAt: number;
  readonly status: number;
  readonly webhookId?: string;
  readonly answer?: string;
  readonly error?: string;
}

/** The step's deliveries: providers alternate; a share re-delivers an earlier body of the step. */
const plan = (count: number): Delivery[] => {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i += 1) {
    const earlier = out[i - 1 - randomInt(Math.min(i, 50) || 1)];
    if (i > 10 && earlier && Math.random() < DUPLICATE_SHARE) {
      // The provider sends the same bytes again; Plaid signs each attempt afresh.
      out.push(sign(earlier.provider, earlier.detailType, earlier.body));
      continue;
    }
    const provider: ProviderName = i % 2 === 0 ? 'plaid' : 'argyle';
    const { detailType, body } = uniqueBody(provider, 1_000_000 + sequence++);
    out.push(sign(provider, detailType, body));
  }
  return out;
};

const post = (delivery: Delivery, scheduledAt: number) =>
  new Promise<Outcome>((resolveOutcome) => {
    const sentAt = performance.now();
    const req = request(
      {
        host: HOST,
        port,
        method: 'POST',
        path: `/webhooks/${delivery.provider}`,
        agent,
        headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const doneAt = performance.now();
          const text = Buffer.concat(chunks).toString('utf8');
          let webhookId: string | undefined;
          let answer: string | undefined;
          try {
            const json = JSON.parse(text) as { webhookId?: string; status?: string };
            webhookId = json.webhookId;
            answer = json.status;
          } catch {
            answer = text.slice(0, 80);
          }
          resolveOutcome({
            scheduledAt,
            sentAt,
            doneAt,
            status: res.statusCode ?? 0,
            ...(webhookId ? { webhookId } : {}),
            ...(answer ? { answer } : {}),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      resolveOutcome({ scheduledAt, sentAt, doneAt: performance.now(), status: 0, error: error.message }),
    );
    req.end(delivery.body);
  });

/** Offers `rate` requests a second for `seconds`, then waits for the answers and the events. */
const runStep = async (rate: number, seconds: number, drainMs: number) => {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const count = Math.round(rate * seconds);
  const deliveries = plan(count);
  const pending: Promise<Outcome>[] = [];
  const start = performance.now() + 20;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < count && start + (next * 1000) / rate <= now) {
        pending.push(post(deliveries[next] as Delivery, start + (next * 1000) / rate));
        next += 1;
      }
      if (next >= count) done();
      else setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now() - 0.5));
    };
    tick();
  });
  const sendEnd = performance.now();
  const outcomes = await Promise.all(pending);
  const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300 && o.webhookId);
  const ids = new Set(ok.map((o) => o.webhookId as string));
  const drainDeadline = performance.now() + drainMs;
  while ([...ids].some((id) => !seen.has(id)) && performance.now() < drainDeadline) await sleep(20);
  readEvents();
  const last = ok.reduce<Outcome | undefined>((a, o) => (!a || o.doneAt > a.doneAt ? o : a), undefined);
  const lastEvent = last?.webhookId ? seen.get(last.webhookId) : undefined;
  const allSeen = [...ids].map((id) => seen.get(id)).filter((t): t is number => t !== undefined);
  const latency = summarize(outcomes.map((o) => o.doneAt - o.sentAt));
  const lateness = summarize(outcomes.map((o) => o.sentAt - o.scheduledAt));
  const firstSent = Math.min(...outcomes.map((o) => o.sentAt));
  const lastDone = Math.max(...outcomes.map((o) => o.doneAt));
  const lost = [...ids].filter((id) => !seen.has(id)).length;
  const errors = outcomes.length - ok.length;
  const achievedRate = count / ((sendEnd - firstSent) / 1000 + 1 / rate);
  const result = {
    rate,
    seconds,
    requests: count,
    offeredPerSec: round(achievedRate, 1),
    acceptedPerSec: round(ok.length / ((lastDone - firstSent) / 1000), 1),
    accepted: ok.filter((o) => o.answer === 'accepted').length,
    duplicates: ok.filter((o) => o.answer === 'duplicate').length,
    errors,
    errorSamples: outcomes
      .filter((o) => !(o.status >= 200 && o.status < 300))
      .slice(0, 3)
      .map((o) => `${o.status} ${o.error ?? o.answer ?? ''}`),
    p50Ms: round(latency.median, 1),
    p99Ms: round(latency.p99, 1),
    maxMs: round(latency.max, 1),
    senderLatenessP99Ms: round(lateness.p99, 1),
    lastEventAfterLast2xxMs:
      last && lastEvent !== undefined ? round(Math.max(0, lastEvent - last.doneAt), 1) : null,
    allEventsAfterLast2xxMs:
      last && allSeen.length === ids.size ? round(Math.max(0, Math.max(...allSeen) - last.doneAt), 1) : null,
    lost,
  };
  const held =
    result.p99Ms < P99_LIMIT_MS && errors === 0 && lost === 0 && result.offeredPerSec >= rate * 0.95;
  return { ...result, held };
};

// ---- ramp, then hold -----------------------------------------------------------------------------
const ramp: Awaited<ReturnType<typeof runStep>>[] = [];
// A few requests first: the pipeline's handlers build their caches (Plaid key, secrets, JIT).
await runStep(20, 1, 10_000);
// A rung that misses is run once more before the ramp ends: a pipeline at its limit misses twice,
// while a 5-second step on a shared machine can miss once on a single stall (its p99 is its
// slowest few requests).
rungs: for (const rate of RATES) {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const step = await runStep(rate, STEP_SECONDS, 10_000);
    ramp.push(step);
    console.error(
      `e2e ramp ${rate}/s: p50 ${step.p50Ms} ms, p99 ${step.p99Ms} ms, errors ${step.errors}, lost ${step.lost}${step.held ? '' : ` (not held${attempt === 1 ? ', run again' : ''})`}`,
    );
    if (step.held) break;
    if (attempt === 2) break rungs;
  }
  if (performance.now() - began + 3 * (HOLD_SECONDS * 1000 + 5000) > BUDGET_MS) break;
}
// Hold the highest rung the ramp passed. A rate that does not hold for the full duration (a backlog
// that builds slowly, or a noisy moment) gives way to a lower one, at most 85 % of it, until one
// holds: the budget never stops the descent, so a run reports nothing held only when even the
// ramp's lowest rate did not hold.
const candidates = ramp.filter((s) => s.held).map((s) => s.rate);
const attempts: Awaited<ReturnType<typeof runStep>>[] = [];
let hold: Awaited<ReturnType<typeof runStep>> | undefined;
let rate: number | undefined = candidates.at(-1) ?? (RATES[0] as number);
while (rate !== undefined) {
  hold = await runStep(rate, HOLD_SECONDS, 30_000);
  attempts.push(hold);
  console.error(
    `e2e hold ${rate}/s for ${HOLD_SECONDS} s: p99 ${hold.p99Ms} ms, errors ${hold.errors}, lost ${hold.lost}${hold.held ? '' : ' (not held)'}`,
  );
  if (hold.held) break;
  const below: number = rate * 0.85;
  rate = [...new Set([...candidates, ...RATES])]
    .filter((r) => r <= below)
    .sort((a, b) => a - b)
    .at(-1);
}
if (!hold) throw new Error('no hold was run');

clearInterval(tail);
agent.destroy();
await stopPipeline();
const { held, ...figures } = hold;
writeResult({
  ...figures,
  heldWithP99Under100Ms: held,
  p99LimitMs: P99_LIMIT_MS,
  lostTotal: [...ramp, ...attempts].reduce((sum, s) => sum + s.lost, 0),
  ramp,
  holds: attempts.length,
  // Every hold tried, the one reported last: a rung that did not hold shows why.
  holdAttempts: attempts.map(
    ({ rate, seconds, p50Ms, p99Ms, maxMs, errors, errorSamples, lost, offeredPerSec, held }) => ({
      rate,
      seconds,
      p50Ms,
      p99Ms,
      maxMs,
      errors,
      errorSamples,
      lost,
      offeredPerSec,
      held,
    }),
  ),
  pipeline: 'webhook-pipeline dev (dynalite, fauxqs, local bus; one Node process)',
  benchSeconds: round((performance.now() - began) / 1000, 1),
});
