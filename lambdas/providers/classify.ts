import type { z } from 'zod';
import type { CatalogEntry } from './catalog-entry.js';
import type { Classification } from './provider.js';

const MAX_ISSUES = 10;

/** Zod issues as `path: message` lines (paths and messages only, never the offending values). */
export const summariseIssues = (error: z.ZodError): string[] =>
  error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);

/** Looks a detail type up in a catalogue and checks the payload against its schema. */
export const classifyAgainst = (
  catalog: Readonly<Record<string, CatalogEntry>>,
  detailType: string,
  payload: unknown,
): Classification => {
  // Own keys only: a detail type like "constructor" must not reach Object.prototype.
  const entry = Object.hasOwn(catalog, detailType) ? catalog[detailType] : undefined;
  if (!entry) return { kind: 'unknown', detailType };
  const result = entry.schema.safeParse(payload);
  return result.success
    ? { kind: 'valid', detailType }
    : { kind: 'invalid', detailType, issues: summariseIssues(result.error) };
};
