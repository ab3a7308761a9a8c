import type { CatalogEntry } from '@webhook-pipeline/events';
import { PLAID_CATALOG, PlaidEnvelopeSchema, plaidDetailType } from '@webhook-pipeline/events/plaid';
import { classifyAgainst, summariseIssues } from '../classify.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from '../provider.js';

// Plaid types and codes are upper snake case; anything else cannot become a sane detail-type.
const NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

const CATALOG = PLAID_CATALOG as Readonly<Record<string, CatalogEntry>>;

/**
 * Places a parsed Plaid body in the catalogue by its (webhook_type, webhook_code) pair. A known pair
 * whose body passes its schema is valid in one parse; anything else takes the full path, so every
 * answer is the one {@link classifyPlaidWebhookFully} gives.
 */
export const classifyPlaidWebhook = (payload: Record<string, unknown>): Classification => {
  const { webhook_type: type, webhook_code: code } = payload;
  if (typeof type === 'string' && typeof code === 'string' && NAME.test(type) && NAME.test(code)) {
    const detailType = plaidDetailType(type, code);
    const entry = Object.hasOwn(CATALOG, detailType) ? CATALOG[detailType] : undefined;
    if (entry?.schema.safeParse(payload).success) return { kind: 'valid', detailType };
  }
  return classifyPlaidWebhookFully(payload);
};

/** The envelope, then the pair's names, then its schema: with the reason when something fails. */
export const classifyPlaidWebhookFully = (payload: Record<string, unknown>): Classification => {
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
  return classifyAgainst(CATALOG, plaidDetailType(type, code), payload);
};
