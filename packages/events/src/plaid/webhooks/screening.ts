import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

// Monitor webhooks: ENTITY_SCREENING and SCREENING.

/** `ENTITY_SCREENING` / `STATUS_UPDATED`: an entity screening's status changed. */
export const EntityScreeningStatusUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ENTITY_SCREENING'),
  webhook_code: z.literal('STATUS_UPDATED'),
  entity_screening_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type EntityScreeningStatusUpdatedWebhook = z.infer<typeof EntityScreeningStatusUpdatedWebhookSchema>;

/** `SCREENING` / `STATUS_UPDATED`: an individual screening's status changed. */
export const ScreeningStatusUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('SCREENING'),
  webhook_code: z.literal('STATUS_UPDATED'),
  screening_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type ScreeningStatusUpdatedWebhook = z.infer<typeof ScreeningStatusUpdatedWebhookSchema>;
