import * as z from 'zod';
import { argyleWebhook, SyncWindowDataSchema } from '../common.js';

export const PaystubsAddedWebhookSchema = argyleWebhook(
  'paystubs.added',
  SyncWindowDataSchema.extend({
    added_count: z.number(),
    added_from: z.string(),
    added_to: z.string(),
  }),
);
export type PaystubsAddedWebhook = z.infer<typeof PaystubsAddedWebhookSchema>;

// The payload of this event is not confirmed; the fields are inferred from `gigs.updated`, so none is
// required and any object is accepted.
export const PaystubsUpdatedWebhookSchema = argyleWebhook(
  'paystubs.updated',
  SyncWindowDataSchema.extend({
    updated_count: z.number(),
    updated_paystubs: z.array(z.string()),
    updated_from: z.string(),
    updated_to: z.string(),
  }).partial(),
);
export type PaystubsUpdatedWebhook = z.infer<typeof PaystubsUpdatedWebhookSchema>;

export const PaystubsPartiallySyncedWebhookSchema = argyleWebhook(
  'paystubs.partially_synced',
  SyncWindowDataSchema.extend({ days_synced: z.number() }),
);
export type PaystubsPartiallySyncedWebhook = z.infer<typeof PaystubsPartiallySyncedWebhookSchema>;

export const PaystubsFullySyncedWebhookSchema = argyleWebhook('paystubs.fully_synced', SyncWindowDataSchema);
export type PaystubsFullySyncedWebhook = z.infer<typeof PaystubsFullySyncedWebhookSchema>;
