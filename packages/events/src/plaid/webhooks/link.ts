import * as z from 'zod';
import { LinkEventSchema, WebhookEnvironmentSchema } from '../common.js';

/** `LINK` / `EVENTS`: a summary of a Link session's events once the user finishes (no `environment` field). */
export const LinkEventsWebhookSchema = z.looseObject({
  webhook_type: z.literal('LINK'),
  webhook_code: z.literal('EVENTS'),
  events: z.array(LinkEventSchema),
  link_session_id: z.string(),
  link_token: z.string(),
});
export type LinkEventsWebhook = z.infer<typeof LinkEventsWebhookSchema>;

/** `LINK` / `ITEM_ADD_RESULT`: a user added an Item in a Hosted or Multi-Item Link session. */
export const ItemAddResultWebhookSchema = z.looseObject({
  webhook_type: z.literal('LINK'),
  webhook_code: z.literal('ITEM_ADD_RESULT'),
  link_session_id: z.string(),
  link_token: z.string(),
  public_token: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type ItemAddResultWebhook = z.infer<typeof ItemAddResultWebhookSchema>;

/** `LINK` / `SESSION_FINISHED`: a Link session completed, with its public token(s) if any. */
export const LinkSessionFinishedWebhookSchema = z.looseObject({
  webhook_type: z.literal('LINK'),
  webhook_code: z.literal('SESSION_FINISHED'),
  status: z.string(),
  link_session_id: z.string(),
  link_token: z.string(),
  public_token: z.string().optional(),
  public_tokens: z.array(z.string()).optional(),
  user_id: z.string().optional(),
  environment: WebhookEnvironmentSchema,
});
export type LinkSessionFinishedWebhook = z.infer<typeof LinkSessionFinishedWebhookSchema>;
