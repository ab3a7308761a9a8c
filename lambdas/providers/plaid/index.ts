import type { CatalogEntry } from '../catalog-entry.js';
import { classifyAgainst, summariseIssues } from '../classify.js';
import {
  type Classification,
  ProviderName,
  UNRECOGNISED_DETAIL_TYPE,
  type WebhookProvider,
} from '../provider.js';
import { PLAID_CATALOG, PlaidEnvelopeSchema, plaidDetailType } from './catalog.js';
import type { PlaidKeyCache } from './verification-key-client.js';
import { verifyPlaidSignature } from './verify-signature.js';

// Plaid types and codes are upper snake case; anything else cannot become a sane detail-type.
const NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Collaborators of the Plaid provider. */
export interface PlaidProviderDeps {
  readonly keys: PlaidKeyCache;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly maxTokenAgeSeconds?: number;
  readonly skewSeconds?: number;
}

/** Places a parsed Plaid body in the catalogue by its (webhook_type, webhook_code) pair. */
export const classifyPlaidWebhook = (payload: Record<string, unknown>): Classification => {
  const envelope = PlaidEnvelopeSchema.safeParse(payload);
  if (!envelope.success) {
    return { kind: 'invalid', detailType: UNRECOGNISED_DETAIL_TYPE, issues: summariseIssues(envelope.error) };
  }
  const { webhook_type: type, webhook_code: code } = envelope.data;
  if (!NAME.test(type) || !NAME.test(code)) {
    return {
      kind: 'invalid',
      detailType: UNRECOGNISED_DETAIL_TYPE,
      issues: ['webhook_type, webhook_code: expected upper snake case names of at most 64 characters'],
    };
  }
  return classifyAgainst(
    PLAID_CATALOG as Readonly<Record<string, CatalogEntry>>,
    plaidDetailType(type, code),
    payload,
  );
};

/** The Plaid provider: ES256 `Plaid-Verification` JWTs and the Plaid catalogue. */
export const createPlaidProvider = (deps: PlaidProviderDeps): WebhookProvider => ({
  name: ProviderName.Plaid,
  verify: (request) =>
    verifyPlaidSignature(request, {
      keys: deps.keys,
      now: deps.now,
      ...(deps.maxTokenAgeSeconds === undefined ? {} : { maxAgeSeconds: deps.maxTokenAgeSeconds }),
      ...(deps.skewSeconds === undefined ? {} : { skewSeconds: deps.skewSeconds }),
    }),
  classify: classifyPlaidWebhook,
});
