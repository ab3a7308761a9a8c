import * as z from 'zod';
import { argyleWebhook } from '../common.js';

/**
 * The user summary sent with `users.fully_synced`. Its fields differ between versions of Argyle's
 * docs (some show `user` instead of `id`, or no `accounts_connected`), so each one is optional.
 */
export const UserResourceSchema = z.looseObject({
  id: z.string().optional(),
  accounts_connected: z.array(z.string()).optional(),
  items_connected: z.array(z.string()).optional(),
  employers_connected: z.array(z.string()).optional(),
  external_metadata: z.record(z.string(), z.unknown()).nullish(),
  external_id: z.string().nullish(),
  created_at: z.string().optional(),
});
export type UserResource = z.infer<typeof UserResourceSchema>;

export const UsersFullySyncedWebhookSchema = argyleWebhook(
  'users.fully_synced',
  z.looseObject({ user: z.string(), resource: UserResourceSchema }),
);
export type UsersFullySyncedWebhook = z.infer<typeof UsersFullySyncedWebhookSchema>;
