import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { AccountUserDataSchema, argyleWebhook, DepositSwitchErrorCodeSchema } from '../common.js';

/** Whether the switch was for a bank account or a card (only the bank account value is published). */
export const DepositSwitchTypeSchema = openEnum(['ach_deposit_account']);
export type DepositSwitchType = z.infer<typeof DepositSwitchTypeSchema>;

/** Whether the switch updated the deposit settings or removed a destination (only `update` is published). */
export const DepositSwitchFlowSchema = openEnum(['update']);
export type DepositSwitchFlow = z.infer<typeof DepositSwitchFlowSchema>;

export const DirectDepositSwitchesCompletedWebhookSchema = argyleWebhook(
  'direct_deposit_switches.completed',
  AccountUserDataSchema.extend({
    // Null when no existing deposit destination matches the update exactly; `details` then says why.
    deposit_destination: z.string().nullable(),
    direct_deposit_changed: z.boolean(),
    type: DepositSwitchTypeSchema,
    flow: DepositSwitchFlowSchema,
    // An enum whose values Argyle does not list.
    details: z.string().nullish(),
    resource: z.looseObject({}).optional(),
  }),
);
export type DirectDepositSwitchesCompletedWebhook = z.infer<
  typeof DirectDepositSwitchesCompletedWebhookSchema
>;

// The reference names this event without its fields; Argyle's example carries an error code and
// message, which are typed but optional.
export const DirectDepositSwitchesFailedWebhookSchema = argyleWebhook(
  'direct_deposit_switches.failed',
  AccountUserDataSchema.extend({
    error_code: DepositSwitchErrorCodeSchema.nullish(),
    error_message: z.string().nullish(),
    resource: z.looseObject({}).optional(),
  }),
);
export type DirectDepositSwitchesFailedWebhook = z.infer<typeof DirectDepositSwitchesFailedWebhookSchema>;
