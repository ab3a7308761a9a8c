import * as z from 'zod';
import { argyleWebhook } from '../common.js';

export const VerificationsUpdatedWebhookSchema = argyleWebhook(
  'verifications.updated',
  z.looseObject({
    user: z.string(),
    verification: z.string(),
    client: z.string(),
    // The verification object, sent only when the subscription sets `config.include_resource`.
    resource: z.looseObject({}).optional(),
  }),
);
export type VerificationsUpdatedWebhook = z.infer<typeof VerificationsUpdatedWebhookSchema>;

/** What was being requested when a verification could not be created. */
export const VerificationCreationContextSchema = z.looseObject({
  user: z.string().optional(),
  attempted_at: z.string().optional(),
  channel: z.string().nullish(),
  data_source: z.string().nullish(),
  report_type: z.string().nullish(),
  loan: z
    .looseObject({
      number: z.string().nullish(),
      borrower_id: z.string().nullish(),
      application_id: z.string().nullish(),
      officer_email: z.string().nullish(),
    })
    .nullish(),
  billing: z.looseObject({ cost_center: z.string().nullish() }).nullish(),
});
export type VerificationCreationContext = z.infer<typeof VerificationCreationContextSchema>;

export const VerificationsCreationFailedWebhookSchema = argyleWebhook(
  'verifications.creation_failed',
  z.looseObject({
    user: z.string(),
    client: z.string().optional(),
    context: VerificationCreationContextSchema,
  }),
);
export type VerificationsCreationFailedWebhook = z.infer<typeof VerificationsCreationFailedWebhookSchema>;

export const VerificationsConnectionAddedWebhookSchema = argyleWebhook(
  'verifications.connection_added',
  z.looseObject({
    user: z.string(),
    verification: z.string(),
    connection: z.looseObject({
      id: z.string(),
      data_source: z.string(),
      connected_at: z.string(),
    }),
  }),
);
export type VerificationsConnectionAddedWebhook = z.infer<typeof VerificationsConnectionAddedWebhookSchema>;
