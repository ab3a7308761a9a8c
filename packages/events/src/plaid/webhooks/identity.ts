import * as z from 'zod';
import {
  AccountIdsWithUpdatedIdentitySchema,
  PlaidErrorSchema,
  WebhookEnvironmentSchema,
} from '../common.js';

/** `IDENTITY` / `DEFAULT_UPDATE`: identity data changed on some accounts of an Item. */
export const IdentityDefaultUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('IDENTITY'),
  webhook_code: z.literal('DEFAULT_UPDATE'),
  item_id: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  account_ids_with_updated_identity: AccountIdsWithUpdatedIdentitySchema,
  environment: WebhookEnvironmentSchema,
});
export type IdentityDefaultUpdateWebhook = z.infer<typeof IdentityDefaultUpdateWebhookSchema>;

/** `IDENTITY` / `PRODUCT_PERMISSIONS_REQUIRED`: Identity hit `ACCESS_NOT_GRANTED` and needs update mode. */
export const ProductPermissionsRequiredIdentityWebhookSchema = z.looseObject({
  webhook_type: z.literal('IDENTITY'),
  webhook_code: z.literal('PRODUCT_PERMISSIONS_REQUIRED'),
  item_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type ProductPermissionsRequiredIdentityWebhook = z.infer<
  typeof ProductPermissionsRequiredIdentityWebhookSchema
>;
