import * as z from 'zod';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

// The spec spells the count `cancelled_investments_transactions`, but delivered payloads have been seen
// spelling it `canceled_investments_transactions`. Both are accepted; at least one must be present.
const investmentsTransactionsFields = {
  item_id: z.string(),
  user_id: z.string().optional(),
  error: PlaidErrorSchema.nullable().optional(),
  new_investments_transactions: z.number(),
  cancelled_investments_transactions: z.number().optional(),
  canceled_investments_transactions: z.number().optional(),
  environment: WebhookEnvironmentSchema,
};

const hasCancelledCount = (payload: {
  readonly cancelled_investments_transactions?: number | undefined;
  readonly canceled_investments_transactions?: number | undefined;
}): boolean =>
  payload.cancelled_investments_transactions !== undefined ||
  payload.canceled_investments_transactions !== undefined;

const CANCELLED_COUNT_REQUIRED = {
  message: 'cancelled_investments_transactions (or canceled_investments_transactions) is required',
  path: ['cancelled_investments_transactions'],
};

/** `INVESTMENTS_TRANSACTIONS` / `DEFAULT_UPDATE`: new transactions were detected on an investment account. */
export const InvestmentsDefaultUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('INVESTMENTS_TRANSACTIONS'),
    webhook_code: z.literal('DEFAULT_UPDATE'),
    ...investmentsTransactionsFields,
  })
  .refine(hasCancelledCount, CANCELLED_COUNT_REQUIRED);
export type InvestmentsDefaultUpdateWebhook = z.infer<typeof InvestmentsDefaultUpdateWebhookSchema>;

/** `INVESTMENTS_TRANSACTIONS` / `HISTORICAL_UPDATE`: an asynchronous extraction on an investments account finished. */
export const InvestmentsHistoricalUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('INVESTMENTS_TRANSACTIONS'),
    webhook_code: z.literal('HISTORICAL_UPDATE'),
    ...investmentsTransactionsFields,
  })
  .refine(hasCancelledCount, CANCELLED_COUNT_REQUIRED);
export type InvestmentsHistoricalUpdateWebhook = z.infer<typeof InvestmentsHistoricalUpdateWebhookSchema>;
