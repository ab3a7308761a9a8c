/** The body without a leading byte order mark, which is not part of the JSON. */
export const withoutBom = (rawBody: string): string =>
  rawBody.charCodeAt(0) === 0xfeff ? rawBody.slice(1) : rawBody;

/** What one scan of a JSON text finds that `JSON.parse` does not report. */
export interface JsonShape {
  /** The deepest nesting of arrays and objects. */
  readonly depth: number;
  /** Whether an integer literal falls outside int64, the range `PutEvents` takes. */
  readonly integerOutOfInt64: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Integer literals shorter than this (sign aside) are always within int64. */
const INT64_SAFE_DIGITS = 19;

const isNumberChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * Nesting depth and int64 overflow of a JSON text, in one scan that skips strings. Written by hand
 * because no parser reports either: JSON.parse rounds large integers and copes with deep input, but
 * the serialisers and validators after it recurse, and EventBridge refuses both (`MalformedDetail`).
 */
export const scanJson = (text: string): JsonShape => {
  let depth = 0;
  let max = 0;
  let integerOutOfInt64 = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // To the closing quote: the next quote not escaped by an odd run of backslashes. indexOf is
      // native, so the string's characters are not walked one by one here.
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes += 1;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      i = end === -1 ? text.length : end;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end += 1;
      if (!integerOutOfInt64 && end - i >= INT64_SAFE_DIGITS) {
        const literal = text.slice(i, end);
        if (/^-?\d+$/.test(literal)) {
          const value = BigInt(literal);
          integerOutOfInt64 = value < INT64_MIN || value > INT64_MAX;
        }
      }
      i = end - 1;
    }
  }
  return { depth: max, integerOutOfInt64 };
};

/** The deepest nesting of arrays and objects in a JSON text. */
export const jsonDepth = (text: string): number => scanJson(text).depth;

/** Deeper than this is no webhook either provider sends (theirs nest a handful of levels). */
export const MAX_JSON_DEPTH = 64;

/** The issue of a body holding an integer that `PutEvents` refuses (`MalformedDetail`). */
export const INT64_ISSUE = '(body): an integer outside the 64-bit range, which EventBridge refuses';

/**
 * Why the event of a JSON text could never be put on the bus (nesting beyond what any provider
 * sends, or an integer outside int64), or undefined. Ingest, the router and `requeue` all ask this
 * of a body before they publish it, so no body fails `PutEvents` on every attempt.
 */
export const unpublishableIssue = (text: string): string | undefined => {
  const shape = scanJson(text);
  if (shape.depth > MAX_JSON_DEPTH) return `(root): nested deeper than ${MAX_JSON_DEPTH} levels`;
  return shape.integerOutOfInt64 ? INT64_ISSUE : undefined;
};
