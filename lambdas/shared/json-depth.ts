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
