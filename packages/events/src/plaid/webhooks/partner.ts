import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { WebhookEnvironmentSchema } from '../common.js';

/** `PARTNER` / `END_CUSTOMER_OAUTH_STATUS_UPDATED`: a partner's end customer's OAuth registration status changed. */
export const PartnerEndCustomerOAuthStatusUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('PARTNER'),
  webhook_code: z.literal('END_CUSTOMER_OAUTH_STATUS_UPDATED'),
  end_customer_client_id: z.string(),
  environment: WebhookEnvironmentSchema,
  institution_id: z.string(),
  institution_name: z.string(),
  status: openEnum(['not-started', 'processing', 'approved', 'enabled', 'attention-required']),
});
export type PartnerEndCustomerOAuthStatusUpdatedWebhook = z.infer<
  typeof PartnerEndCustomerOAuthStatusUpdatedWebhookSchema
>;
