import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AcceptingPublisher } from '../../bench/lib/in-memory.js';
import { createRouterHandler } from '../../lambdas/router/create-handler.js';
import { createLogger, createMetrics } from '../../lambdas/shared/powertools.js';
import { type WebhookRecord, WebhookStatus } from '../../lambdas/shared/webhook-record.js';
import { lambdaContext } from '../helpers/api-gateway-event.js';
import { InMemoryRouterStore } from '../helpers/fakes.js';
import { mixedMessages, sqsEvent } from '../helpers/messages.js';

/** EMF lines written to stdout during a test. */
let written: string[];
let spy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  written = [];
  spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});
afterEach(() => {
  spy.mockRestore();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

/** The metric names of the EMF lines written. */
const countsWritten = () =>
  written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) =>
      (
        JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } }
      )._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => metric.Name)),
    )
    .filter((name) => name !== 'ColdStart');

/** Routes four webhooks, the last a redelivery of one already published, with or without the counts of plain publishes. */
const route = async (countPublished: boolean) => {
  const messages = mixedMessages(4).map((m) => m.message);
  const records = new Map<string, WebhookRecord>(
    messages.map((m, i) => [
      m.dedupeKey,
      {
        dedupeKey: m.dedupeKey,
        webhookId: m.webhookId,
        provider: m.provider,
        detailType: 'x',
        status: i === 3 ? WebhookStatus.Published : WebhookStatus.Received,
        receivedAt: m.receivedAt,
        rawBody: m.rawBody ?? '',
        deliveries: 1,
        expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        dedupeUntil: Math.floor(Date.now() / 1000) + 600,
      },
    ]),
  );
  const publisher = new AcceptingPublisher();
  const handler = createRouterHandler({
    logger: createLogger('webhook-router'),
    metrics: createMetrics('webhook-router'),
    logSampleRate: 0,
    countPublished,
    deps: { store: new InMemoryRouterStore(records), publisher, now: Date.now },
  });
  const event = sqsEvent(
    messages.map((m) => JSON.stringify(m)),
    2,
  );
  const result = await handler(event, lambdaContext);
  return { result, published: publisher.published };
};

describe('the router with and without counts of plain publishes (PUBLISHED_COUNTS)', () => {
  it('counts plain publishes by default', async () => {
    const { result, published } = await route(true);
    expect(result.batchItemFailures).toEqual([]);
    expect(published).toBe(3);
    expect(countsWritten().sort()).toEqual(['AlreadyPublished', 'EventsPublished', 'EventsPublished']);
  });

  it('without them publishes the same and still counts the exceptions', async () => {
    const { result, published } = await route(false);
    expect(result.batchItemFailures).toEqual([]);
    expect(published).toBe(3);
    expect(countsWritten()).toEqual(['AlreadyPublished']);
  });
});
