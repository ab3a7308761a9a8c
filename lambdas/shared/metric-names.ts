/**
 * Names shared by the functions and the stack's alarms: the metrics namespace, the service names
 * and the custom metrics. Pure constants, so `lib/` imports them without the Powertools runtime.
 */

/** The namespace of every metric the pipeline emits (overridable with POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'WebhookPipeline';

/** `POWERTOOLS_SERVICE_NAME` of each function, also the `service` dimension of its metrics. */
export const ServiceName = {
  Ingest: 'webhook-ingest',
  Router: 'webhook-router',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

/**
 * The custom metrics. Each count carries the dimensions `service` and `provider` (plus `reason`
 * for signature failures). `PublishFailed` counts the router's failed records (provider `all`), so a
 * batch whose every record failed is seen.
 */
export const MetricName = {
  /**
   * Not emitted for each webhook any more (its EMF line was most of the log bytes of the happy
   * path): accepted webhooks are counted by `EventsPublished`, one line per router batch.
   */
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
  /** Records marked `failed` on their last receive (terminal until requeued). */
  WebhooksFailed: 'WebhooksFailed',
  /** Messages whose ingest write never landed, stored by the router (exceptions only). */
  WebhooksAdopted: 'WebhooksAdopted',
  /** Plaid's key endpoint gave no key (dimension `reason`: configuration, availability, fetch cap). */
  PlaidKeyFetchFailed: 'PlaidKeyFetchFailed',
  /** A webhook from outside the provider's source address allowlist (403). */
  SourceAddressRefused: 'SourceAddressRefused',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
