import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The namespace of every metric the pipeline emits (overridable with POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'WebhookPipeline';

/** Names of the metrics the alarms and dashboard use. */
export const MetricName = {
  Accepted: 'WebhookAccepted',
  Duplicate: 'WebhookDuplicate',
  Quarantined: 'WebhookQuarantined',
  UnknownWebhookCode: 'UnknownWebhookCode',
  SignatureFailure: 'SignatureFailure',
  InvalidPayload: 'InvalidPayload',
  PayloadTooLarge: 'PayloadTooLarge',
  IngestUnavailable: 'IngestUnavailable',
  EventsPublished: 'EventsPublished',
  AlreadyPublished: 'AlreadyPublished',
  PublishFailed: 'PublishFailed',
  WebhooksRecovered: 'WebhooksRecovered',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** One logger per function, created at cold start. */
export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

/** One metrics buffer per function, created at cold start. */
export const createMetrics = (serviceName: string): Metrics =>
  new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName });

/**
 * Emits one count with its own dimensions. A single metric does not touch the shared buffer, so
 * concurrent requests in one process (the local runtime) cannot mix their dimensions.
 */
export const countMetric = (
  metrics: Metrics,
  name: MetricName,
  dimensions: Readonly<Record<string, string>>,
  count = 1,
): void => {
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, count);
};
