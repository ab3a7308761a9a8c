import * as z from 'zod';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** `HOLDINGS` / `DEFAULT_UPDATE`: new or updated holdings were detected on an investment account. */
export const HoldingsDefaultUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('HOLDINGS'),
  webhook_code: z.literal('DEFAULT_UPDATE'),
  item_id: z.string(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  new_holdings: z.number(),
  updated_holdings: z.number(),
  environment: WebhookEnvironmentSchema,
});
export type HoldingsDefaultUpdateWebhook = z.infer<typeof HoldingsDefaultUpdateWebhookSchema>;
