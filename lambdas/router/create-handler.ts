import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogSampler } from '../shared/log-sampling.js';
import { countMetric, countMetrics, logInfo, MetricName } from '../shared/powertools.js';
import { MARK_RESERVE_MS } from './budget.js';
import { type RecordOutcome, type RouteResults, type RouterDeps, routeWebhooks } from './route-webhooks.js';

/** What the router handler is built from. */
export interface RouterHandlerOptions {
  readonly deps: Omit<RouterDeps, 'onMarkError' | 'onFailed' | 'onConfirmError'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Share (0 to 1) of routed records whose INFO line is written (`LOG_SAMPLE_RATE` in the deployed
   * handler); every record is still counted, and failures are always logged.
   * @default 1
   */
  readonly logSampleRate?: number;
  /**
   * Count plain publishes (`EventsPublished`, one EMF line per invocation and provider). The
   * dashboard reads them; nothing else does, and at one record a batch they are most of the
   * router's log bytes. Exceptions (already published, quarantined, failed, adopted) are always
   * counted.
   * @default true
   */
  readonly countPublished?: boolean;
}

// The count of each outcome; a dropped duplicate delivery is already counted by ingest.
const OUTCOME_METRIC: Record<RecordOutcome['status'], MetricName | undefined> = {
  published: MetricName.EventsPublished,
  already_published: MetricName.AlreadyPublished,
  quarantined: MetricName.Quarantined,
  duplicate: undefined,
  dropped: undefined,
};

const record = (
  { logger, metrics }: Pick<RouterHandlerOptions, 'logger' | 'metrics'>,
  results: RouteResults,
  sampled: () => boolean,
  countPublished: boolean,
) => {
  // Counts by metric and provider, in the order first met (a batch has a handful), written at once.
  const counts: { name: MetricName; dimensions: { provider: string }; count: number }[] = [];
  const bump = (name: MetricName, provider: string) => {
    const known = counts.find((c) => c.name === name && c.dimensions.provider === provider);
    if (known) known.count += 1;
    else counts.push({ name, dimensions: { provider }, count: 1 });
  };
  for (const [messageId, result] of results) {
    if (result instanceof Error) {
      bump(MetricName.PublishFailed, 'all');
      logger.warn('record failed', { messageId, error: result.name, reason: result.message });
      continue;
    }
    const name = OUTCOME_METRIC[result.status];
    if (name && (countPublished || name !== MetricName.EventsPublished)) bump(name, result.provider);
    if (result.adopted) bump(MetricName.WebhooksAdopted, result.provider);
    // Exceptions (an adopted record, a quarantine) are always logged; plain routing is sampled.
    if (result.adopted || result.status === 'quarantined' || sampled())
      logInfo(logger, 'routed', { messageId, ...result });
  }
  countMetrics(metrics, counts);
};

/**
 * Builds the router Lambda handler: the batch is routed as a whole (one read, PutEvents in tens),
 * then Powertools' BatchProcessor turns per-record failures into `batchItemFailures`, so SQS
 * retries only those records and moves them to the DLQ after `maxReceiveCount`.
 */
export const createRouterHandler = ({
  deps,
  logger,
  metrics,
  logSampleRate,
  countPublished = true,
}: RouterHandlerOptions) => {
  const processor = new BatchProcessor(EventType.SQS);
  const sampled = createLogSampler(logSampleRate ?? 1);
  const routerDeps: RouterDeps = {
    ...deps,
    onMarkError: (webhookId, error) =>
      logger.error('failed on its last receive but not marked failed', { webhookId, error: error as Error }),
    onConfirmError: (webhookId, error) =>
      logger.warn('published, but its claim was not confirmed (it lapses)', {
        webhookId,
        error: error as Error,
      }),
    // Terminal: counted (alarmed) and logged with the reason; `requeue` or `redrive-dlq` bring it back.
    onFailed: ({ webhookId, provider, reason }) => {
      countMetric(metrics, MetricName.WebhooksFailed, { provider });
      logger.error('webhook failed', { webhookId, provider, reason });
    },
  };
  // No early-timeout timer (middy arms one per invocation by default): an early answer would fail
  // the whole batch just as the Lambda timeout does, and SQS redelivers it either way.
  return middy<SQSEvent, SQSBatchResponse, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      metrics.captureColdStartMetric();
      // The work stops in time to mark last-receive failures before the function times out
      // (a local invocation has no deadline).
      const remainingMs = context.getRemainingTimeInMillis?.();
      const results = await routeWebhooks(
        event.Records.map((r) => ({
          id: r.messageId,
          body: r.body,
          receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? '1') || 1,
        })),
        routerDeps,
        remainingMs === undefined
          ? {}
          : { deadlineMs: deps.now() + remainingMs - Math.min(MARK_RESERVE_MS, remainingMs / 3) },
      );
      record({ logger, metrics }, results, sampled, countPublished);
      return processPartialResponse(
        event,
        async (sqsRecord: SQSRecord) => {
          const result = results.get(sqsRecord.messageId);
          if (result instanceof Error) throw result;
          return result;
        },
        processor,
        { context, throwOnFullBatchFailure: false },
      );
    });
};
