import * as z from 'zod';
import {
  hasItemOrAccountId,
  ITEM_OR_ACCOUNT_ID_REQUIRED,
  PlaidErrorOrMessageSchema,
  PlaidErrorSchema,
  WebhookEnvironmentSchema,
} from '../common.js';

// Each TRANSACTIONS code has a second spec schema (`Processor*`) sent to processor partners, keyed by
// `account_id` instead of `item_id`. One schema per code accepts both: both ids are optional and a
// refinement requires at least one.
const itemOrAccountIds = {
  item_id: z.string().optional(),
  account_id: z.string().optional(),
};

/** `TRANSACTIONS` / `DEFAULT_UPDATE`: new transaction data is available for an Item (or a processor account). */
export const DefaultUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('DEFAULT_UPDATE'),
    ...itemOrAccountIds,
    error: PlaidErrorSchema.nullable().optional(),
    new_transactions: z.number(),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED);
export type DefaultUpdateWebhook = z.infer<typeof DefaultUpdateWebhookSchema>;

/** `TRANSACTIONS` / `HISTORICAL_UPDATE`: the historical transaction pull of an Item (or processor account) is done. */
export const HistoricalUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('HISTORICAL_UPDATE'),
    ...itemOrAccountIds,
    error: PlaidErrorSchema.nullable().optional(),
    new_transactions: z.number(),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED);
export type HistoricalUpdateWebhook = z.infer<typeof HistoricalUpdateWebhookSchema>;

/**
 * `TRANSACTIONS` / `INITIAL_UPDATE`: the initial 30-day transaction pull is done.
 * The spec types `error` as a string here; a `PlaidError` object is accepted too, as on the sibling codes.
 */
export const InitialUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('INITIAL_UPDATE'),
    ...itemOrAccountIds,
    error: PlaidErrorOrMessageSchema.nullable().optional(),
    new_transactions: z.number(),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED);
export type InitialUpdateWebhook = z.infer<typeof InitialUpdateWebhookSchema>;

/**
 * `TRANSACTIONS` / `RECURRING_TRANSACTIONS_UPDATE`: recurring transaction streams changed.
 * The Item variant lists `account_ids`; the processor variant has only `account_id`.
 */
export const RecurringTransactionsUpdateWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('RECURRING_TRANSACTIONS_UPDATE'),
    ...itemOrAccountIds,
    account_ids: z.array(z.string()).optional(),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED)
  .refine((payload) => payload.item_id === undefined || payload.account_ids !== undefined, {
    message: 'account_ids is required with item_id',
    path: ['account_ids'],
  });
export type RecurringTransactionsUpdateWebhook = z.infer<typeof RecurringTransactionsUpdateWebhookSchema>;

/** `TRANSACTIONS` / `SYNC_UPDATES_AVAILABLE`: an Item's (or processor account's) transactions changed; call `/transactions/sync`. */
export const SyncUpdatesAvailableWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('SYNC_UPDATES_AVAILABLE'),
    ...itemOrAccountIds,
    user_id: z.string().optional(),
    initial_update_complete: z.boolean(),
    historical_update_complete: z.boolean(),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED);
export type SyncUpdatesAvailableWebhook = z.infer<typeof SyncUpdatesAvailableWebhookSchema>;

/** `TRANSACTIONS` / `TRANSACTIONS_REMOVED`: transactions of an Item (or processor account) were deleted. */
export const TransactionsRemovedWebhookSchema = z
  .looseObject({
    webhook_type: z.literal('TRANSACTIONS'),
    webhook_code: z.literal('TRANSACTIONS_REMOVED'),
    ...itemOrAccountIds,
    error: PlaidErrorSchema.nullable().optional(),
    removed_transactions: z.array(z.string()),
    environment: WebhookEnvironmentSchema,
  })
  .refine(hasItemOrAccountId, ITEM_OR_ACCOUNT_ID_REQUIRED);
export type TransactionsRemovedWebhook = z.infer<typeof TransactionsRemovedWebhookSchema>;
