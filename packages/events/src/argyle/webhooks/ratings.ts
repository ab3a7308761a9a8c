import * as z from 'zod';
import { AccountUserDataSchema, argyleWebhook } from '../common.js';

const RatingDataSchema = AccountUserDataSchema.extend({ rating: z.string() });

export const RatingsAddedWebhookSchema = argyleWebhook('ratings.added', RatingDataSchema);
export type RatingsAddedWebhook = z.infer<typeof RatingsAddedWebhookSchema>;

export const RatingsUpdatedWebhookSchema = argyleWebhook('ratings.updated', RatingDataSchema);
export type RatingsUpdatedWebhook = z.infer<typeof RatingsUpdatedWebhookSchema>;
