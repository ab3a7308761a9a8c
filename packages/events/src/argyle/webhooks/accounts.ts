import * as z from 'zod';
import { AccountConnectionErrorCodeSchema, AccountEventDataSchema, argyleWebhook } from '../common.js';

export const AccountsAddedWebhookSchema = argyleWebhook('accounts.added', AccountEventDataSchema);
export type AccountsAddedWebhook = z.infer<typeof AccountsAddedWebhookSchema>;

export const AccountsUpdatedWebhookSchema = argyleWebhook('accounts.updated', AccountEventDataSchema);
export type AccountsUpdatedWebhook = z.infer<typeof AccountsUpdatedWebhookSchema>;

export const AccountsRemovedWebhookSchema = argyleWebhook('accounts.removed', AccountEventDataSchema);
export type AccountsRemovedWebhook = z.infer<typeof AccountsRemovedWebhookSchema>;

export const AccountsConnectedWebhookSchema = argyleWebhook('accounts.connected', AccountEventDataSchema);
export type AccountsConnectedWebhook = z.infer<typeof AccountsConnectedWebhookSchema>;

export const AccountsFailedWebhookSchema = argyleWebhook(
  'accounts.failed',
  AccountEventDataSchema.extend({
    error_code: AccountConnectionErrorCodeSchema,
    error_message: z.string(),
  }),
);
export type AccountsFailedWebhook = z.infer<typeof AccountsFailedWebhookSchema>;
