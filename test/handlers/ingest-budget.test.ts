import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import { parseSourceIpAllowlist } from '../../lambdas/ingest/source-ip.js';
import { createProviders } from '../../lambdas/providers/index.js';
import type { WebhookStore } from '../../lambdas/shared/webhook-record.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import { InMemoryWebhookQueue, InMemoryWebhookStore, sequentialIds } from '../helpers/fakes.js';
import { seed } from '../helpers/fixtures.js';
import { inMemoryKeyCache, plaidHeaders } from '../helpers/plaid.js';

const SECRET = 'whsec_budget';

const build = (store: WebhookStore, options: { budgetMs?: number; plaidAllowlist?: string } = {}) => {
  const key = generatePlaidSigningKey();
  const plaid = parseSourceIpAllowlist(options.plaidAllowlist);
  const handler = createIngestHandler({
    logger: new Logger({ serviceName: 'webhook-ingest', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'WebhookPipelineTest', serviceName: 'webhook-ingest' }),
    ...(options.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
    ...(plaid ? { sourceIpChecks: { plaid } } : {}),
    deps: {
      providers: createProviders({
        plaid: { keys: inMemoryKeyCache([key.jwk], Date.now).cache, now: Date.now },
        argyle: { secrets: async () => [SECRET] },
      }),
      store,
      queue: new InMemoryWebhookQueue(),
      now: Date.now,
      newId: sequentialIds(),
      settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 600, retentionDays: 30 },
    },
  });
  return { key, handler };
};

describe('ingest handler: time budget and source allowlist', () => {
  it('answers 503 with Retry-After once the budget has passed, when the store never answers', async () => {
    // Prepare: a store that hangs (a dependency with no timeout of its own).
    const hung: WebhookStore = Object.assign(new InMemoryWebhookStore(), {
      putIfAbsent: () => new Promise<never>(() => undefined),
    });
    const { handler } = build(hung, { budgetMs: 100 });
    const body = Buffer.from('{"event":"items.removed","name":"n","data":{"item":"i"}}');
    // Act
    const answer = await handler(
      httpApiEvent('argyle', body, { headers: { 'x-argyle-signature': signArgyleBody(body, SECRET) } }),
      lambdaContext,
    );
    // Assess
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['retry-after']).toBe('30');
    expect(JSON.parse(answer.body)).toEqual({ error: 'temporarily unavailable; retry later' });
  });

  it('refuses a Plaid webhook from outside the allowlist with 403 before verification, and takes one from inside', async () => {
    const store = new InMemoryWebhookStore();
    const { key, handler } = build(store, { plaidAllowlist: '52.21.26.131' });
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const inside = httpApiEvent('plaid', body, { headers: plaidHeaders(body, key) });
    const outside = httpApiEvent('plaid', body, { headers: { 'plaid-verification': 'not even a token' } });
    outside.requestContext.http.sourceIp = '198.51.100.7';
    const refused = await handler(outside, lambdaContext);
    const accepted = await handler(inside, lambdaContext);
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body).error).toContain('published source addresses');
    expect(accepted.statusCode).toBe(200);
    expect(store.records.size).toBe(1);
  });
});
