/**
 * The deepest nesting of arrays and objects in a JSON text, found by one scan that skips strings.
 * Written by hand because no parser reports depth; JSON.parse itself copes with deep input but the
 * serialisers and validators after it recurse, so depth is checked before anything else walks it.
 */
export const jsonDepth = (text: string): number => {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return max;
};

/** Deeper than this is no webhook either provider sends (theirs nest a handful of levels). */
export const MAX_JSON_DEPTH = 64;
