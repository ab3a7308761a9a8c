import * as z from 'zod';
import { argyleWebhook, SyncWindowDataSchema } from '../common.js';

// Argyle publishes no payloads for shifts. The fields below follow the gigs events by analogy and are
// all optional, so any object is accepted as `data`.

export const ShiftsAddedWebhookSchema = argyleWebhook(
  'shifts.added',
  SyncWindowDataSchema.extend({
    added_count: z.number(),
    added_from: z.string(),
    added_to: z.string(),
  }).partial(),
);
export type ShiftsAddedWebhook = z.infer<typeof ShiftsAddedWebhookSchema>;

export const ShiftsUpdatedWebhookSchema = argyleWebhook(
  'shifts.updated',
  SyncWindowDataSchema.extend({
    updated_count: z.number(),
    updated_shifts: z.array(z.string()),
    updated_from: z.string(),
    updated_to: z.string(),
  }).partial(),
);
export type ShiftsUpdatedWebhook = z.infer<typeof ShiftsUpdatedWebhookSchema>;

export const ShiftsRemovedWebhookSchema = argyleWebhook(
  'shifts.removed',
  SyncWindowDataSchema.extend({
    removed_count: z.number(),
    removed_shifts: z.array(z.string()),
    removed_from: z.string(),
    removed_to: z.string(),
  }).partial(),
);
export type ShiftsRemovedWebhook = z.infer<typeof ShiftsRemovedWebhookSchema>;

export const ShiftsPartiallySyncedWebhookSchema = argyleWebhook(
  'shifts.partially_synced',
  SyncWindowDataSchema.extend({ days_synced: z.number() }).partial(),
);
export type ShiftsPartiallySyncedWebhook = z.infer<typeof ShiftsPartiallySyncedWebhookSchema>;

export const ShiftsFullySyncedWebhookSchema = argyleWebhook(
  'shifts.fully_synced',
  SyncWindowDataSchema.partial(),
);
export type ShiftsFullySyncedWebhook = z.infer<typeof ShiftsFullySyncedWebhookSchema>;
