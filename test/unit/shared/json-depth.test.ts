import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, scanJson } from '../../../lambdas/shared/json-depth.js';

/** Depth computed from the parsed value, independently of the scanner. */
const depthOf = (value: unknown): number =>
  value !== null && typeof value === 'object'
    ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
    : 0;

describe('jsonDepth', () => {
  it.each([
    ['{}', 1],
    ['[]', 1],
    ['"x"', 0],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['{"a":"\\\\","b":[[]]}', 3],
  ])('measures %s as %i', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
      { numRuns: 500 },
    );
  });
});

describe('scanJson: integers outside int64 (what PutEvents refuses)', () => {
  it.each([
    ['{"n":9223372036854775807}', false],
    ['{"n":-9223372036854775808}', false],
    ['{"n":9223372036854775808}', true],
    ['{"n":-9223372036854775809}', true],
    ['{"n":[1,2,123456789012345678901234567890]}', true],
    ['{"n":12345678901234567890.5}', false],
    ['{"n":1e30}', false],
    ['{"s":"99999999999999999999999"}', false],
    ['{"s":"\\"","n":99999999999999999999}', true],
  ])('%s → %s', (text, outside) => {
    expect(scanJson(text).integerOutOfInt64).toBe(outside);
  });

  it('agrees with BigInt over any integer literal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
        const outside = n < -(2n ** 63n) || n > 2n ** 63n - 1n;
        expect(scanJson(`{"a":"x","n":${n},"b":[${n}]}`).integerOutOfInt64).toBe(outside);
      }),
      { numRuns: 500 },
    );
  });
});
