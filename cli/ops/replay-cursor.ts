import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UsageError } from '../cli-error.js';

/** Where one Scan segment of a replay stands. */
export interface CursorSegment {
  /** Every page of the segment has been read and sent. */
  done: boolean;
  /** The key of the page being sent (absent: the segment's first page). */
  startKey?: Record<string, AttributeValue>;
  /** Dedupe keys of that page already sent, skipped when the page is read again. */
  sent: string[];
}

/** The cursor file: the filters it belongs to and each segment's position. */
export interface ReplayCursor {
  readonly cursorVersion: 1;
  /** The filters and target, canonical: a resume with other filters is refused. */
  readonly scope: Record<string, unknown>;
  readonly segments: CursorSegment[];
  /** Messages sent under this cursor, over every run. */
  sentTotal: number;
  updatedAt: string;
}

/**
 * Reads the cursor of `file` for `scope`, or a fresh one when the file does not exist. A cursor
 * written for other filters (or another target) is a usage error: resuming it would skip or repeat.
 */
export const openCursor = async (
  file: string,
  scope: Record<string, unknown>,
  segments: number,
): Promise<{ cursor: ReplayCursor; resumed: boolean }> => {
  if (!existsSync(file)) {
    const fresh: ReplayCursor = {
      cursorVersion: 1,
      scope,
      segments: Array.from({ length: segments }, () => ({ done: false, sent: [] })),
      sentTotal: 0,
      updatedAt: new Date().toISOString(),
    };
    return { cursor: fresh, resumed: false };
  }
  let cursor: ReplayCursor;
  try {
    cursor = JSON.parse(await readFile(file, 'utf8')) as ReplayCursor;
  } catch (error) {
    throw new UsageError(`--cursor ${file} is not a replay cursor: ${(error as Error).message}`);
  }
  if (cursor.cursorVersion !== 1 || !Array.isArray(cursor.segments))
    throw new UsageError(`--cursor ${file} is not a replay cursor`);
  if (JSON.stringify(cursor.scope) !== JSON.stringify(scope)) {
    throw new UsageError(
      `--cursor ${file} belongs to another replay (${JSON.stringify(cursor.scope)}); use the same filters and target, or another file`,
    );
  }
  return { cursor, resumed: true };
};

/** Writes cursors one at a time, each atomically (a temporary file renamed over the old one). */
export const createCursorWriter = (file: string) => {
  const path = resolve(file);
  let chain: Promise<void> = Promise.resolve();
  return {
    save(cursor: ReplayCursor): Promise<void> {
      const text = `${JSON.stringify({ ...cursor, updatedAt: new Date().toISOString() }, null, 2)}\n`;
      chain = chain.then(async () => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(`${path}.tmp`, text);
        await rename(`${path}.tmp`, path);
      });
      return chain;
    },
  };
};
