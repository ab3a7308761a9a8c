/**
 * The service limits a webhook must fit end to end, and the body limit derived from them
 * (docs/deploy.md, "Limits"). Pure constants, so `lib/` and the local emulators import them too.
 */

/** DynamoDB: an item holds at most 400 KB, attribute names and every other attribute included. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/**
 * Room kept in the item for everything but the body: attribute names and the other attributes
 * (about 600 bytes on the happy path; at most 10 quarantine issues of 500 characters; a failure
 * reason; the exception marker), with a wide margin.
 */
export const ITEM_RESERVE_BYTES = 16 * 1024;

/**
 * The largest body the stack accepts (288 KiB): what one DynamoDB item stores with its other
 * attributes even when the body is kept as base64 (a verified body that is not UTF-8 is stored
 * byte for byte that way, 4 characters per 3 bytes).
 */
export const MAX_STORABLE_BODY_BYTES = Math.floor(((DYNAMODB_MAX_ITEM_BYTES - ITEM_RESERVE_BYTES) * 3) / 4);

/** The default body limit (`MAX_BODY_BYTES`, CDK `maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** SQS: a message holds at most 1 MiB since January 2026 (256 KiB before). */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;

/** EventBridge: a `PutEvents` entry holds at most 1 MiB since January 2026 (256 KiB before). */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 1024 * 1024;

/** EventBridge: `DetailType` has 1 to 128 characters. */
export const EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH = 128;

/** EventBridge: `Source` has 1 to 256 characters. */
export const EVENTBRIDGE_MAX_SOURCE_LENGTH = 256;

/** EventBridge: `PutEvents` processes JSON nested at most this deep (the documented lower figure). */
export const EVENTBRIDGE_MAX_DETAIL_DEPTH = 1000;

/** EventBridge: `PutEvents` takes 1 to 10 entries a call. */
export const EVENTBRIDGE_MAX_ENTRIES = 10;
