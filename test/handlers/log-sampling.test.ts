import { ARGYLE_CATALOG } from '@webhook-pipeline/events/argyle';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { createLogSampler, loadLogSampleRate } from '../../lambdas/shared/log-sampling.js';
import { createLogger, createMetrics } from '../../lambdas/shared/powertools.js';
import { signArgyleBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import { InMemoryWebhookQueue, InMemoryWebhookStore, sequentialIds } from '../helpers/fakes.js';
import { inMemoryKeyCache } from '../helpers/plaid.js';

const SECRET = 'whsec_sampling';

/** Every line written to stdout or stderr during a test, parsed. */
let lines: Record<string, unknown>[];
const spies: ReturnType<typeof vi.spyOn>[] = [];
beforeEach(() => {
  lines = [];
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
        return true;
      }),
    );
  }
});
afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  delete process.env.POWERTOOLS_LOG_LEVEL;
});

const build = (logSampleRate?: number) =>
  createIngestHandler({
    logger: createLogger('webhook-ingest'),
    metrics: createMetrics('webhook-ingest'),
    ...(logSampleRate === undefined ? {} : { logSampleRate }),
    deps: {
      providers: createProviders({
        plaid: { keys: inMemoryKeyCache([], Date.now).cache, now: Date.now },
        argyle: { secrets: async () => [SECRET] },
      }),
      store: new InMemoryWebhookStore(),
      queue: new InMemoryWebhookQueue(),
      now: Date.now,
      newId: sequentialIds(),
      settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 300, retentionDays: 30 },
    },
  });

const signed = (body: Buffer) =>
  httpApiEvent('argyle', body, { headers: { 'x-argyle-signature': signArgyleBody(body, SECRET) } });
// A catalogue sample made unique per request, so that none is a duplicate of another.
const body = (n: number) => {
  const sample = structuredClone(ARGYLE_CATALOG['users.fully_synced'].sample);
  return Buffer.from(JSON.stringify({ ...sample, data: { ...sample.data, user: `user-${n}` } }));
};
const counts = (name: string) => lines.filter((l) => l._aws !== undefined && l[name] === 1).length;
const messages = (message: string) => lines.filter((l) => l.message === message).length;

describe('request lines sampled, counts and refusals kept (LOG_SAMPLE_RATE)', () => {
  it('at rate 0 writes nothing for accepted webhooks, and still counts duplicates', async () => {
    // Prepare
    const handler = build(0);
    // Act
    for (let i = 0; i < 5; i += 1) await handler(signed(body(i)), lambdaContext);
    const accepted = lines.length;
    await handler(signed(body(0)), lambdaContext);
    // Assess
    expect(accepted).toBe(0);
    expect(counts('WebhookDuplicate')).toBe(1);
    expect(messages('webhook')).toBe(0);
  });

  it('at rate 0 still logs a refused signature and a quarantined body', async () => {
    // Prepare
    const handler = build(0);
    const forged = body(1);
    const quarantined = Buffer.from('{"event":"accounts.connected","name":"sub","data":{"account":1}}');
    // Act
    const refused = await handler(
      httpApiEvent('argyle', forged, { headers: { 'x-argyle-signature': 'f'.repeat(128) } }),
      lambdaContext,
    );
    await handler(signed(quarantined), lambdaContext);
    // Assess
    expect(refused.statusCode).toBe(401);
    expect(messages('signature refused')).toBe(1);
    expect(messages('webhook quarantined')).toBe(1);
  });

  it('writes every INFO line at rate 1, the factory default', async () => {
    // Prepare
    const handler = build();
    // Act
    for (let i = 0; i < 3; i += 1) await handler(signed(body(i)), lambdaContext);
    // Assess
    expect(messages('webhook')).toBe(3);
    expect(lines.filter((l) => l.message === 'webhook').map((l) => l.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
  });
});

describe('createLogSampler and loadLogSampleRate', () => {
  it('samples with the given probability', () => {
    // Prepare
    const draws = [0.001, 0.5, 0.0099, 0.01, 0.2];
    const sampler = createLogSampler(0.01, () => draws.shift() ?? 1);
    // Act
    const taken = Array.from({ length: 5 }, () => sampler());
    // Assess
    expect(taken).toEqual([true, false, true, false, false]);
    expect(createLogSampler(1, () => 0.999)()).toBe(true);
    expect(createLogSampler(0, () => 0)()).toBe(false);
  });

  it('defaults to 0.01, reads a rate between 0 and 1 and refuses anything else', () => {
    expect(loadLogSampleRate({})).toBe(0.01);
    expect(loadLogSampleRate({ LOG_SAMPLE_RATE: ' ' })).toBe(0.01);
    expect(loadLogSampleRate({ LOG_SAMPLE_RATE: '0.25' })).toBe(0.25);
    expect(() => loadLogSampleRate({ LOG_SAMPLE_RATE: '2' })).toThrow(/LOG_SAMPLE_RATE/);
    expect(() => loadLogSampleRate({ LOG_SAMPLE_RATE: 'half' })).toThrow(/LOG_SAMPLE_RATE/);
  });
});
