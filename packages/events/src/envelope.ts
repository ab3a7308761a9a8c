import * as z from 'zod';
import { PROVIDER_NAMES, type ProviderName, SCHEMA_VERSION } from './sources.js';

/** `detail.metadata`: what the pipeline adds to every provider payload. */
export const EventMetadataSchema = z.object({
  /** Stable id of the webhook; the same on every (re)publication. Consumers dedupe on it. */
  webhookId: z.string().min(1),
  provider: z.enum(PROVIDER_NAMES as [ProviderName, ...ProviderName[]]),
  /** When the pipeline first received the webhook (ISO-8601 UTC). */
  receivedAt: z.iso.datetime(),
  /** `<provider>#<sha256 of the raw body>`. */
  dedupeKey: z.string().min(1),
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** True when published again by an operator's replay. */
  replayed: z.boolean(),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

/** `detail.metadata` of one provider's events: `provider` is that provider, nothing else. */
export const metadataSchemaFor = <P extends ProviderName>(provider: P) =>
  EventMetadataSchema.extend({ provider: z.literal(provider) });

/**
 * The `detail` of every event: our metadata and the provider payload as received. With a provider,
 * `metadata.provider` must be that provider (as the `WebhookEventDetail` type says).
 */
export const eventDetailSchema = <S extends z.ZodType>(data: S, provider?: ProviderName) =>
  z.object({ metadata: provider ? metadataSchemaFor(provider) : EventMetadataSchema, data });
