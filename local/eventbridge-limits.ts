import {
  EVENTBRIDGE_MAX_DETAIL_DEPTH,
  EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH,
  EVENTBRIDGE_MAX_ENTRIES,
  EVENTBRIDGE_MAX_ENTRY_BYTES,
  EVENTBRIDGE_MAX_SOURCE_LENGTH,
} from '../lambdas/shared/aws-limits.js';
import { scanJson } from '../lambdas/shared/json-depth.js';

/**
 * What EventBridge refuses in `PutEvents`, so the local bus refuses it too and a webhook that
 * would fail forever on AWS fails the same way locally. Sources: the PutEvents API reference
 * (1 to 10 entries; `DetailType` 1–128 characters; `Source` 1–256; `Detail` a JSON object; JSON
 * integers within int64; nesting at most 1000 levels), PutEventsResultEntry (per-entry codes
 * `InvalidArgument` and `MalformedDetail`), and the entry size rule of "Calculating PutEvents event
 * entry size" (UTF-8 bytes of Source, DetailType, Detail and Resources, 14 for Time), 1 MiB since
 * January 2026.
 */

/** An entry as it arrives on the wire (JSON 1.1). */
export interface PutEventsWireEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Time?: unknown;
  readonly Resources?: unknown;
}

/** A refused entry, as `PutEventsResultEntry` reports it. */
export interface EntryRefusal {
  readonly ErrorCode: 'InvalidArgument' | 'MalformedDetail';
  readonly ErrorMessage: string;
}

/** A refused request (HTTP 400), as the JSON 1.1 protocol reports it. */
export interface RequestRefusal {
  readonly __type: 'ValidationException';
  readonly message: string;
}

/** Largest PutEvents request body the local bus reads: the entries' limit plus JSON escaping. */
export const MAX_PUT_EVENTS_REQUEST_BYTES = 3 * EVENTBRIDGE_MAX_ENTRY_BYTES;

/** An entry's size as EventBridge counts it. */
export const wireEntrySize = (entry: PutEventsWireEntry): number => {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((n, r) => n + bytes(r), 0) : 0;
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources
  );
};

const invalid = (message: string): EntryRefusal => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });
const malformed = (message: string): EntryRefusal => ({
  ErrorCode: 'MalformedDetail',
  ErrorMessage: message,
});

/** Why EventBridge would refuse this entry, or `undefined` when it would take it. */
export const refuseEntry = (entry: PutEventsWireEntry): EntryRefusal | undefined => {
  const { Source: source, DetailType: detailType, Detail: detail } = entry;
  if (typeof source !== 'string' || source.length === 0 || source.length > EVENTBRIDGE_MAX_SOURCE_LENGTH) {
    return invalid(`Source must have 1 to ${EVENTBRIDGE_MAX_SOURCE_LENGTH} characters`);
  }
  if (
    typeof detailType !== 'string' ||
    detailType.length === 0 ||
    detailType.length > EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH
  ) {
    return invalid(`DetailType must have 1 to ${EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH} characters`);
  }
  if (typeof detail !== 'string') return invalid('Detail is required');
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return malformed('Detail is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return malformed('Detail must be a JSON object');
  }
  const { depth, integerOutOfInt64 } = scanJson(detail);
  if (depth > EVENTBRIDGE_MAX_DETAIL_DEPTH) {
    return malformed(`Detail is nested deeper than ${EVENTBRIDGE_MAX_DETAIL_DEPTH} levels`);
  }
  if (integerOutOfInt64) return malformed('Detail has an integer outside the 64-bit range');
  return undefined;
};

/** Why EventBridge would refuse the whole request, or `undefined`. */
export const refuseRequest = (entries: readonly PutEventsWireEntry[]): RequestRefusal | undefined => {
  if (entries.length === 0 || entries.length > EVENTBRIDGE_MAX_ENTRIES) {
    return {
      __type: 'ValidationException',
      message: `PutEvents takes 1 to ${EVENTBRIDGE_MAX_ENTRIES} entries`,
    };
  }
  const total = entries.reduce((n, e) => n + wireEntrySize(e), 0);
  if (total > EVENTBRIDGE_MAX_ENTRY_BYTES) {
    return {
      __type: 'ValidationException',
      message: `Total size of the entries in the request is over the limit (${total} > ${EVENTBRIDGE_MAX_ENTRY_BYTES} bytes)`,
    };
  }
  return undefined;
};
