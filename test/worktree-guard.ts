import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { worktreeChanges, worktreeState } from './helpers/worktree-state.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Takes the state git sees of the work tree at `root` and returns the check to run after the tests:
 * it prints what changed and sets the exit status to 1 (a global teardown that throws is only logged,
 * and the run would still exit 0). Undefined outside a git work tree.
 */
export const worktreeGuard = (
  root: string,
  report: (message: string) => void = console.error,
): (() => void) | undefined => {
  const before = worktreeState(root);
  if (!before) return undefined;
  return () => {
    const after = worktreeState(root);
    const changes = after ? worktreeChanges(before, after) : [];
    if (changes.length === 0) return;
    report(
      `\nThe test run changed the working tree (tests must write under the temporary folder or reports/):\n  ${changes.join('\n  ')}\n`,
    );
    process.exitCode = 1;
  };
};

/**
 * `npm test` leaves the working tree as it found it: a test that wrote, created or removed a file git
 * sees (a committed report, a file in the project root) makes the run fail, naming it. Watch mode is
 * left alone: there the tree changes because someone is editing it.
 */
export default function guardWorktree(project: TestProject) {
  return project.config.watch ? undefined : worktreeGuard(ROOT);
}
