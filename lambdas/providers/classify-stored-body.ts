import type { ProviderName } from '@webhook-pipeline/events/sources';
import { unpublishableIssue, withoutBom } from '../shared/json-depth.js';
import { CLASSIFIERS } from './classifiers.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from './provider.js';

const invalid = (issue: string, detailType = UNRECOGNISED_DETAIL_TYPE): Classification => ({
  kind: 'invalid',
  detailType,
  issues: [issue],
});

/**
 * Places a body that was verified at ingest in the catalogue, with every check ingest makes before
 * it queues a body: JSON, an object, nesting and int64 (which `PutEvents` refuses), then the
 * provider's schema. The router (for messages it must classify itself) and `requeue` (before it sends
 * a quarantined record back) use it, so neither publishes a body ingest would have quarantined.
 * `fallbackDetailType` names what cannot be placed (the stored record's detail-type, say).
 */
export const classifyStoredBody = (
  provider: ProviderName,
  rawBody: string,
  fallbackDetailType = UNRECOGNISED_DETAIL_TYPE,
): Classification => {
  const text = withoutBom(rawBody);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return invalid('(root): the stored body is not JSON', fallbackDetailType);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return invalid('(root): expected an object', fallbackDetailType);
  const unpublishable = unpublishableIssue(text);
  if (unpublishable) return invalid(unpublishable, fallbackDetailType);
  return CLASSIFIERS[provider](payload as Record<string, unknown>);
};
