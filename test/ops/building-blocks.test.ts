import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/cli-error.js';
import { planSubscriptions } from '../../cli/ops/argyle.js';
import {
  backoffDelay,
  createGate,
  createRateLimiter,
  mapPool,
  retryAfterMs,
  withRetry,
} from '../../cli/ops/concurrency.js';
import { plaidErrorOf, plaidRetryDecision } from '../../cli/ops/plaid.js';
import { createProgress } from '../../cli/ops/progress.js';
import {
  buildReport,
  defaultReportPath,
  maskAccessToken,
  maskSecret,
  writeReport,
} from '../../cli/ops/report.js';
import { parseValues, readValuesFile } from '../../cli/ops/values-file.js';
import { listOption, parseTime, parseWindow } from '../../cli/options/parsers.js';
import { freePort } from '../helpers/dev-process.js';
import { runCli, tempDir, writeLines } from './stubs/run-cli.js';

/** A clock that only moves when slept on. */
const fakeClock = () => {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
};

describe('values files', () => {
  it('keeps one value a line, ignoring blanks, # comments, CRLF and a BOM, and drops repeats', () => {
    const parsed = parseValues('\uFEFF# tokens\r\naccess-a\r\n\r\n  access-b  # note\n#access-c\naccess-a\n');
    expect(parsed.values).toEqual([
      { value: 'access-a', line: 2 },
      { value: 'access-b', line: 4 },
    ]);
    expect(parsed.duplicates).toEqual([{ value: 'access-a', line: 6 }]);
  });

  it('refuses a missing file, an empty one and a line with spaces as usage errors', async () => {
    const dir = tempDir();
    await expect(readValuesFile(join(dir, 'none.txt'), '--items')).rejects.toThrow(
      /cannot read --items .*ENOENT/,
    );
    await expect(readValuesFile(writeLines(dir, 'e.txt', ['#', '']), '--items')).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(readValuesFile(writeLines(dir, 's.txt', ['a b']), '--items')).rejects.toThrow(/line 1/);
  });
});

describe('concurrency, retries and rate', () => {
  it('mapPool keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('withRetry retries what the policy allows, with growing delays, and reports attempts', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error('503');
        return 'ok';
      },
      () => ({ retry: true }),
      { maxAttempts: 5, baseDelayMs: 100, sleep: clock.sleep, random: () => 0.999 },
    );
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 4 });
    expect(clock.slept).toEqual([100, 200, 400]);
    const final = await withRetry(
      async () => {
        throw new Error('400');
      },
      () => ({ retry: false }),
      { maxAttempts: 5, baseDelayMs: 100, sleep: clock.sleep },
    );
    expect(final).toMatchObject({ ok: false, attempts: 1 });
  });

  it('a rate limit pauses every worker through the shared gate, honouring Retry-After', async () => {
    const clock = fakeClock();
    const gate = createGate(clock.now, clock.sleep);
    let first = true;
    const result = await withRetry(
      async () => {
        if (first) {
          first = false;
          throw new Error('429');
        }
        return clock.now();
      },
      () => ({ retry: true, rateLimited: true, afterMs: 3000 }),
      { maxAttempts: 3, baseDelayMs: 10, gate, sleep: clock.sleep },
    );
    expect(result.ok).toBe(true);
    expect(clock.slept).toEqual([3000]);
    // A second worker arriving during the pause waits too.
    gate.pauseFor(500);
    const before = clock.now();
    await gate.wait();
    expect(clock.now() - before).toBe(500);
  });

  it('backoff is capped and jittered within [half, full]', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999)).toBeCloseTo(4000, -1);
    expect(backoffDelay(20, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(60_000);
  });

  it('the rate limiter spaces takes evenly', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(10, clock.now, clock.sleep);
    for (let i = 0; i < 5; i += 1) await limiter.take();
    await limiter.take(10);
    expect(clock.slept).toEqual([0, 100, 100, 100, 100, 100]);
    await expect(createRateLimiter(0).take(1000)).resolves.toBeUndefined();
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), () => 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('Plaid errors', () => {
  it('reads the error object of an SDK failure, and classifies rate limits, 5xx and the rest', () => {
    const failure = (status: number, data: unknown) => ({ response: { status, data, headers: {} } });
    const rate = failure(429, {
      error_type: 'RATE_LIMIT_EXCEEDED',
      error_code: 'RATE_LIMIT',
      error_message: 'slow',
    });
    expect(plaidErrorOf(rate)).toMatchObject({ status: 429, error_code: 'RATE_LIMIT' });
    expect(plaidRetryDecision(rate)).toMatchObject({ retry: true, rateLimited: true });
    expect(plaidRetryDecision(failure(502, '<html>'))).toEqual({ retry: true });
    expect(plaidErrorOf(failure(502, '<html>'))).toMatchObject({
      error_type: 'API_ERROR',
      error_code: 'HTTP_502',
    });
    expect(plaidRetryDecision(failure(400, { error_type: 'INVALID_INPUT' }))).toEqual({ retry: false });
    expect(plaidErrorOf({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toMatchObject({
      status: 0,
      error_type: 'NETWORK',
      error_code: 'ECONNREFUSED',
    });
  });
});

describe('time flags', () => {
  const now = Date.parse('2026-11-25T12:00:00.000Z');
  it('reads ISO times, dates, now and durations ago, as UTC', () => {
    expect(parseTime('--from', '2026-11-24T08:30:00Z', now)).toBe('2026-11-24T08:30:00.000Z');
    expect(parseTime('--from', '2026-11-24T08:30:00', now)).toBe('2026-11-24T08:30:00.000Z');
    expect(parseTime('--from', '2026-11-24', now)).toBe('2026-11-24T00:00:00.000Z');
    expect(parseTime('--from', '2026-11-24T09:30:00+01:00', now)).toBe('2026-11-24T08:30:00.000Z');
    expect(parseTime('--from', '90m', now)).toBe('2026-11-25T10:30:00.000Z');
    expect(parseTime('--from', '2d', now)).toBe('2026-11-23T12:00:00.000Z');
    expect(parseTime('--to', 'now', now)).toBe('2026-11-25T12:00:00.000Z');
    expect(() => parseTime('--from', 'yesterday', now)).toThrow(UsageError);
  });

  it('checks the window: from before to, at most a year', () => {
    expect(parseWindow('1h', undefined, now)).toEqual({
      from: '2026-11-25T11:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
    });
    expect(() => parseWindow('now', '1h', now)).toThrow(/must be before/);
    expect(() => parseWindow('2020-01-01', undefined, now)).toThrow(/366 days/);
    expect(() => parseWindow(undefined, undefined, now)).toThrow(/--from/);
  });

  it('splits list flags given comma-separated and repeated', () => {
    expect(listOption(['a,b', ' c ', ''])).toEqual(['a', 'b', 'c']);
    expect(listOption(undefined)).toEqual([]);
  });
});

describe('Argyle subscription plan', () => {
  const base = { url: 'https://h/argyle', secret: 's3cret', accepted: ['s3cret'], namePrefix: 'wp' };
  it('splits Items into subscriptions of at most 30 and names them by content (stable across runs)', () => {
    const items = Array.from({ length: 61 }, (_, i) => `item_${i}`);
    const a = planSubscriptions({ ...base, existing: [], events: ['items.updated'], items });
    const b = planSubscriptions({ ...base, existing: [], events: ['items.updated'], items });
    expect(a.create.map((c) => c.config?.items.length)).toEqual([30, 30, 1]);
    expect(a.create.map((c) => c.name)).toEqual(b.create.map((c) => c.name));
    expect(new Set(a.create.map((c) => c.name)).size).toBe(3);
  });

  it('creates only the missing (event, Item) pairs, grouped by what each Item lacks', () => {
    const existing = [
      {
        id: '1',
        name: 'wp-items-x',
        url: base.url,
        secret: 's3cret',
        events: ['items.updated'],
        config: { items: ['item_a', 'item_b'] },
      },
    ];
    const plan = planSubscriptions({
      ...base,
      existing,
      events: ['items.updated', 'items.removed'],
      items: ['item_a', 'item_b', 'item_c'],
    });
    expect(plan.alreadyCovered).toBe(2);
    expect(plan.create.map((c) => [c.events, c.config?.items])).toEqual([
      [['items.removed'], ['item_a', 'item_b']],
      [['items.updated', 'items.removed'], ['item_c']],
    ]);
    expect(plan.reused).toEqual([{ id: '1', name: 'wp-items-x', events: ['items.updated'], items: 2 }]);
  });
});

describe('progress, reports and masking', () => {
  it('draws a bar on a terminal and plain periodic lines elsewhere, on the given stream only', () => {
    let t = 0;
    const tty: string[] = [];
    const bar = createProgress({
      label: 'job',
      total: 4,
      now: () => t,
      stream: { isTTY: true, columns: 200, write: (s: string) => tty.push(s) },
    });
    t = 1000;
    bar.tick('ok');
    t = 2000;
    bar.tick('failed');
    bar.done();
    expect(tty.join('')).toContain('job  [████████████░░░░░░░░░░░░]  2/4  50%  ok 1  failed 1');
    expect(tty.at(-1)).toBe('\n');

    const plain: string[] = [];
    const lines = createProgress({
      label: 'job',
      now: () => t,
      plainIntervalMs: 5000,
      stream: { write: (s: string) => plain.push(s) },
    });
    lines.tick('ok');
    t += 6000;
    lines.tick('skipped');
    lines.done();
    expect(plain).toHaveLength(2);
    expect(plain[0]).toMatch(/^job {2}2 {2}ok 1 {2}failed 0 {2}skipped 1/);
    expect(plain.join('')).not.toContain('\x1b');
  });

  it('writes the report as JSON under reports/<command>-<timestamp>.json by default', async () => {
    const at = new Date('2026-11-25T12:34:56.789Z');
    expect(defaultReportPath('replay', at)).toBe(join('reports', 'replay-2026-11-25T12-34-56-789Z.json'));
    const file = await writeReport(
      join(tempDir(), 'nested', 'r.json'),
      buildReport({
        command: 'replay',
        started: at,
        finished: new Date(at.getTime() + 1500),
        target: { target: 'local' },
        parameters: { dryRun: false },
        summary: { enqueued: 2, failed: 1 },
        items: [{ webhookId: 'w1' }],
      }),
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      reportVersion: 1,
      command: 'replay',
      startedAt: '2026-11-25T12:34:56.789Z',
      finishedAt: '2026-11-25T12:34:58.289Z',
      durationMs: 1500,
      target: { target: 'local' },
      parameters: { dryRun: false },
      summary: { enqueued: 2, failed: 1 },
      ok: false,
      items: [{ webhookId: 'w1' }],
    });
  });

  it('never shows a secret or an access token whole', () => {
    expect(maskSecret('whsec_0123456789abcdef')).toBe('whse…cdef');
    expect(maskSecret('short')).toBe('…(5 chars)');
    expect(maskAccessToken('access-production-1234-5678-90ab-cdef')).toBe('access-production-…cdef');
    expect(maskAccessToken('tok')).toBe('…');
  });
});

describe('targets', () => {
  it('says when the local pipeline is not running (exit 1) and refuses two targets or none (exit 2)', async () => {
    const port = await freePort();
    const down = await runCli(['replay', '--local', '--from', '1h'], { PORT: String(port) });
    const both = await runCli(['replay', '--local', '--stack', 's', '--from', '1h'], {});
    const none = await runCli(['redrive-dlq'], {});
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`could not reach the local pipeline at http://127.0.0.1:${port}/_local`);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --local or --stack');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--local or --stack <name>');
  });
});
