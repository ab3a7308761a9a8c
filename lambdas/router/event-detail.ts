import type { EventMetadata } from '../events/envelope.js';

/** The body without a leading byte order mark, which is not part of the JSON. */
export const withoutBom = (rawBody: string): string =>
  rawBody.charCodeAt(0) === 0xfeff ? rawBody.slice(1) : rawBody;

/**
 * The event `detail` with the provider's payload spliced in as received, never re-serialised:
 * integers above 2^53, escapes, key order and every other byte of the data survive. The caller has
 * checked that the body is a JSON object.
 */
export const buildEventDetail = (metadata: EventMetadata, rawBody: string): string =>
  `{"metadata":${JSON.stringify(metadata)},"data":${withoutBom(rawBody)}}`;
