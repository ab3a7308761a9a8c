import { ProviderName } from '@webhook-pipeline/events/sources';
import { VerificationUnavailableError } from '../../shared/errors.js';
import { lazyClassifier } from '../lazy-classifier.js';
import type { WebhookProvider } from '../provider.js';
import { ARGYLE_SIGNATURE_HEADER, verifyArgyleSignature } from './verify-signature.js';

/** Collaborators of the Argyle provider. */
export interface ArgyleProviderDeps {
  /** The active subscription secrets (several during a rotation or with several subscriptions). */
  readonly secrets: () => Promise<readonly string[]>;
}

/**
 * The Argyle provider: HMAC-SHA512 `X-Argyle-Signature` and the Argyle catalogue (loaded on the
 * first verification; see lazy-classifier.ts).
 */
export const createArgyleProvider = (deps: ArgyleProviderDeps): WebhookProvider => {
  const catalogue = lazyClassifier(async () => (await import('./classify.js')).classifyArgyleWebhook);
  return {
    name: ProviderName.Argyle,
    async verify(request) {
      // No await (and no extra tick) once loaded.
      const loading = catalogue.ready();
      if (loading) await loading;
      const secrets = await deps.secrets();
      // Our misconfiguration, not the sender's fault: 503 keeps Argyle retrying until a secret is set.
      if (secrets.length === 0)
        throw new VerificationUnavailableError('no Argyle webhook secret is configured');
      verifyArgyleSignature(request.body, request.headers[ARGYLE_SIGNATURE_HEADER], secrets);
    },
    classify: catalogue.classify,
  };
};
