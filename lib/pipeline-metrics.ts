/**
 * Names shared by the functions' environment and the alarms: the Powertools service names and the
 * custom metrics the functions emit. They mirror `lambdas/shared/powertools.ts`, which `lib/` does not
 * import (it pulls in the Powertools runtime); a test keeps the two in step.
 */

/** The default CloudWatch namespace of the custom metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'WebhookPipeline';

/** `POWERTOOLS_SERVICE_NAME` of each function, also the `service` dimension of its metrics. */
export const ServiceName = {
  Ingest: 'webhook-ingest',
  Router: 'webhook-router',
  Reconciler: 'webhook-reconciler',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

/**
 * The custom metrics. Each count is a Powertools single metric with the dimensions `service` and
 * `provider` (plus `reason` for signature failures); the reconciler's count has `service` only.
 */
export const PipelineMetric = {
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
export type PipelineMetric = (typeof PipelineMetric)[keyof typeof PipelineMetric];

/** The dimension sets the metrics are emitted with, as Metrics Insights `SCHEMA(...)` keys. */
export const MetricDimensions = {
  ByProvider: ['provider', 'service'],
  ByProviderAndReason: ['provider', 'reason', 'service'],
  ByService: ['service'],
} as const;
