import * as z from 'zod';
import { AccountUserDataSchema, argyleWebhook } from '../common.js';

const IdentityDataSchema = AccountUserDataSchema.extend({ identity: z.string() });

export const IdentitiesAddedWebhookSchema = argyleWebhook('identities.added', IdentityDataSchema);
export type IdentitiesAddedWebhook = z.infer<typeof IdentitiesAddedWebhookSchema>;

export const IdentitiesUpdatedWebhookSchema = argyleWebhook('identities.updated', IdentityDataSchema);
export type IdentitiesUpdatedWebhook = z.infer<typeof IdentitiesUpdatedWebhookSchema>;
