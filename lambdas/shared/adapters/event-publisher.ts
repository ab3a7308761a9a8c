import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventEntry, EventPublisher, PublishResult } from '../webhook-record.js';
import { type ClientTimeouts, clientTimeoutConfig, SHARED_CLIENT_CONFIG } from './client-timeouts.js';

/** PutEvents takes at most 10 entries and 256 KB per call. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES_PER_CALL = 256 * 1024;

/** An entry's size as EventBridge counts it (UTF-8 bytes of its fields, 14 for a time). */
export const entrySize = (entry: EventEntry): number =>
  Buffer.byteLength(entry.source) +
  Buffer.byteLength(entry.detailType) +
  Buffer.byteLength(entry.detail) +
  14;

/** Splits entries into PutEvents calls: at most 10 entries and 256 KB each, order kept. */
export const chunkEntries = (entries: readonly EventEntry[]): EventEntry[][] => {
  const chunks: EventEntry[][] = [];
  let current: EventEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (
      current.length === MAX_ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + size > MAX_BYTES_PER_CALL)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
};

/** Options of {@link createEventBridgePublisher}. */
export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
}

/**
 * The EventBridge publisher. Calls run in parallel; a call that fails whole fails its entries only,
 * and entries failing inside a successful call (`FailedEntryCount`) are reported one by one.
 */
export const createEventBridgePublisher = ({
  client,
  eventBusName,
}: EventBridgePublisherOptions): EventPublisher => ({
  async publish(entries) {
    const results = await Promise.all(
      chunkEntries(entries).map(async (chunk): Promise<PublishResult[]> => {
        const request: PutEventsRequestEntry[] = chunk.map((e) => ({
          Source: e.source,
          DetailType: e.detailType,
          Detail: e.detail,
          Time: new Date(e.time),
          EventBusName: eventBusName,
        }));
        try {
          const out = await client.send(new PutEventsCommand({ Entries: request }));
          return chunk.map((_, i): PublishResult => {
            const answer = out.Entries?.[i];
            if (answer?.EventId && !answer.ErrorCode) return { ok: true, eventId: answer.EventId };
            return {
              ok: false,
              errorCode: answer?.ErrorCode ?? 'MissingResult',
              errorMessage: answer?.ErrorMessage ?? 'PutEvents returned no result for the entry',
            };
          });
        } catch (error) {
          const name = error instanceof Error ? error.name : 'Error';
          const message = error instanceof Error ? error.message : String(error);
          return chunk.map((): PublishResult => ({ ok: false, errorCode: name, errorMessage: message }));
        }
      }),
    );
    return results.flat();
  },
});

/** An EventBridge client for the function's region, or for a local bus when `endpoint` is set. */
export const createEventBridgeClient = (endpoint?: string, timeouts?: ClientTimeouts): EventBridgeClient =>
  new EventBridgeClient({
    ...SHARED_CLIENT_CONFIG,
    ...(endpoint ? { endpoint } : {}),
    ...clientTimeoutConfig(timeouts),
  });
