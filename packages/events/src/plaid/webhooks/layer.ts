import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/** `LAYER` / `LAYER_AUTHENTICATION_PASSED`: Plaid verified that the user owns their phone number. */
export const LayerAuthenticationPassedWebhookSchema = z.looseObject({
  webhook_type: z.literal('LAYER'),
  webhook_code: z.literal('LAYER_AUTHENTICATION_PASSED'),
  environment: WebhookEnvironmentSchema,
  link_session_id: z.string(),
  link_token: z.string(),
});
export type LayerAuthenticationPassedWebhook = z.infer<typeof LayerAuthenticationPassedWebhookSchema>;
