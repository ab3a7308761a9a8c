import { PROVIDER_NAMES, type ProviderName } from '@webhook-pipeline/events/sources';
import * as z from 'zod';

/**
 * The ingest → router SQS message (docs/storage-layout.md). Validated on both sides.
 * `rawBody` is left out only when the message would exceed what SQS takes; the router then reads
 * the body from the table by `dedupeKey`.
 */
export const QueueMessageSchema = z.object({
  version: z.literal(1),
  webhookId: z.string().min(1),
  provider: z.enum(PROVIDER_NAMES as [ProviderName, ...ProviderName[]]),
  dedupeKey: z.string().min(1),
  receivedAt: z.iso.datetime(),
  /**
   * Set by ingest: the end of this delivery's dedupe window (unix seconds), as its record stores it.
   * The router tells from it whether a record stored later by an identical body could have
   * replaced this one's, and gives an adopted record the same window.
   */
  dedupeUntil: z.number().int().nonnegative().optional(),
  rawBody: z.string().optional(),
  /** Set by an operator's replay: published again even if already published, with `metadata.replayed`. */
  replayed: z.boolean().optional(),
  /** Set by `requeue` and `redrive-dlq`: the router claims the record before it publishes. */
  requeued: z.boolean().optional(),
  /**
   * Set by ingest: the detail-type its classification gave the body (ingest enqueues only valid
   * and unknown bodies), with `catalogue`, the version of the classification code that gave it.
   * The router takes it as it is when its own code is that version, and classifies otherwise.
   */
  detailType: z.string().min(1).optional(),
  catalogue: z.string().min(1).optional(),
});
export type QueueMessage = z.infer<typeof QueueMessageSchema>;
