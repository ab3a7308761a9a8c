import { join } from 'node:path';
import { DETAIL_TYPES, type DetailTypeInfo } from '@webhook-pipeline/events';
import { sampleBody } from '../../cli/samples.js';
import { readDevKeys } from '../../local/dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../../local/signing.js';
import type { DevProcess } from '../helpers/dev-process.js';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Webhooks per second, held for the whole run. */
  readonly rate: number;
  readonly seconds: number;
  /** Share of sends that repeat an earlier body (a provider retry of a delivered webhook). */
  readonly duplicateShare: number;
  /** How long to wait for the last events after the last send. */
  readonly settleMs?: number;
}

/** What a load run measured. */
export interface LoadResult {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly distinctWebhooks: number;
  readonly accepted: number;
  readonly duplicatesAnswered: number;
  readonly non2xx: number;
  readonly acceptedPerSec: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** From the last 2xx to the moment every event was on the bus. */
  readonly drainMs: number;
  readonly events: number;
  readonly lost: number;
  readonly duplicateEvents: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) : 0;

/**
 * Drives a running local pipeline at a fixed rate (open loop: sends are scheduled by the clock,
 * not by answers) with mixed signed webhooks of both providers and some duplicates, then proves
 * that every webhook answered 2xx is on the bus. Traffic goes to 127.0.0.1 only; the number of
 * requests is rate × seconds.
 */
export const runLoad = async (dev: DevProcess, options: LoadOptions): Promise<LoadResult> => {
  const keys = await readDevKeys(join(dev.env.LOCAL_DIR ?? '', 'dev-keys.json'));
  if (!keys) throw new Error('the local pipeline has no dev keys');
  const catalogue = DETAIL_TYPES;
  const total = Math.round(options.rate * options.seconds);
  const bodies: { info: DetailTypeInfo; body: Buffer }[] = [];
  const latencies: number[] = [];
  const ids = new Map<string, number>();
  let duplicatesAnswered = 0;
  let non2xx = 0;
  let lastAcceptedAt = 0;
  const runTag = `${Date.now()}`;

  const sendOne = async (i: number) => {
    const repeat = bodies.length > 0 && (i * 7919) % 100 < options.duplicateShare * 100;
    let item: { info: DetailTypeInfo; body: Buffer };
    if (repeat) item = bodies[(i * 31) % bodies.length] as (typeof bodies)[number];
    else {
      const info = catalogue[i % catalogue.length] as DetailTypeInfo;
      item = { info, body: sampleBody(info, [`load_tag=${runTag}-${i}`]) };
      bodies.push(item);
    }
    const headers: Record<string, string> =
      item.info.provider === 'plaid'
        ? { 'plaid-verification': signPlaidBody(item.body, keys.plaid) }
        : { 'x-argyle-signature': signArgyleBody(item.body, keys.argyleSecret) };
    const started = performance.now();
    try {
      const response = await fetch(`${dev.url}/webhooks/${item.info.provider}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: item.body,
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as { status?: string; webhookId?: string };
      latencies.push(performance.now() - started);
      if (!response.ok || !answer.webhookId) {
        non2xx += 1;
        return;
      }
      lastAcceptedAt = Date.now();
      ids.set(answer.webhookId, (ids.get(answer.webhookId) ?? 0) + 1);
      if (answer.status === 'duplicate') duplicatesAnswered += 1;
    } catch {
      non2xx += 1;
      latencies.push(performance.now() - started);
    }
  };

  const inFlight: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = startedAt + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(sendOne(i));
  }
  await Promise.all(inFlight);
  const elapsedSec = (performance.now() - startedAt) / 1000;

  const deadline = Date.now() + (options.settleMs ?? 30_000);
  let counts = new Map<string, number>();
  let drainedAt = Date.now();
  for (;;) {
    counts = new Map();
    for (const e of dev.events()) {
      const id = (e.detail as { metadata?: { webhookId?: string } }).metadata?.webhookId ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    drainedAt = Date.now();
    if ([...ids.keys()].every((id) => counts.has(id)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const accepted = [...ids.values()].reduce((n, c) => n + c, 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: total,
    distinctWebhooks: ids.size,
    accepted,
    duplicatesAnswered,
    non2xx,
    acceptedPerSec: round(accepted / elapsedSec),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? 0),
    drainMs: Math.max(0, drainedAt - lastAcceptedAt),
    events: [...ids.keys()].filter((id) => counts.has(id)).length,
    lost: [...ids.keys()].filter((id) => !counts.has(id)).length,
    duplicateEvents: [...ids.keys()].reduce((n, id) => n + Math.max(0, (counts.get(id) ?? 0) - 1), 0),
  };
};

/** The result as a small table. */
export const formatLoad = (r: LoadResult): string =>
  [
    `load: ${r.rate}/s for ${r.seconds} s → ${r.sent} sent (${r.distinctWebhooks} distinct webhooks, ${r.duplicatesAnswered} answered duplicate)`,
    `  accepted/s ${r.acceptedPerSec}   non-2xx ${r.non2xx}`,
    `  latency ms  p50 ${r.p50Ms}  p95 ${r.p95Ms}  p99 ${r.p99Ms}  max ${r.maxMs}`,
    `  last 2xx → all events on the bus: ${r.drainMs} ms`,
    `  events ${r.events}   lost ${r.lost}   duplicate events ${r.duplicateEvents}`,
  ].join('\n');
