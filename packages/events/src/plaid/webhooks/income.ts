import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** `INCOME` / `BANK_INCOME_COMPLETE`: a bank income report finished or failed to generate. */
export const BankIncomeCompleteWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('BANK_INCOME_COMPLETE'),
  user_id: z.string(),
  result: openEnum(['SUCCESS', 'FAILURE']),
  environment: WebhookEnvironmentSchema,
});
export type BankIncomeCompleteWebhook = z.infer<typeof BankIncomeCompleteWebhookSchema>;

/** `INCOME` / `BANK_INCOME_REFRESH_COMPLETE`: a refreshed bank income report finished or failed. */
export const BankIncomeRefreshCompleteWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('BANK_INCOME_REFRESH_COMPLETE'),
  user_id: z.string(),
  result: openEnum(['SUCCESS', 'FAILURE']),
  environment: WebhookEnvironmentSchema,
});
export type BankIncomeRefreshCompleteWebhook = z.infer<typeof BankIncomeRefreshCompleteWebhookSchema>;

/** `INCOME` / `BANK_INCOME_REFRESH_UPDATE`: a change to the user's income was detected. */
export const BankIncomeRefreshUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('BANK_INCOME_REFRESH_UPDATE'),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BankIncomeRefreshUpdateWebhook = z.infer<typeof BankIncomeRefreshUpdateWebhookSchema>;

/** `INCOME` / `INCOME_VERIFICATION`: a Document or Payroll income verification changed status. */
export const IncomeVerificationStatusWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('INCOME_VERIFICATION'),
  item_id: z.string(),
  user_id: z.string().optional(),
  verification_status: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IncomeVerificationStatusWebhook = z.infer<typeof IncomeVerificationStatusWebhookSchema>;

/** `INCOME` / `INCOME_VERIFICATION_REFRESH_RECONNECT_NEEDED`: a payroll refresh needs the user to reconnect. */
export const IncomeVerificationRefreshReconnectNeededWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('INCOME_VERIFICATION_REFRESH_RECONNECT_NEEDED'),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IncomeVerificationRefreshReconnectNeededWebhook = z.infer<
  typeof IncomeVerificationRefreshReconnectNeededWebhookSchema
>;

/** `INCOME` / `INCOME_VERIFICATION_RISK_SIGNALS`: risk signals were processed for uploaded documents. */
export const IncomeVerificationRiskSignalsStatusWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('INCOME_VERIFICATION_RISK_SIGNALS'),
  item_id: z.string(),
  user_id: z.string().optional(),
  risk_signals_status: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IncomeVerificationRiskSignalsStatusWebhook = z.infer<
  typeof IncomeVerificationRiskSignalsStatusWebhookSchema
>;

/** `INCOME` / `PRODUCT_READY`: Plaid has calculated income from an Item. */
export const ItemProductReadyWebhookSchema = z.looseObject({
  webhook_type: z.literal('INCOME'),
  webhook_code: z.literal('PRODUCT_READY'),
  item_id: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type ItemProductReadyWebhook = z.infer<typeof ItemProductReadyWebhookSchema>;
