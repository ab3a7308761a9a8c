import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** Status of a wallet transaction (`WalletTransactionStatus`). */
export const WalletTransactionStatusSchema = openEnum([
  'AUTHORISING',
  'INITIATED',
  'EXECUTED',
  'SETTLED',
  'BLOCKED',
  'FAILED',
]);
export type WalletTransactionStatus = z.infer<typeof WalletTransactionStatusSchema>;

/** `WALLET` / `WALLET_TRANSACTION_STATUS_UPDATE`: a wallet transaction's status changed. */
export const WalletTransactionStatusUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('WALLET'),
  webhook_code: z.literal('WALLET_TRANSACTION_STATUS_UPDATE'),
  transaction_id: z.string(),
  payment_id: z.string().nullable().optional(),
  wallet_id: z.string().optional(),
  new_status: WalletTransactionStatusSchema,
  old_status: WalletTransactionStatusSchema,
  timestamp: z.string(),
  failure_reason: openEnum([
    'EXTERNAL_SYSTEM',
    'EXPIRED',
    'CANCELLED',
    'INVALID',
    'ACCOUNT_INVALID',
    'AUTHENTICATION_FAILED',
    'UNKNOWN',
  ])
    .nullable()
    .optional(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type WalletTransactionStatusUpdateWebhook = z.infer<typeof WalletTransactionStatusUpdateWebhookSchema>;
