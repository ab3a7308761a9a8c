import type { CatalogEntry } from '@webhook-pipeline/events';
import type { z } from 'zod';
import { EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH } from '../shared/aws-limits.js';
import { type Classification, UNRECOGNISED_DETAIL_TYPE } from './provider.js';

const MAX_ISSUES = 10;
// Bounds what a quarantined record adds to its item (see ITEM_RESERVE_BYTES).
const MAX_ISSUE_LENGTH = 500;

/** Zod issues as `path: message` lines (paths and messages only, never the offending values). */
export const summariseIssues = (error: z.ZodError): string[] =>
  error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) =>
      `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`.slice(0, MAX_ISSUE_LENGTH),
    );

/**
 * Looks a detail type up in a catalogue and checks the payload against its schema. A name longer
 * than EventBridge's `DetailType` (128 characters) could never be published: it is quarantined
 * with the reason, not shortened, so no two names collapse into one detail-type.
 */
export const classifyAgainst = (
  catalog: Readonly<Record<string, CatalogEntry>>,
  detailType: string,
  payload: unknown,
): Classification => {
  if (detailType.length > EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH) {
    return {
      kind: 'invalid',
      detailType: UNRECOGNISED_DETAIL_TYPE,
      issues: [
        `(detail-type): ${detailType.length} characters; EventBridge takes at most ${EVENTBRIDGE_MAX_DETAIL_TYPE_LENGTH}`,
      ],
    };
  }
  // Own keys only: a detail type like "constructor" must not reach Object.prototype.
  const entry = Object.hasOwn(catalog, detailType) ? catalog[detailType] : undefined;
  if (!entry) return { kind: 'unknown', detailType };
  const result = entry.schema.safeParse(payload);
  return result.success
    ? { kind: 'valid', detailType }
    : { kind: 'invalid', detailType, issues: summariseIssues(result.error) };
};
