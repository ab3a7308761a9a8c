import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** `ASSETS` / `ERROR`: Asset Report generation failed (`error.error_type` is `ASSET_REPORT_ERROR`). */
export const AssetsErrorWebhookSchema = z.looseObject({
  webhook_type: z.literal('ASSETS'),
  webhook_code: z.literal('ERROR'),
  error: PlaidErrorSchema.nullable().optional(),
  asset_report_id: z.string(),
  user_id: z.string().optional(),
  environment: WebhookEnvironmentSchema,
});
export type AssetsErrorWebhook = z.infer<typeof AssetsErrorWebhookSchema>;

/** `ASSETS` / `PRODUCT_READY`: the Asset Report is generated and `/asset_report/get` can be called. */
export const AssetsProductReadyWebhookSchema = z.looseObject({
  webhook_type: z.literal('ASSETS'),
  webhook_code: z.literal('PRODUCT_READY'),
  asset_report_id: z.string(),
  user_id: z.string().optional(),
  report_type: openEnum(['FULL', 'FAST']).optional(),
  environment: WebhookEnvironmentSchema,
});
export type AssetsProductReadyWebhook = z.infer<typeof AssetsProductReadyWebhookSchema>;
