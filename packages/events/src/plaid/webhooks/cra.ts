import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, ProductsSchema, WebhookEnvironmentSchema } from '../common.js';

// Plaid Check (consumer report) webhooks: BASE_REPORT, CHECK_REPORT, CRA_INCOME and CRA_INSIGHTS.

/** `BASE_REPORT` / `ERROR`: Base Report generation failed (`error.error_type` is `BASE_REPORT_ERROR`). */
export const BaseReportsErrorWebhookSchema = z.looseObject({
  webhook_type: z.literal('BASE_REPORT'),
  webhook_code: z.literal('ERROR'),
  error: PlaidErrorSchema.nullable().optional(),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BaseReportsErrorWebhook = z.infer<typeof BaseReportsErrorWebhookSchema>;

/** `CHECK_REPORT` / `CHECK_REPORT_FAILED`: a Check Report failed to generate. */
export const CraCheckReportFailedWebhookSchema = z.looseObject({
  webhook_type: z.literal('CHECK_REPORT'),
  webhook_code: z.literal('CHECK_REPORT_FAILED'),
  user_id: z.string(),
  item_ids: z.array(z.string()).nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type CraCheckReportFailedWebhook = z.infer<typeof CraCheckReportFailedWebhookSchema>;

/** `CHECK_REPORT` / `CHECK_REPORT_READY`: a Check Report is ready and can be retrieved for 24 hours. */
export const CraCheckReportReadyWebhookSchema = z.looseObject({
  webhook_type: z.literal('CHECK_REPORT'),
  webhook_code: z.literal('CHECK_REPORT_READY'),
  user_id: z.string(),
  successful_products: z.array(ProductsSchema).nullable().optional(),
  failed_products: z.array(ProductsSchema).nullable().optional(),
  item_ids: z.array(z.string()).nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type CraCheckReportReadyWebhook = z.infer<typeof CraCheckReportReadyWebhookSchema>;

/** `CHECK_REPORT` / `UPGRADE_FAILED`: a Check Report upgrade attempt failed. */
export const CraUpgradeFailedWebhookSchema = z.looseObject({
  webhook_type: z.literal('CHECK_REPORT'),
  webhook_code: z.literal('UPGRADE_FAILED'),
  user_id: z.string(),
  item_ids: z.array(z.string()),
  environment: WebhookEnvironmentSchema,
});
export type CraUpgradeFailedWebhook = z.infer<typeof CraUpgradeFailedWebhookSchema>;

/** `CHECK_REPORT` / `USER_CHECK_REPORT_FAILED`: a user's Check Report failed to generate. */
export const CraUserCheckReportFailedWebhookSchema = z.looseObject({
  webhook_type: z.literal('CHECK_REPORT'),
  webhook_code: z.literal('USER_CHECK_REPORT_FAILED'),
  user_id: z.string(),
  item_ids: z.array(z.string()).nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type CraUserCheckReportFailedWebhook = z.infer<typeof CraUserCheckReportFailedWebhookSchema>;

/** `CHECK_REPORT` / `USER_CHECK_REPORT_READY`: a user's Check Report is ready for 24 hours. */
export const CraUserCheckReportReadyWebhookSchema = z.looseObject({
  webhook_type: z.literal('CHECK_REPORT'),
  webhook_code: z.literal('USER_CHECK_REPORT_READY'),
  user_id: z.string(),
  successful_products: z.array(ProductsSchema).optional(),
  failed_products: z.array(ProductsSchema).optional(),
  item_ids: z.array(z.string()).nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type CraUserCheckReportReadyWebhook = z.infer<typeof CraUserCheckReportReadyWebhookSchema>;

/** `CRA_INCOME` / `BANK_INCOME_COMPLETE`: a CRA bank income report finished or failed. */
export const CraBankIncomeCompleteWebhookSchema = z.looseObject({
  webhook_type: z.literal('CRA_INCOME'),
  webhook_code: z.literal('BANK_INCOME_COMPLETE'),
  user_id: z.string(),
  result: openEnum(['SUCCESS', 'FAILURE']).optional(),
  environment: WebhookEnvironmentSchema,
});
export type CraBankIncomeCompleteWebhook = z.infer<typeof CraBankIncomeCompleteWebhookSchema>;

/** `CRA_INCOME` / `ERROR`: a CRA bank income report failed to generate. */
export const CraBankIncomeErrorWebhookSchema = z.looseObject({
  webhook_type: z.literal('CRA_INCOME'),
  webhook_code: z.literal('ERROR'),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type CraBankIncomeErrorWebhook = z.infer<typeof CraBankIncomeErrorWebhookSchema>;

/** `CRA_INSIGHTS` / `PARTNER_INSIGHTS_COMPLETE`: a partner insights report is ready. */
export const CraPartnerInsightsCompleteWebhookSchema = z.looseObject({
  webhook_type: z.literal('CRA_INSIGHTS'),
  webhook_code: z.literal('PARTNER_INSIGHTS_COMPLETE'),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type CraPartnerInsightsCompleteWebhook = z.infer<typeof CraPartnerInsightsCompleteWebhookSchema>;

/** `CRA_INSIGHTS` / `PARTNER_INSIGHTS_ERROR`: a partner insights report failed to generate. */
export const CraPartnerInsightsErrorWebhookSchema = z.looseObject({
  webhook_type: z.literal('CRA_INSIGHTS'),
  webhook_code: z.literal('PARTNER_INSIGHTS_ERROR'),
  user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type CraPartnerInsightsErrorWebhook = z.infer<typeof CraPartnerInsightsErrorWebhookSchema>;
