/**
 * The public contract of webhook-pipeline: what lands on the bus, for every team that subscribes.
 * Importable as `@webhook-pipeline/events`. Pure constants, zod schemas, types and
 * `parseWebhookEvent`; no AWS SDK, no CDK (the subscription construct is the `./cdk` subpath).
 */

export { ARGYLE_EVENT_NAMES, type ArgyleEventName } from './argyle/catalog.js';
export type { CatalogEntry } from './catalog-entry.js';
export {
  type AnyWebhookEvent,
  DETAIL_TYPES,
  type DetailType,
  type DetailTypeInfo,
  type DetailTypeOf,
  detailSchemaFor,
  detailTypeInfo,
  isDetailType,
  type ProviderOf,
  type WebhookData,
  type WebhookEvent,
  type WebhookEventDetail,
} from './detail-types.js';
export {
  type EventMetadata,
  EventMetadataSchema,
  eventDetailSchema,
  metadataSchemaFor,
} from './envelope.js';
export {
  InvalidWebhookEventError,
  UnknownDetailTypeError,
  WebhookEventError,
  type WebhookEventIssue,
  WebhookSubscriptionError,
} from './errors.js';
export { type EventPatternOptions, eventPattern, type WebhookEventPattern } from './event-pattern.js';
export { eventJsonSchemas, type JsonSchemaTarget } from './json-schemas.js';
export { parseWebhookEvent } from './parse-webhook-event.js';
export { PLAID_DETAIL_TYPES, type PlaidDetailType } from './plaid/catalog.js';
export {
  EVENT_SOURCES,
  type EventSource,
  isProviderName,
  PROVIDER_NAMES,
  ProviderName,
  SCHEMA_VERSION,
} from './sources.js';
