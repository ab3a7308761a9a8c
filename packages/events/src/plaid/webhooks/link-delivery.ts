import * as z from 'zod';
import { LinkCallbackMetadataSchema, LinkDeliveryMetadataSchema, PlaidErrorSchema } from '../common.js';

// Neither LINK_DELIVERY webhook carries `environment`.

/** `LINK_DELIVERY` / `DELIVERY_STATUS`: delivery status of a Hosted Link session sent to a user. */
export const LinkUserDeliveryStatusWebhookSchema = z.looseObject({
  webhook_type: z.literal('LINK_DELIVERY'),
  webhook_code: z.literal('DELIVERY_STATUS'),
  link_delivery_session_id: z.string(),
  timestamp: z.string(),
  link_delivery_metadata: LinkDeliveryMetadataSchema,
});
export type LinkUserDeliveryStatusWebhook = z.infer<typeof LinkUserDeliveryStatusWebhookSchema>;

/** `LINK_DELIVERY` / `LINK_CALLBACK`: a Link callback (`onEvent`, `onExit`, `onSuccess`) relayed by Plaid. */
export const LinkDeliveryCallbackWebhookSchema = z.looseObject({
  webhook_type: z.literal('LINK_DELIVERY'),
  webhook_code: z.literal('LINK_CALLBACK'),
  link_delivery_session_id: z.string(),
  timestamp: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  link_callback_metadata: LinkCallbackMetadataSchema,
});
export type LinkDeliveryCallbackWebhook = z.infer<typeof LinkDeliveryCallbackWebhookSchema>;
