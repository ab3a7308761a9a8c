import type { z } from 'zod';

/**
 * One webhook the pipeline knows: its schema, a realistic sample and what it means.
 * The catalogues of both providers are records of these, keyed by detail-type.
 */
export interface CatalogEntry<S extends z.ZodType = z.ZodType> {
  /** The EventBridge `detail-type` this webhook is published under. */
  readonly detailType: string;
  /** When the provider sends it, in one sentence. */
  readonly description: string;
  /** The fields a consumer usually keys on (for the event catalogue). */
  readonly keyFields: readonly string[];
  /** False where the provider documents no shape for the payload (any object is accepted). */
  readonly documented: boolean;
  /** The payload schema; loose, so fields added by the provider pass through. */
  readonly schema: S;
  /** A realistic example payload that the schema accepts. */
  readonly sample: z.input<S>;
}

/** Identity function that checks an entry's sample against its schema's type at compile time. */
export const defineEntry = <S extends z.ZodType>(entry: CatalogEntry<S>): CatalogEntry<S> => entry;
