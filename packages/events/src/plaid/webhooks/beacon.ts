import * as z from 'zod';
import { WebhookEnvironmentSchema } from '../common.js';

/** `BEACON` / `DUPLICATE_DETECTED`: a new Beacon User matches an existing one. */
export const BeaconDuplicateDetectedWebhookSchema = z.looseObject({
  webhook_type: z.literal('BEACON'),
  webhook_code: z.literal('DUPLICATE_DETECTED'),
  beacon_duplicate_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BeaconDuplicateDetectedWebhook = z.infer<typeof BeaconDuplicateDetectedWebhookSchema>;

/** `BEACON` / `REPORT_CREATED`: one of your Beacon Users was first reported to the network. */
export const BeaconReportCreatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('BEACON'),
  webhook_code: z.literal('REPORT_CREATED'),
  beacon_report_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BeaconReportCreatedWebhook = z.infer<typeof BeaconReportCreatedWebhookSchema>;

/** `BEACON` / `REPORT_SYNDICATION_CREATED`: a network report matches one of your Beacon Users. */
export const BeaconReportSyndicationCreatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('BEACON'),
  webhook_code: z.literal('REPORT_SYNDICATION_CREATED'),
  beacon_report_syndication_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BeaconReportSyndicationCreatedWebhook = z.infer<
  typeof BeaconReportSyndicationCreatedWebhookSchema
>;

/** `BEACON` / `REPORT_UPDATED`: one of your Beacon Reports was modified or removed. */
export const BeaconReportUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('BEACON'),
  webhook_code: z.literal('REPORT_UPDATED'),
  beacon_report_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BeaconReportUpdatedWebhook = z.infer<typeof BeaconReportUpdatedWebhookSchema>;

/** `BEACON` / `USER_STATUS_UPDATED`: a Beacon User's status changed. */
export const BeaconUserStatusUpdatedWebhookSchema = z.looseObject({
  webhook_type: z.literal('BEACON'),
  webhook_code: z.literal('USER_STATUS_UPDATED'),
  beacon_user_id: z.string(),
  environment: WebhookEnvironmentSchema,
});
export type BeaconUserStatusUpdatedWebhook = z.infer<typeof BeaconUserStatusUpdatedWebhookSchema>;
