import * as z from 'zod';
import { AccountUserDataSchema, argyleWebhook } from '../common.js';

const DepositDestinationDataSchema = AccountUserDataSchema.extend({ deposit_destination: z.string() });

export const DepositDestinationsAddedWebhookSchema = argyleWebhook(
  'deposit_destinations.added',
  DepositDestinationDataSchema,
);
export type DepositDestinationsAddedWebhook = z.infer<typeof DepositDestinationsAddedWebhookSchema>;

export const DepositDestinationsUpdatedWebhookSchema = argyleWebhook(
  'deposit_destinations.updated',
  DepositDestinationDataSchema,
);
export type DepositDestinationsUpdatedWebhook = z.infer<typeof DepositDestinationsUpdatedWebhookSchema>;

export const DepositDestinationsRemovedWebhookSchema = argyleWebhook(
  'deposit_destinations.removed',
  DepositDestinationDataSchema,
);
export type DepositDestinationsRemovedWebhook = z.infer<typeof DepositDestinationsRemovedWebhookSchema>;
