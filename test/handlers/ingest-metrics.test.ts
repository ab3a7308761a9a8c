import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import { InMemoryWebhookQueue, InMemoryWebhookStore, sequentialIds } from '../helpers/fakes.js';
import { seed } from '../helpers/fixtures.js';
import { inMemoryKeyCache, plaidHeaders } from '../helpers/plaid.js';

/** EMF documents written to stdout during a test. */
let emitted: string[];
let spy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  emitted = [];
  spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    emitted.push(String(chunk));
    return true;
  });
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});
afterEach(() => {
  spy.mockRestore();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

/** Metric name → dimension sets, from the EMF documents emitted. */
const metricsEmitted = () =>
  emitted
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map(
      (line) =>
        JSON.parse(line) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
        },
    )
    .flatMap((doc) =>
      doc._aws.CloudWatchMetrics.flatMap((m) =>
        m.Metrics.map((metric) => ({
          name: metric.Name,
          provider: doc.provider,
          reason: doc.reason,
          value: doc[metric.Name],
        })),
      ),
    );

const build = () => {
  const key = generatePlaidSigningKey();
  const store = new InMemoryWebhookStore();
  const handler = createIngestHandler({
    logger: new Logger({ serviceName: 'webhook-ingest', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'WebhookPipelineTest', serviceName: 'webhook-ingest' }),
    deps: {
      providers: createProviders({
        plaid: { keys: inMemoryKeyCache([key.jwk], Date.now).cache, now: Date.now },
        argyle: { secrets: async () => ['whsec_metrics'] },
      }),
      store,
      queue: new InMemoryWebhookQueue(),
      now: Date.now,
      newId: sequentialIds(),
      settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 300, retentionDays: 30 },
    },
  });
  return { key, handler };
};

describe('ingest metrics by outcome (Powertools EMF)', () => {
  it('counts duplicate, quarantined, unknown codes and signature failures by reason, and no plain acceptance', async () => {
    // Prepare
    const { key, handler } = build();
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const argyleUnknown = Buffer.from('{"event":"brand_new.event","name":"n","data":{}}');
    const quarantined = Buffer.from('{"webhook_type":"ITEM","webhook_code":"ERROR","item_id":1}');
    // Act
    await handler(httpApiEvent('plaid', body, { headers: plaidHeaders(body, key) }), lambdaContext);
    await handler(httpApiEvent('plaid', body, { headers: plaidHeaders(body, key) }), lambdaContext);
    await handler(
      httpApiEvent('plaid', quarantined, { headers: plaidHeaders(quarantined, key) }),
      lambdaContext,
    );
    await handler(
      httpApiEvent('argyle', argyleUnknown, {
        headers: { 'x-argyle-signature': signArgyleBody(argyleUnknown, 'whsec_metrics') },
      }),
      lambdaContext,
    );
    await handler(
      httpApiEvent('argyle', argyleUnknown, { headers: { 'x-argyle-signature': 'f'.repeat(128) } }),
      lambdaContext,
    );
    await handler(httpApiEvent('plaid', body), lambdaContext);
    // Assess
    const metrics = metricsEmitted();
    expect(metrics).toEqual(
      expect.arrayContaining([
        { name: 'WebhookDuplicate', provider: 'plaid', reason: undefined, value: 1 },
        { name: 'WebhookQuarantined', provider: 'plaid', reason: undefined, value: 1 },
        { name: 'UnknownWebhookCode', provider: 'argyle', reason: undefined, value: 1 },
        { name: 'SignatureFailure', provider: 'argyle', reason: 'bad_signature', value: 1 },
        { name: 'SignatureFailure', provider: 'plaid', reason: 'missing_signature', value: 1 },
      ]),
    );
    expect(metrics.filter((m) => m.name !== 'ColdStart')).toHaveLength(5);
    // A plain accepted webhook writes no EMF line: the router's EventsPublished counts it.
    expect(metrics.filter((m) => m.name === 'WebhookAccepted')).toEqual([]);
  });

  it('never turns an unknown provider segment into a metric dimension, even for a body refused as too large', async () => {
    // Prepare
    const { handler } = build();
    // Act
    const response = await handler(
      httpApiEvent('attacker-chosen-name', Buffer.alloc(300 * 1024, 0x20)),
      lambdaContext,
    );
    // Assess
    expect(response.statusCode).toBe(413);
    expect(metricsEmitted()).toContainEqual({
      name: 'PayloadTooLarge',
      provider: 'unknown',
      reason: undefined,
      value: 1,
    });
    expect(JSON.stringify(metricsEmitted())).not.toContain('attacker-chosen-name');
  });
});
