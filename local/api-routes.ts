import { isProviderName, type ProviderName } from '@webhook-pipeline/events/sources';

/**
 * What API Gateway's HTTP API answers for a request no route matches, another method on a route's
 * path included: 404 with this body, without invoking the function. The stack has one route per
 * provider, `POST /webhooks/plaid` and `POST /webhooks/argyle` (lib/constructs/webhook-api.ts).
 */
export const API_GATEWAY_NOT_FOUND = { status: 404, body: { message: 'Not Found' } } as const;

/** The provider of a request that one of the stack's routes matches, or `undefined` (answer 404). */
export const matchIngestRoute = (method: string | undefined, path: string): ProviderName | undefined => {
  if (method !== 'POST') return undefined;
  const match = /^\/webhooks\/([^/]+)\/?$/.exec(path);
  const provider = match?.[1];
  return provider !== undefined && isProviderName(provider) ? provider : undefined;
};
