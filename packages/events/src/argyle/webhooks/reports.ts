import type { z } from 'zod';
import { ArgyleAnyDataSchema, argyleWebhook } from '../common.js';

// Argyle publishes no payload for the reports events, so any object is accepted as `data`.

export const ReportsReadyWebhookSchema = argyleWebhook('reports.ready', ArgyleAnyDataSchema);
export type ReportsReadyWebhook = z.infer<typeof ReportsReadyWebhookSchema>;

export const ReportsGeneratedWebhookSchema = argyleWebhook('reports.generated', ArgyleAnyDataSchema);
export type ReportsGeneratedWebhook = z.infer<typeof ReportsGeneratedWebhookSchema>;
