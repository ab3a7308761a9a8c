import * as z from 'zod';
import { argyleWebhook, SyncWindowDataSchema } from '../common.js';

export const GigsAddedWebhookSchema = argyleWebhook(
  'gigs.added',
  SyncWindowDataSchema.extend({
    added_count: z.number(),
    added_from: z.string(),
    added_to: z.string(),
  }),
);
export type GigsAddedWebhook = z.infer<typeof GigsAddedWebhookSchema>;

export const GigsUpdatedWebhookSchema = argyleWebhook(
  'gigs.updated',
  SyncWindowDataSchema.extend({
    updated_count: z.number(),
    updated_gigs: z.array(z.string()),
    updated_from: z.string(),
    updated_to: z.string(),
  }),
);
export type GigsUpdatedWebhook = z.infer<typeof GigsUpdatedWebhookSchema>;

export const GigsRemovedWebhookSchema = argyleWebhook(
  'gigs.removed',
  SyncWindowDataSchema.extend({
    removed_count: z.number(),
    removed_gigs: z.array(z.string()),
    removed_from: z.string(),
    removed_to: z.string(),
  }),
);
export type GigsRemovedWebhook = z.infer<typeof GigsRemovedWebhookSchema>;

export const GigsPartiallySyncedWebhookSchema = argyleWebhook(
  'gigs.partially_synced',
  SyncWindowDataSchema.extend({
    days_synced: z.number(),
    // Not in the docs, but present on real deliveries.
    item_id: z.string().optional(),
  }),
);
export type GigsPartiallySyncedWebhook = z.infer<typeof GigsPartiallySyncedWebhookSchema>;

export const GigsFullySyncedWebhookSchema = argyleWebhook('gigs.fully_synced', SyncWindowDataSchema);
export type GigsFullySyncedWebhook = z.infer<typeof GigsFullySyncedWebhookSchema>;
