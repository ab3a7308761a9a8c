import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/** `IDENTITY_VERIFICATION` / `RETRIED`: an identity verification was retried. */
export const IdentityVerificationRetriedWebhookSchema = z.looseObject({
  webhook_type: z.literal('IDENTITY_VERIFICATION'),
  webhook_code: z.literal('RETRIED'),
  identity_verification_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IdentityVerificationRetriedWebhook = z.infer<typeof IdentityVerificationRetriedWebhookSchema>;

/** `IDENTITY_VERIFICATION` / `STATUS_UPDATED`: an identity verification's status changed. */
export const IdentityVerificationStatusUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('IDENTITY_VERIFICATION'),
  webhook_code: z.literal('STATUS_UPDATED'),
  identity_verification_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IdentityVerificationStatusUpdatedWebhook = z.infer<
  typeof IdentityVerificationStatusUpdatedWebhookSchema
>;

/** `IDENTITY_VERIFICATION` / `STEP_UPDATED`: the user completed a step of Identity Verification. */
export const IdentityVerificationStepUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('IDENTITY_VERIFICATION'),
  webhook_code: z.literal('STEP_UPDATED'),
  identity_verification_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type IdentityVerificationStepUpdatedWebhook = z.infer<
  typeof IdentityVerificationStepUpdatedWebhookSchema
>;
