import * as z from 'zod';
import { openEnum } from '../../open-enum.js';
import { PlaidErrorSchema, WebhookEnvironmentSchema } from '../common.js';

/** Status of a payment consent (`PaymentInitiationConsentStatus`). */
export const PaymentInitiationConsentStatusSchema = openEnum([
  'UNAUTHORISED',
  'AUTHORISED',
  'REVOKED',
  'REJECTED',
  'EXPIRED',
]);
export type PaymentInitiationConsentStatus = z.infer<typeof PaymentInitiationConsentStatusSchema>;

/** Status of a payment (`PaymentInitiationPaymentStatus`). */
export const PaymentInitiationPaymentStatusSchema = openEnum([
  'PAYMENT_STATUS_INPUT_NEEDED',
  'PAYMENT_STATUS_PROCESSING',
  'PAYMENT_STATUS_INITIATED',
  'PAYMENT_STATUS_COMPLETED',
  'PAYMENT_STATUS_INSUFFICIENT_FUNDS',
  'PAYMENT_STATUS_FAILED',
  'PAYMENT_STATUS_BLOCKED',
  'PAYMENT_STATUS_UNKNOWN',
  'PAYMENT_STATUS_EXECUTED',
  'PAYMENT_STATUS_SETTLED',
  'PAYMENT_STATUS_AUTHORISING',
  'PAYMENT_STATUS_CANCELLED',
  'PAYMENT_STATUS_ESTABLISHED',
  'PAYMENT_STATUS_REJECTED',
]);
export type PaymentInitiationPaymentStatus = z.infer<typeof PaymentInitiationPaymentStatusSchema>;

/** `PAYMENT_INITIATION` / `CONSENT_STATUS_UPDATE`: a payment consent's status changed. */
export const PaymentInitiationConsentStatusUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('PAYMENT_INITIATION'),
  webhook_code: z.literal('CONSENT_STATUS_UPDATE'),
  consent_id: z.string(),
  old_status: PaymentInitiationConsentStatusSchema,
  new_status: PaymentInitiationConsentStatusSchema,
  timestamp: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type PaymentInitiationConsentStatusUpdateWebhook = z.infer<
  typeof PaymentInitiationConsentStatusUpdateWebhookSchema
>;

/** `PAYMENT_INITIATION` / `PAYMENT_STATUS_UPDATE`: a payment's status changed. */
export const PaymentStatusUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('PAYMENT_INITIATION'),
  webhook_code: z.literal('PAYMENT_STATUS_UPDATE'),
  payment_id: z.string(),
  transaction_id: z.string().nullable().optional(),
  new_payment_status: PaymentInitiationPaymentStatusSchema,
  old_payment_status: PaymentInitiationPaymentStatusSchema,
  original_reference: z.string().nullable(),
  adjusted_reference: z.string().nullable().optional(),
  original_start_date: z.string().nullable(),
  adjusted_start_date: z.string().nullable(),
  timestamp: z.string(),
  error: PlaidErrorSchema.nullable().optional(),
  environment: WebhookEnvironmentSchema,
});
export type PaymentStatusUpdateWebhook = z.infer<typeof PaymentStatusUpdateWebhookSchema>;
