import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/**
 * `BANK_TRANSFERS` / `BANK_TRANSFERS_EVENTS_UPDATE`: new events are ready at `/bank_transfer/event/sync`.
 * `BankTransfersEventsUpdateWebhook` and `BankTransfersEventsUpdateWebhookForAuth` share this shape.
 */
export const BankTransfersEventsUpdateWebhookSchema = z.looseObject({
  webhook_type: z.literal('BANK_TRANSFERS'),
  webhook_code: z.literal('BANK_TRANSFERS_EVENTS_UPDATE'),
  environment: WebhookEnvironmentSchema,
});
export type BankTransfersEventsUpdateWebhook = z.infer<typeof BankTransfersEventsUpdateWebhookSchema>;
