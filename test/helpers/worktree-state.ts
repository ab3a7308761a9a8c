import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What git sees of a work tree: each changed or untracked path, with its status and a hash of its bytes. */
export type WorktreeState = ReadonlyMap<string, string>;

const contentHash = (path: string): string => {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'absent';
  }
};

/**
 * The state of the work tree at `root` as `git status` lists it (changed, added, removed and
 * untracked paths, ignored ones left out), each with a hash of its content, so that a file rewritten
 * while already modified counts as a change too. Undefined outside a git work tree (an unpacked
 * package), where there is nothing to compare.
 */
export const worktreeState = (root: string): WorktreeState | undefined => {
  let listing: string;
  try {
    listing = execFileSync(
      'git',
      ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
  } catch {
    return undefined;
  }
  const state = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    if (entry.length < 4) continue;
    const path = entry.slice(3);
    state.set(path, `${entry.slice(0, 2)} ${contentHash(join(root, path))}`);
  }
  return state;
};

/** What a `git status` code says happened to a path. */
const happened = (entry: string): string =>
  entry.startsWith('??') ? 'created' : /^(?: D|D )/.test(entry) ? 'deleted' : 'changed';

/** The paths whose status or content differ between two states, each with what happened. */
export const worktreeChanges = (before: WorktreeState, after: WorktreeState): string[] =>
  [...new Set([...before.keys(), ...after.keys()])].sort().flatMap((path) => {
    const was = before.get(path);
    const is = after.get(path);
    if (was === is) return [];
    return [`${path} (${is === undefined ? 'restored to its committed content' : happened(is)})`];
  });
