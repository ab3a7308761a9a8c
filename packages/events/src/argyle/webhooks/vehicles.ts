import * as z from 'zod';
import { AccountUserDataSchema, argyleWebhook } from '../common.js';

const VehicleDataSchema = AccountUserDataSchema.extend({ vehicle: z.string() });

export const VehiclesAddedWebhookSchema = argyleWebhook('vehicles.added', VehicleDataSchema);
export type VehiclesAddedWebhook = z.infer<typeof VehiclesAddedWebhookSchema>;

export const VehiclesUpdatedWebhookSchema = argyleWebhook('vehicles.updated', VehicleDataSchema);
export type VehiclesUpdatedWebhook = z.infer<typeof VehiclesUpdatedWebhookSchema>;

export const VehiclesRemovedWebhookSchema = argyleWebhook('vehicles.removed', VehicleDataSchema);
export type VehiclesRemovedWebhook = z.infer<typeof VehiclesRemovedWebhookSchema>;
