import type { CatalogEntry } from '../catalog-entry.js';
import { classifyAgainst, summariseIssues } from '../classify.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from '../provider.js';
import { PLAID_CATALOG, PlaidEnvelopeSchema, plaidDetailType } from './catalog.js';

// Plaid types and codes are upper snake case; anything else cannot become a sane detail-type.
const NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

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
