import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogSampler } from '../shared/log-sampling.js';
import { countMetric, MetricName } from '../shared/powertools.js';
import { type RouteResults, type RouterDeps, routeWebhooks } from './route-webhooks.js';

/** What the router handler is built from. */
export interface RouterHandlerOptions {
  readonly deps: Omit<RouterDeps, 'onMarkError'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Share (0 to 1) of routed records whose INFO line is written (`LOG_SAMPLE_RATE` in the deployed
   * handler); every record is still counted, and failures are always logged.
   * @default 1
   */
  readonly logSampleRate?: number;
}

const record = (
  { logger, metrics }: Pick<RouterHandlerOptions, 'logger' | 'metrics'>,
  results: RouteResults,
  sampled: () => boolean,
) => {
  const counts = new Map<string, number>();
  const bump = (name: string, provider: string) =>
    counts.set(`${name}|${provider}`, (counts.get(`${name}|${provider}`) ?? 0) + 1);
  for (const [messageId, result] of results) {
    if (result instanceof Error) {
      bump(MetricName.PublishFailed, 'all');
      logger.warn('record failed', { messageId, error: result.name, reason: result.message });
      continue;
    }
    const name =
      result.status === 'published'
        ? MetricName.EventsPublished
        : result.status === 'already_published'
          ? MetricName.AlreadyPublished
          : MetricName.Quarantined;
    bump(name, result.provider);
    if (sampled()) logger.info('routed', { messageId, ...result });
  }
  for (const [key, count] of counts) {
    const [name, provider] = key.split('|') as [MetricName, string];
    countMetric(metrics, name, { provider }, count);
  }
};

/**
 * Builds the router Lambda handler: the batch is routed as a whole (one read, PutEvents in tens),
 * then Powertools' BatchProcessor turns per-record failures into `batchItemFailures`, so SQS
 * retries only those records and moves them to the DLQ after `maxReceiveCount`.
 */
export const createRouterHandler = ({ deps, logger, metrics, logSampleRate }: RouterHandlerOptions) => {
  const processor = new BatchProcessor(EventType.SQS);
  const sampled = createLogSampler(logSampleRate ?? 1);
  const routerDeps: RouterDeps = {
    ...deps,
    onMarkError: (webhookId, error) =>
      logger.error('published but not marked', { webhookId, error: error as Error }),
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      metrics.captureColdStartMetric();
      const results = await routeWebhooks(
        event.Records.map((r) => ({ id: r.messageId, body: r.body })),
        routerDeps,
      );
      record({ logger, metrics }, results, sampled);
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
