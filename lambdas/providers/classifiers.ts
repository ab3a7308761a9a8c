import type { ProviderName } from '@webhook-pipeline/events/sources';
import { classifyArgyleWebhook } from './argyle/classify.js';
import { classifyPlaidWebhook } from './plaid/classify.js';
import type { WebhookProvider } from './provider.js';

/**
 * Classification without verification, for code that handles bodies already verified at ingest
 * (the router, the operations CLI). Kept apart from the providers' registry so that the router's
 * bundle carries no signature verification (fast-jwt, HMAC) it never runs.
 */
export const CLASSIFIERS: Readonly<Record<ProviderName, WebhookProvider['classify']>> = {
  plaid: classifyPlaidWebhook,
  argyle: classifyArgyleWebhook,
};
