import type { z } from 'zod';
import { ArgyleAnyDataSchema, argyleWebhook } from '../common.js';

// Argyle publishes no payload for the user forms events, so any object is accepted as `data`.

export const UserFormsRemovedWebhookSchema = argyleWebhook('user_forms.removed', ArgyleAnyDataSchema);
export type UserFormsRemovedWebhook = z.infer<typeof UserFormsRemovedWebhookSchema>;

export const UserFormsSubmittedWebhookSchema = argyleWebhook('user_forms.submitted', ArgyleAnyDataSchema);
export type UserFormsSubmittedWebhook = z.infer<typeof UserFormsSubmittedWebhookSchema>;
