import type { QueueMessage } from './queue-message-schema.js';

// The message's schema is in queue-message-schema.ts: ingest builds messages without loading zod.
export type { QueueMessage } from './queue-message-schema.js';

/** SQS refuses messages over 256 KiB (its classic limit, still the default for existing queues). */
export const MAX_INLINE_MESSAGE_BYTES = 256 * 1024;

/**
 * SQS accepts only #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF in a
 * message body. `JSON.stringify` already escapes the controls and lone surrogates; U+FFFE and
 * U+FFFF it leaves raw, so they are written as JSON escapes here (the parsed message is the same).
 */
const REFUSED_BY_SQS =
  /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Any surrogate or U+FFFE/U+FFFF: a cheap test that spares most messages the full pattern. */
const MAYBE_REFUSED = /[\ud800-\udfff\ufffe\uffff]/;

/** Escapes what SQS refuses as `\uXXXX`, leaving every other character as it is. */
export const escapeForSqs = (json: string): string =>
  MAYBE_REFUSED.test(json)
    ? json.replace(REFUSED_BY_SQS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;

const serialise = (message: QueueMessage): string => escapeForSqs(JSON.stringify(message));

/**
 * Builds the message, leaving the body out when it would not fit in one SQS message. A
 * `detailType` (ingest's classification) goes with the `catalogue` version of the code that gave it.
 */
export const buildQueueMessage = (
  fields: Omit<QueueMessage, 'version' | 'rawBody'>,
  rawBody?: string,
): string => {
  const message: QueueMessage = { version: 1, ...fields };
  if (rawBody === undefined) return serialise(message);
  const full = serialise({ ...message, rawBody });
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short messages need no byte count.
  if (full.length * 3 <= MAX_INLINE_MESSAGE_BYTES || Buffer.byteLength(full) <= MAX_INLINE_MESSAGE_BYTES)
    return full;
  return serialise(message);
};
