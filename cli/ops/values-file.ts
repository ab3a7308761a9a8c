import { readFile } from 'node:fs/promises';
import { UsageError } from '../cli-error.js';

/** One value of a values file, with its line number for the report. */
export interface FileValue {
  readonly value: string;
  readonly line: number;
}

/** The values of a file: unique values in file order, and the repeated ones that were dropped. */
export interface ValuesFile {
  readonly values: readonly FileValue[];
  readonly duplicates: readonly FileValue[];
}

/**
 * Parses a file of one value a line (access tokens, Argyle item ids). Blank lines and lines whose
 * first non-blank character is `#` are ignored, as is a trailing ` # comment`. A value repeated
 * later in the file is kept once, so nothing is registered twice.
 */
export const parseValues = (text: string): ValuesFile => {
  const values: FileValue[] = [];
  const duplicates: FileValue[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const value = raw.replace(/\s+#.*$/, '').trim();
    if (value === '' || value.startsWith('#')) return;
    const entry = { value, line: i + 1 };
    if (seen.has(value)) duplicates.push(entry);
    else {
      seen.add(value);
      values.push(entry);
    }
  });
  return { values, duplicates };
};

/** Reads a values file; a missing or empty file is a usage error naming the flag. */
export const readValuesFile = async (path: string, flag: string): Promise<ValuesFile> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const parsed = parseValues(text);
  if (parsed.values.length === 0) throw new UsageError(`${flag} ${path} has no values (one a line)`);
  const spaced = parsed.values.find((v) => /\s/.test(v.value));
  if (spaced) throw new UsageError(`${flag} ${path} line ${spaced.line}: one value a line, without spaces`);
  return parsed;
};
