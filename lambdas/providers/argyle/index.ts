import { VerificationUnavailableError } from '../../shared/errors.js';
import type { CatalogEntry } from '../catalog-entry.js';
import { classifyAgainst, summariseIssues } from '../classify.js';
import {
  type Classification,
  ProviderName,
  UNRECOGNISED_DETAIL_TYPE,
  type WebhookProvider,
} from '../provider.js';
import { ARGYLE_CATALOG } from './catalog.js';
import { ArgyleEnvelopeSchema } from './common.js';
import { ARGYLE_SIGNATURE_HEADER, verifyArgyleSignature } from './verify-signature.js';

// Argyle event names are `resource.action` in lower snake case.
const EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Collaborators of the Argyle provider. */
export interface ArgyleProviderDeps {
  /** The active subscription secrets (several during a rotation or with several subscriptions). */
  readonly secrets: () => Promise<readonly string[]>;
}

/** Places a parsed Argyle body in the catalogue by its `event`. */
export const classifyArgyleWebhook = (payload: Record<string, unknown>): Classification => {
  const envelope = ArgyleEnvelopeSchema.safeParse(payload);
  if (!envelope.success) {
    return { kind: 'invalid', detailType: UNRECOGNISED_DETAIL_TYPE, issues: summariseIssues(envelope.error) };
  }
  const { event } = envelope.data;
  if (event.length > 100 || !EVENT.test(event)) {
    return {
      kind: 'invalid',
      detailType: UNRECOGNISED_DETAIL_TYPE,
      issues: ['event: expected a name like "accounts.connected" of at most 100 characters'],
    };
  }
  return classifyAgainst(ARGYLE_CATALOG as Readonly<Record<string, CatalogEntry>>, event, payload);
};

/** The Argyle provider: HMAC-SHA512 `X-Argyle-Signature` and the Argyle catalogue. */
export const createArgyleProvider = (deps: ArgyleProviderDeps): WebhookProvider => ({
  name: ProviderName.Argyle,
  async verify(request) {
    const secrets = await deps.secrets();
    // Our misconfiguration, not the sender's fault: 503 keeps Argyle retrying until a secret is set.
    if (secrets.length === 0)
      throw new VerificationUnavailableError('no Argyle webhook secret is configured');
    verifyArgyleSignature(request.body, request.headers[ARGYLE_SIGNATURE_HEADER], secrets);
  },
  classify: classifyArgyleWebhook,
});
