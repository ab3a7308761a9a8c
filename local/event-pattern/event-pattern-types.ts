import type { IpMatcher, Leaf } from './event-pattern-values.js';

/** The checked form of an EventBridge event pattern, shared by the parser and the matcher. */

/** One comparison inside a field's array of values. */
export type ValueMatcher =
  | { readonly kind: 'string'; readonly value: string; readonly ip: IpMatcher | undefined }
  | { readonly kind: 'number'; readonly literal: string; readonly double: number | undefined }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'prefix' | 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly regex: RegExp }
  | { readonly kind: 'anything-but'; readonly test: (leaf: Leaf) => boolean }
  | { readonly kind: 'numeric'; readonly test: (value: number) => boolean }
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'cidr'; readonly block: IpMatcher };

/** A field of a pattern object: a nested object or the array of values at a leaf. */
export type FieldPattern =
  | { readonly kind: 'object'; readonly node: PatternNode }
  | { readonly kind: 'leaf'; readonly matchers: readonly ValueMatcher[] };

/** One object level of a pattern: every field must match, and one branch of each `$or`. */
export interface PatternNode {
  readonly fields: readonly (readonly [string, FieldPattern])[];
  readonly anyOf: readonly (readonly PatternNode[])[];
}

/** A checked event pattern, ready for {@link matchesEventPattern}. */
export interface EventPattern {
  readonly root: PatternNode;
  /** The pattern as given, for display. */
  readonly source: unknown;
}
