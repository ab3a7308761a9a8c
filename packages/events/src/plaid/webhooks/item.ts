import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** `ITEM` / `ERROR`: an error was encountered with an Item; usually resolved through Link update mode. */
export const ItemErrorWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('ERROR'),
  item_id: z.string(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type ItemErrorWebhook = z.infer<typeof ItemErrorWebhookSchema>;

/** `ITEM` / `LOGIN_REPAIRED`: an Item left `ITEM_LOGIN_REQUIRED` without update mode in your app. */
export const ItemLoginRepairedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('LOGIN_REPAIRED'),
  item_id: z.string(),
  user_id: z.string().optional(),
  environment: WebhookEnvironmentSchema,
});
export type ItemLoginRepairedWebhook = z.infer<typeof ItemLoginRepairedWebhookSchema>;

/** `ITEM` / `NEW_ACCOUNTS_AVAILABLE`: Plaid detected a new account; the spec makes every field optional. */
export const NewAccountsAvailableWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('NEW_ACCOUNTS_AVAILABLE'),
  item_id: z.string().optional(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema.optional(),
});
export type NewAccountsAvailableWebhook = z.infer<typeof NewAccountsAvailableWebhookSchema>;

/** `ITEM` / `PENDING_DISCONNECT`: an Item is expected to be disconnected in 7 days. */
export const PendingDisconnectWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('PENDING_DISCONNECT'),
  item_id: z.string(),
  user_id: z.string().optional(),
  reason: openEnum(['INSTITUTION_MIGRATION', 'INSTITUTION_TOKEN_EXPIRATION']),
  disconnect_time: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type PendingDisconnectWebhook = z.infer<typeof PendingDisconnectWebhookSchema>;

/** `ITEM` / `PENDING_EXPIRATION`: an Item's access consent expires in 7 days. */
export const PendingExpirationWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('PENDING_EXPIRATION'),
  item_id: z.string(),
  user_id: z.string().optional(),
  consent_expiration_time: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type PendingExpirationWebhook = z.infer<typeof PendingExpirationWebhookSchema>;

/** `ITEM` / `USER_ACCOUNT_REVOKED`: the user revoked access to one account on the data provider's portal. */
export const UserAccountRevokedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('USER_ACCOUNT_REVOKED'),
  item_id: z.string(),
  account_id: z.string(),
  user_id: z.string().optional(),
  environment: WebhookEnvironmentSchema,
});
export type UserAccountRevokedWebhook = z.infer<typeof UserAccountRevokedWebhookSchema>;

/** `ITEM` / `USER_PERMISSION_REVOKED`: the user revoked the permission granted for an Item. */
export const UserPermissionRevokedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('USER_PERMISSION_REVOKED'),
  item_id: z.string(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type UserPermissionRevokedWebhook = z.infer<typeof UserPermissionRevokedWebhookSchema>;

/** `ITEM` / `WEBHOOK_UPDATE_ACKNOWLEDGED`: an Item's webhook URL was updated; sent to the new URL. */
export const WebhookUpdateAcknowledgedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ITEM'),
  webhook_code: z.literal('WEBHOOK_UPDATE_ACKNOWLEDGED'),
  item_id: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  new_webhook_url: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type WebhookUpdateAcknowledgedWebhook = z.infer<typeof WebhookUpdateAcknowledgedWebhookSchema>;
