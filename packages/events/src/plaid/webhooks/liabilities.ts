import * as z from 'zod';
import {
  LiabilitiesAccountIdsWithUpdatedLiabilitiesSchema,
  PlaidErrorSchema,
  WebhookEnvironmentSchema,
} from '../common.js';

/** `LIABILITIES` / `DEFAULT_UPDATE`: new or updated liabilities were detected on an Item. */
export const LiabilitiesDefaultUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('LIABILITIES'),
  webhook_code: z.literal('DEFAULT_UPDATE'),
  item_id: z.string(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  account_ids_with_new_liabilities: z.array(z.string()),
  account_ids_with_updated_liabilities: LiabilitiesAccountIdsWithUpdatedLiabilitiesSchema,
  environment: WebhookEnvironmentSchema,
});
export type LiabilitiesDefaultUpdateWebhook = z.infer<typeof LiabilitiesDefaultUpdateWebhookSchema>;
