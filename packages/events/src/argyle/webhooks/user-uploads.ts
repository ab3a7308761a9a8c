import type { z } from 'zod';
import { ArgyleAnyDataSchema, argyleWebhook } from '../common.js';

// Argyle publishes no payload for the user uploads events, so any object is accepted as `data`.

export const UserUploadsAddedWebhookSchema = argyleWebhook('user_uploads.added', ArgyleAnyDataSchema);
export type UserUploadsAddedWebhook = z.infer<typeof UserUploadsAddedWebhookSchema>;

export const UserUploadsRemovedWebhookSchema = argyleWebhook('user_uploads.removed', ArgyleAnyDataSchema);
export type UserUploadsRemovedWebhook = z.infer<typeof UserUploadsRemovedWebhookSchema>;

export const UserUploadsOcrCompletedWebhookSchema = argyleWebhook(
  'user_uploads.ocr_completed',
  ArgyleAnyDataSchema,
);
export type UserUploadsOcrCompletedWebhook = z.infer<typeof UserUploadsOcrCompletedWebhookSchema>;

export const UserUploadsOcrFailedWebhookSchema = argyleWebhook(
  'user_uploads.ocr_failed',
  ArgyleAnyDataSchema,
);
export type UserUploadsOcrFailedWebhook = z.infer<typeof UserUploadsOcrFailedWebhookSchema>;

export const UserUploadsOcrAuthenticityWebhookSchema = argyleWebhook(
  'user_uploads.ocr_authenticity',
  ArgyleAnyDataSchema,
);
export type UserUploadsOcrAuthenticityWebhook = z.infer<typeof UserUploadsOcrAuthenticityWebhookSchema>;
