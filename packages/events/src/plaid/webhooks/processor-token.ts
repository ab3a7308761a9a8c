import * as z from 'zod';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** `PROCESSOR_TOKEN` / `WEBHOOK_UPDATE_ACKNOWLEDGED`: a processor token's webhook URL was updated (processor partners only). */
export const ProcessorTokenWebhookUpdateSchema = z.looseObject({
  webhook_type: z.literal('PROCESSOR_TOKEN'),
  webhook_code: z.literal('WEBHOOK_UPDATE_ACKNOWLEDGED'),
  account_id: z.string(),
  new_webhook_url: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type ProcessorTokenWebhookUpdate = z.infer<typeof ProcessorTokenWebhookUpdateSchema>;
