import { ProviderName } from '@webhook-pipeline/events/sources';
import { lazyClassifier } from '../lazy-classifier.js';
import type { WebhookProvider } from '../provider.js';
import type { PlaidKeyCache } from './verification-key-client.js';

/** Collaborators of the Plaid provider. */
export interface PlaidProviderDeps {
  readonly keys: PlaidKeyCache;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly maxTokenAgeSeconds?: number;
  readonly skewSeconds?: number;
}

/**
 * The Plaid provider: ES256 `Plaid-Verification` JWTs and the Plaid catalogue, both loaded on the
 * first verification (see lazy-classifier.ts).
 */
export const createPlaidProvider = (deps: PlaidProviderDeps): WebhookProvider => {
  const catalogue = lazyClassifier(async () => (await import('./classify.js')).classifyPlaidWebhook);
  // The verifier (fast-jwt and its dependencies) is loaded on first use too, like the catalogue.
  let verifier: typeof import('./verify-signature.js') | undefined;
  return {
    name: ProviderName.Plaid,
    async verify(request) {
      // No await (and no extra tick) once loaded.
      const loading = catalogue.ready();
      if (loading) await loading;
      verifier ??= await import('./verify-signature.js');
      await verifier.verifyPlaidSignature(request, {
        keys: deps.keys,
        now: deps.now,
        ...(deps.maxTokenAgeSeconds === undefined ? {} : { maxAgeSeconds: deps.maxTokenAgeSeconds }),
        ...(deps.skewSeconds === undefined ? {} : { skewSeconds: deps.skewSeconds }),
      });
    },
    classify: catalogue.classify,
  };
};
