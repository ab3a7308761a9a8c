import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { WebhookEnvironmentSchema } from '../common.js';

/** Outcome of a Cash Flow Updates refresh (`MonitoringInsightsStatus`). */
export const MonitoringInsightsStatusSchema = openEnum(['AVAILABLE', 'FAILED']);
export type MonitoringInsightsStatus = z.infer<typeof MonitoringInsightsStatusSchema>;

/** An insight a Cash Flow Updates refresh can report (`CashFlowInsight`). */
export const CashFlowInsightSchema = openEnum([
  'LARGE_DEPOSIT_DETECTED',
  'LOW_BALANCE_DETECTED',
  'NEW_LOAN_PAYMENT_DETECTED',
  'NSF_OVERDRAFT_DETECTED',
]);
export type CashFlowInsight = z.infer<typeof CashFlowInsightSchema>;

// Every CASH_FLOW_UPDATES code carries the same three fields.
const cashFlowUpdateFields = {
  status: MonitoringInsightsStatusSchema,
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
};

/** `CASH_FLOW_UPDATES` / `CASH_FLOW_INSIGHTS_UPDATED`: up to four times a day per Item, with the insights found. */
export const CashFlowUpdatesInsightsV2WebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('CASH_FLOW_INSIGHTS_UPDATED'),
  ...cashFlowUpdateFields,
  insights: z.array(CashFlowInsightSchema),
});
export type CashFlowUpdatesInsightsV2Webhook = z.infer<typeof CashFlowUpdatesInsightsV2WebhookSchema>;

/** `CASH_FLOW_UPDATES` / `EXPECTED_DEPOSIT_MISSED`: an update found that an expected deposit was missed. */
export const CashFlowUpdatesExpectedDepositMissedWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('EXPECTED_DEPOSIT_MISSED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesExpectedDepositMissedWebhook = z.infer<
  typeof CashFlowUpdatesExpectedDepositMissedWebhookSchema
>;

/** `CASH_FLOW_UPDATES` / `INSIGHTS_UPDATED` (deprecated): status of a Cash Flow Updates refresh. */
export const CashFlowUpdatesInsightsWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('INSIGHTS_UPDATED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesInsightsWebhook = z.infer<typeof CashFlowUpdatesInsightsWebhookSchema>;

/** `CASH_FLOW_UPDATES` / `LARGE_DEPOSIT_DETECTED`: an update found a deposit over $5,000. */
export const CashFlowUpdatesLargeDepositWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('LARGE_DEPOSIT_DETECTED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesLargeDepositWebhook = z.infer<typeof CashFlowUpdatesLargeDepositWebhookSchema>;

/** `CASH_FLOW_UPDATES` / `LOW_BALANCE_DETECTED`: an update found a balance below $100. */
export const CashFlowUpdatesLowBalanceWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('LOW_BALANCE_DETECTED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesLowBalanceWebhook = z.infer<typeof CashFlowUpdatesLowBalanceWebhookSchema>;

/** `CASH_FLOW_UPDATES` / `NEW_INCOME_STREAM_DETECTED`: an update found a new income stream. */
export const CashFlowUpdatesNewIncomeStreamWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('NEW_INCOME_STREAM_DETECTED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesNewIncomeStreamWebhook = z.infer<
  typeof CashFlowUpdatesNewIncomeStreamWebhookSchema
>;

/** `CASH_FLOW_UPDATES` / `NEW_LOAN_PAYMENT_DETECTED`: an update found a new loan payment. */
export const CashFlowUpdatesNewLoanPaymentWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('NEW_LOAN_PAYMENT_DETECTED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesNewLoanPaymentWebhook = z.infer<typeof CashFlowUpdatesNewLoanPaymentWebhookSchema>;

/** `CASH_FLOW_UPDATES` / `NSF_OVERDRAFT_DETECTED`: an update found an NSF overdraft transaction. */
export const CashFlowUpdatesNSFWebhookSchema = z.looseObject({
  webhook_type: z.literal('CASH_FLOW_UPDATES'),
  webhook_code: z.literal('NSF_OVERDRAFT_DETECTED'),
  ...cashFlowUpdateFields,
});
export type CashFlowUpdatesNSFWebhook = z.infer<typeof CashFlowUpdatesNSFWebhookSchema>;
