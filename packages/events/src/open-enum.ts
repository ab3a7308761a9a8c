import * as z from 'zod';

/**
 * A string enum that stays open: known values are typed (editors autocomplete them) but any other
 * string is accepted. Providers add enum values without notice, and a webhook must never be
 * quarantined only because Plaid or Argyle grew a list.
 *
 * @example
 * const StatusSchema = openEnum(['AVAILABLE', 'FAILED']);
 * type Status = z.infer<typeof StatusSchema>; // 'AVAILABLE' | 'FAILED' | (string & {})
 */
export const openEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().meta({
    examples: [...values],
    description: `Known values: ${values.join(', ')}; others may appear.`,
  }) as unknown as z.ZodType<T[number] | (string & {}), string>;
