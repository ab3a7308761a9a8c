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

/** Escapes what SQS refuses as `\uXXXX`, leaving every other character as it is. */
export const escapeForSqs = (json: string): string =>
  json.replace(REFUSED_BY_SQS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const serialise = (message: QueueMessage): string => escapeForSqs(JSON.stringify(message));

/** Builds the message, leaving the body out when it would not fit in one SQS message. */
export const buildQueueMessage = (
  fields: Omit<QueueMessage, 'version' | 'rawBody'>,
  rawBody?: string,
): string => {
  if (rawBody === undefined) return serialise({ version: 1, ...fields });
  const full = serialise({ version: 1, ...fields, rawBody });
  if (Buffer.byteLength(full) <= MAX_INLINE_MESSAGE_BYTES) return full;
  return serialise({ version: 1, ...fields });
};
