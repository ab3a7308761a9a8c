import type { CatalogEntry } from '../catalog-entry.js';
import { classifyAgainst, summariseIssues } from '../classify.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from '../provider.js';
import { ARGYLE_CATALOG } from './catalog.js';
import { ArgyleEnvelopeSchema } from './common.js';

// Argyle event names are `resource.action` in lower snake case.
const EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

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
