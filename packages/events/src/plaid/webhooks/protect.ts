import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/** `PROTECT` / `PROTECT_USER_EVENT`: a new Protect user event; details come from `/protect/event/get`. */
export const ProtectUserEventWebhookSchema = z.looseObject({
  webhook_type: z.literal('PROTECT'),
  webhook_code: z.literal('PROTECT_USER_EVENT'),
  event_id: z.string(),
  event_type: z.string(),
  timestamp: z.string(),
  user_id: z.string().nullable(),
  client_user_id: z.string().nullable().optional(),
  link_session_id: z.string().nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type ProtectUserEventWebhook = z.infer<typeof ProtectUserEventWebhookSchema>;
