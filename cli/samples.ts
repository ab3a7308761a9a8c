import { randomUUID } from 'node:crypto';
import { DETAIL_TYPES, type DetailTypeInfo } from '@webhook-pipeline/events';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { UsageError } from './cli-error.js';
import { editDistance, nearest } from './suggest.js';

/** The catalogue entries of a provider. */
export const entriesOf = (provider: ProviderName): DetailTypeInfo[] =>
  DETAIL_TYPES.filter((d) => d.provider === provider);

/**
 * The catalogue names nearest to an unknown one: by edit distance to the whole name, else, for
 * Plaid, of the code alone to the catalogue's codes (`ITEM SYNC_UPDATES_AVAILABLE` →
 * `TRANSACTIONS.SYNC_UPDATES_AVAILABLE`), else the names that contain the last word typed.
 */
export const nearestDetailTypes = (provider: ProviderName, name: string): string[] => {
  const names = entriesOf(provider).map((d) => d.detailType as string);
  const whole = nearest(name, names);
  if (whole.length) return whole;
  const code = name.split('.').at(-1) ?? name;
  if (provider === 'plaid') {
    const byCode = nearest(code, names, {
      distanceTo: (candidate) => editDistance(code, candidate.split('.').at(-1) ?? candidate) || 1,
    });
    if (byCode.length) return byCode;
  }
  return names.filter((n) => n.toLowerCase().includes(code.toLowerCase())).slice(0, 5);
};

/**
 * Finds a catalogue entry from the words of a `fire` command: `plaid ITEM ERROR`, `plaid ITEM.ERROR`
 * or `argyle accounts.connected`. Case-insensitive for Plaid names.
 */
export const findEntry = (provider: ProviderName, words: readonly string[]): DetailTypeInfo => {
  if (words.length === 0) {
    throw new UsageError(
      provider === 'plaid'
        ? 'missing webhook: fire plaid <webhook_type> <webhook_code>'
        : 'missing event: fire argyle <event>',
    );
  }
  const name = provider === 'plaid' ? words.join('.').toUpperCase() : words.join('.');
  const entry = entriesOf(provider).find((d) => d.detailType === name);
  if (entry) return entry;
  const near = nearestDetailTypes(provider, name);
  throw new UsageError(
    `no ${provider} webhook "${name}" in the catalogue${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see fire --list)`,
  );
};

/** Parses `--set path=value`: the value as JSON when it is JSON (numbers, booleans, null, objects), else a string. */
export const parseSet = (assignment: string): { path: string[]; value: unknown } => {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes path=value, got "${assignment}"`);
  const path = assignment.slice(0, eq).split('.');
  if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw new UsageError(`--set path "${assignment.slice(0, eq)}" is not usable`);
  }
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // A plain string.
  }
  return { path, value };
};

/** A copy of the sample with the assignments applied (intermediate objects are created as needed). */
export const applySets = (sample: unknown, assignments: readonly string[]): Record<string, unknown> => {
  const body = structuredClone(sample) as Record<string, unknown>;
  for (const assignment of assignments) {
    const { path, value } = parseSet(assignment);
    let target: Record<string, unknown> = body;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = value;
  }
  return body;
};

/** A sample body as the provider sends it: pretty-printed JSON with two-space indentation. */
export const sampleBody = (entry: DetailTypeInfo, assignments: readonly string[] = []): Buffer =>
  Buffer.from(JSON.stringify(applySets(entry.entry.sample, assignments), null, 2));

/**
 * The top-level field `fire` adds so that each run is a new webhook. The pipeline dedupes on the
 * body's bytes, so the same sample twice is one webhook (the second answer is `duplicate`); the
 * schemas pass unknown top-level fields through, as a provider adding a field would, and the
 * name says where the field came from (like `webhook_pipeline_recovery` of `reconcile plaid`).
 */
export const FIRE_MARK_FIELD = 'webhook_pipeline_fire';

/**
 * The body `fire` sends: the sample with the assignments applied and, unless `exact`, a
 * {@link FIRE_MARK_FIELD} `{id, fired_at}` that differs on every run. `exact` sends the catalogue
 * sample (with the assignments) byte for byte, so that a second run shows a duplicate.
 */
export const fireBody = (
  entry: DetailTypeInfo,
  assignments: readonly string[],
  { exact, now = new Date(), id = randomUUID() }: { exact: boolean; now?: Date; id?: string },
): Buffer => {
  if (exact) return sampleBody(entry, assignments);
  // The mark goes first so that an explicit --set of the same field still wins.
  const marked = {
    ...(entry.entry.sample as object),
    [FIRE_MARK_FIELD]: { id, fired_at: now.toISOString() },
  };
  return Buffer.from(JSON.stringify(applySets(marked, assignments), null, 2));
};
