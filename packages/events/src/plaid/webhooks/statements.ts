import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { WebhookEnvironmentSchema } from '../common.js';

/** `STATEMENTS` / `STATEMENTS_REFRESH_COMPLETE`: a `/statements/refresh` extraction completed or failed. */
export const StatementsRefreshCompleteWebhookSchema = z.looseObject({
  webhook_type: z.literal('STATEMENTS'),
  webhook_code: z.literal('STATEMENTS_REFRESH_COMPLETE'),
  item_id: z.string(),
  result: openEnum(['SUCCESS', 'FAILURE']),
  environment: WebhookEnvironmentSchema,
});
export type StatementsRefreshCompleteWebhook = z.infer<typeof StatementsRefreshCompleteWebhookSchema>;
