import type { CatalogEntry } from '@webhook-pipeline/events';
import { ARGYLE_CATALOG, ArgyleEnvelopeSchema } from '@webhook-pipeline/events/argyle';
import { classifyAgainst, summariseIssues } from '../classify.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from '../provider.js';

// Argyle event names are `resource.action` in lower snake case.
const EVENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

const CATALOG = ARGYLE_CATALOG as Readonly<Record<string, CatalogEntry>>;

/**
 * Places a parsed Argyle body in the catalogue by its `event`. A known event whose body passes its
 * schema is valid in one parse (its schema holds the envelope too); anything else takes the full
 * path, so every answer is the one {@link classifyArgyleWebhookFully} gives.
 */
export const classifyArgyleWebhook = (payload: Record<string, unknown>): Classification => {
  const event = payload.event;
  if (typeof event === 'string' && Object.hasOwn(CATALOG, event)) {
    if ((CATALOG[event] as CatalogEntry).schema.safeParse(payload).success)
      return { kind: 'valid', detailType: event };
  }
  return classifyArgyleWebhookFully(payload);
};

/** The envelope, then the event's name, then its schema: with the reason when something fails. */
export const classifyArgyleWebhookFully = (payload: Record<string, unknown>): Classification => {
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
  return classifyAgainst(CATALOG, event, payload);
};
