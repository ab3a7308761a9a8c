import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { WebhookEnvironmentSchema } from '../common.js';

/** `TRANSFER` / `PLATFORM_ONBOARDING_UPDATE`: an onboarding originator's status changed. */
export const TransferPlatformOnboardingUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('TRANSFER'),
  webhook_code: z.literal('PLATFORM_ONBOARDING_UPDATE'),
  originator_client_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type TransferPlatformOnboardingUpdateWebhook = z.infer<
  typeof TransferPlatformOnboardingUpdateWebhookSchema
>;

/** `TRANSFER` / `RECURRING_CANCELLED`: Plaid cancelled a recurring transfer. */
export const RecurringCancelledWebhookSchema = z.looseObject({
  webhook_type: z.literal('TRANSFER'),
  webhook_code: z.literal('RECURRING_CANCELLED'),
  recurring_transfer_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type RecurringCancelledWebhook = z.infer<typeof RecurringCancelledWebhookSchema>;

/** `TRANSFER` / `RECURRING_NEW_TRANSFER`: a transfer of a recurring transfer was originated. */
export const RecurringNewTransferWebhookSchema = z.looseObject({
  webhook_type: z.literal('TRANSFER'),
  webhook_code: z.literal('RECURRING_NEW_TRANSFER'),
  recurring_transfer_id: z.string(),
  transfer_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type RecurringNewTransferWebhook = z.infer<typeof RecurringNewTransferWebhookSchema>;

/** `TRANSFER` / `RECURRING_TRANSFER_SKIPPED`: a recurring transfer could not be originated on its planned date. */
export const RecurringTransferSkippedWebhookSchema = z.looseObject({
  webhook_type: z.literal('TRANSFER'),
  webhook_code: z.literal('RECURRING_TRANSFER_SKIPPED'),
  recurring_transfer_id: z.string(),
  authorization_decision: openEnum(['approved', 'declined', 'user_action_required']),
  authorization_decision_rationale_code: openEnum([
    'NSF',
    'RISK',
    'TRANSFER_LIMIT_REACHED',
    'MANUALLY_VERIFIED_ITEM',
    'ITEM_LOGIN_REQUIRED',
    'PAYMENT_PROFILE_LOGIN_REQUIRED',
    'ERROR',
    'MIGRATED_ACCOUNT_ITEM',
  ]).optional(),
  skipped_origination_date: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type RecurringTransferSkippedWebhook = z.infer<typeof RecurringTransferSkippedWebhookSchema>;

/** `TRANSFER` / `TRANSFER_EVENTS_UPDATE`: new transfer events are ready at `/transfer/event/sync`. */
export const TransferEventsUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('TRANSFER'),
  webhook_code: z.literal('TRANSFER_EVENTS_UPDATE'),
  environment: WebhookEnvironmentSchema,
});
export type TransferEventsUpdateWebhook = z.infer<typeof TransferEventsUpdateWebhookSchema>;
