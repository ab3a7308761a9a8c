import * as z from 'zod';
import {
  AccountIdsWithUpdatedAuthSchema,
  PlaidErrorOrMessageSchema,
  PlaidErrorSchema,
  WebhookEnvironmentSchema,
} from '../common.js';

/**
 * `AUTH` / `AUTOMATICALLY_VERIFIED`: an Item was verified by automated micro-deposits.
 * Covers `AutomaticallyVerifiedWebhook` and `FallbackAuthMicrodepositAutoVerifiedWebhook`, whose `error` is a string.
 */
export const AutomaticallyVerifiedWebhookSchema = z.looseObject({
  webhook_type: z.literal('AUTH'),
  webhook_code: z.literal('AUTOMATICALLY_VERIFIED'),
  account_id: z.string(),
  item_id: z.string(),
  error: PlaidErrorOrMessageSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type AutomaticallyVerifiedWebhook = z.infer<typeof AutomaticallyVerifiedWebhookSchema>;

/** `AUTH` / `DEFAULT_UPDATE`: account or routing numbers changed for some accounts of an Item. */
export const AuthDefaultUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('AUTH'),
  webhook_code: z.literal('DEFAULT_UPDATE'),
  item_id: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  account_ids_with_new_auth: z.array(z.string()),
  account_ids_with_updated_auth: AccountIdsWithUpdatedAuthSchema,
  environment: WebhookEnvironmentSchema,
});
export type AuthDefaultUpdateWebhook = z.infer<typeof AuthDefaultUpdateWebhookSchema>;

/** `AUTH` / `PRODUCT_PERMISSIONS_REQUIRED`: Auth hit `ACCESS_NOT_GRANTED` and needs update mode. */
export const ProductPermissionsRequiredAuthWebhookSchema = z.looseObject({
  webhook_type: z.literal('AUTH'),
  webhook_code: z.literal('PRODUCT_PERMISSIONS_REQUIRED'),
  item_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type ProductPermissionsRequiredAuthWebhook = z.infer<
  typeof ProductPermissionsRequiredAuthWebhookSchema
>;

/** `AUTH` / `SMS_MICRODEPOSITS_VERIFICATION`: state of an SMS Same-Day Micro-deposits session. */
export const HostedMMDVerificationWebhookSchema = z.looseObject({
  webhook_type: z.literal('AUTH'),
  webhook_code: z.literal('SMS_MICRODEPOSITS_VERIFICATION'),
  status: z.string(),
  item_id: z.string(),
  account_id: z.string(),
  environment: WebhookEnvironmentSchema.optional(),
});
export type HostedMMDVerificationWebhook = z.infer<typeof HostedMMDVerificationWebhookSchema>;

/**
 * `AUTH` / `VERIFICATION_EXPIRED`: automated micro-deposits were not verified within seven days.
 * Covers `VerificationExpiredWebhook` and `FallbackAuthMicrodepositVerificationExpiredWebhook`, whose `error` is a string.
 */
export const VerificationExpiredWebhookSchema = z.looseObject({
  webhook_type: z.literal('AUTH'),
  webhook_code: z.literal('VERIFICATION_EXPIRED'),
  item_id: z.string(),
  account_id: z.string(),
  error: PlaidErrorOrMessageSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type VerificationExpiredWebhook = z.infer<typeof VerificationExpiredWebhookSchema>;
