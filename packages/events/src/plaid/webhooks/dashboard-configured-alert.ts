import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/** `DASHBOARD_CONFIGURED_ALERT` / `INSTITUTION_STATUS_ALERT_TRIGGERED`: an institution status alert condition was met. */
export const InstitutionStatusAlertWebhookSchema = z.looseObject({
  webhook_type: z.literal('DASHBOARD_CONFIGURED_ALERT'),
  webhook_code: z.literal('INSTITUTION_STATUS_ALERT_TRIGGERED'),
  institution_id: z.string(),
  institution_overall_success_rate: z.number(),
  environment: WebhookEnvironmentSchema,
});
export type InstitutionStatusAlertWebhook = z.infer<typeof InstitutionStatusAlertWebhookSchema>;
