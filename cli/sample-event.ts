import { createHash } from 'node:crypto';
import { type DetailTypeInfo, detailTypeInfo, SCHEMA_VERSION } from '@webhook-pipeline/events';
import { UsageError } from './cli-error.js';
import { nearestDetailTypes, sampleBody } from './samples.js';

/** Where `events sample` events say they come from, unless told otherwise: the fixtures' account and region. */
export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_REGION = 'us-east-1';
/** A fixed instant, so that the same command prints the same event (a test fixture that does not drift). */
export const SAMPLE_TIME = '2026-01-01T12:00:00.000Z';

/** Options of {@link sampleEvent}. */
export interface SampleEventOptions {
  /** `--set path=value` assignments on the provider payload, as `fire` applies them. */
  readonly set?: readonly string[];
  /** When the pipeline received the webhook (ISO 8601); {@link SAMPLE_TIME} by default. */
  readonly time?: string;
}

/** A UUID (version 4 layout) made from a digest: stable for the same input, distinct for another. */
const uuidOf = (seed: string): string => {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * The catalogue entry `events sample` was asked for: the exact detail-type, or a Plaid one in any
 * case (`item.error`). Anything else is a usage error with the nearest names.
 */
export const findDetailType = (name: string): DetailTypeInfo => {
  const info = detailTypeInfo(name) ?? detailTypeInfo(name.toUpperCase());
  if (info) return info;
  // Plaid names are upper case: a lower-case typo of one is compared as `fire plaid` compares it.
  const near = [
    ...new Set([...nearestDetailTypes('plaid', name.toUpperCase()), ...nearestDetailTypes('argyle', name)]),
  ].slice(0, 5);
  throw new UsageError(
    `no detail-type "${name}" in the catalogue${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see fire --list)`,
  );
};

/**
 * The event a rule target receives for a catalogue sample: EventBridge's envelope, our metadata and
 * the sample (with the assignments) as `data`. The same arguments give the same event: the ids are
 * digests of the body, and `dedupeKey` is the one the pipeline computes for these bytes (the body
 * `fire --exact` sends), so a `--set` gives a new webhook with new ids.
 */
export const sampleEvent = (
  info: DetailTypeInfo,
  { set = [], time = SAMPLE_TIME }: SampleEventOptions = {},
) => {
  const receivedAt = new Date(time);
  if (Number.isNaN(receivedAt.getTime())) throw new UsageError(`--time "${time}" is not an ISO 8601 time`);
  const body = sampleBody(info, set);
  const digest = createHash('sha256').update(body).digest('hex');
  return {
    version: '0',
    id: uuidOf(`event:${digest}`),
    'detail-type': info.detailType,
    source: info.source,
    account: SAMPLE_ACCOUNT,
    // EventBridge's `time` is to the second; the metadata keeps the milliseconds.
    time: `${receivedAt.toISOString().slice(0, 19)}Z`,
    region: SAMPLE_REGION,
    resources: [] as string[],
    detail: {
      metadata: {
        webhookId: uuidOf(`webhook:${digest}`),
        provider: info.provider,
        receivedAt: receivedAt.toISOString(),
        dedupeKey: `${info.provider}#${digest}`,
        schemaVersion: SCHEMA_VERSION,
        replayed: false,
      },
      data: JSON.parse(body.toString('utf8')) as Record<string, unknown>,
    },
  };
};
