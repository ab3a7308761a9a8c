import { CATALOGUE_VERSION } from '../providers/catalogue-version.js';
import { classifyStoredBody } from '../providers/classify-stored-body.js';
import type { QueueMessage } from '../shared/queue-message-schema.js';

/** Where a body goes: its detail-type, and the issues when it may not be published. */
export interface Placement {
  readonly detailType: string;
  readonly issues?: readonly string[];
}

/**
 * Places a body in the catalogue. Ingest's classification, carried in its message, is taken as it
 * is when it was made by this very classification code (the same catalogue version): the answer
 * would be the same, and the body was parsed and checked at ingest. Every other message (from an
 * ingest of another version, or sent by `requeue` or `replay`, which carry none) has its body
 * checked and classified here as ingest would ({@link classifyStoredBody}), so a body that no
 * longer passes its schema, or that `PutEvents` would refuse, is quarantined instead of failing on
 * every receive.
 */
export const placeBody = (message: QueueMessage, rawBody: string): Placement => {
  if (message.detailType !== undefined && message.catalogue === CATALOGUE_VERSION)
    return { detailType: message.detailType };
  const classification = classifyStoredBody(message.provider, rawBody);
  return classification.kind === 'invalid'
    ? { detailType: classification.detailType, issues: classification.issues }
    : { detailType: classification.detailType };
};
