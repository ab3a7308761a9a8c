import type { EventMetadata } from '@webhook-pipeline/events/envelope';
import { withoutBom } from '../shared/json-depth.js';

/**
 * The event `detail` with the provider's payload spliced in as received, never re-serialised:
 * integers above 2^53, escapes, key order and every other byte of the data survive. The caller has
 * checked that the body is a JSON object.
 */
export const buildEventDetail = (metadata: EventMetadata, rawBody: string): string =>
  `{"metadata":${JSON.stringify(metadata)},"data":${withoutBom(rawBody)}}`;
