import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { worktreeChanges, worktreeState } from '../helpers/worktree-state.js';
import { worktreeGuard } from '../worktree-guard.js';

/** A git work tree with a committed report, a committed source and an ignored folder. */
const repository = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-worktree-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  mkdirSync(join(dir, 'reports'));
  writeFileSync(join(dir, '.gitignore'), 'reports/*\n!reports/reliability.json\n');
  writeFileSync(join(dir, 'reports', 'reliability.json'), '{"faults":[]}\n');
  writeFileSync(join(dir, 'source.ts'), 'export const a = 1;\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'start');
  return dir;
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const changesAfter = (change: (root: string) => void, prepare: (root: string) => void = () => undefined) => {
  dir = repository();
  prepare(dir);
  const before = worktreeState(dir);
  change(dir);
  const after = worktreeState(dir);
  if (!before || !after) throw new Error('not a work tree');
  return worktreeChanges(before, after);
};

describe('the working tree before and after a test run', () => {
  it('a committed report rewritten is a change', () => {
    expect(changesAfter((root) => writeFileSync(join(root, 'reports', 'reliability.json'), '{}\n'))).toEqual([
      'reports/reliability.json (changed)',
    ]);
  });

  it('a file created in the root and a file removed are changes', () => {
    const changes = changesAfter((root) => {
      writeFileSync(join(root, 'captured.json'), '{}');
      unlinkSync(join(root, 'source.ts'));
    });
    expect(changes).toEqual(['captured.json (created)', 'source.ts (deleted)']);
  });

  it('a file already edited before the run and rewritten during it is a change', () => {
    const changes = changesAfter(
      (root) => writeFileSync(join(root, 'source.ts'), 'export const a = 3;\n'),
      (root) => writeFileSync(join(root, 'source.ts'), 'export const a = 2;\n'),
    );
    expect(changes).toEqual(['source.ts (changed)']);
  });

  it('ignored files (reports/) and an edit left as it was are not changes', () => {
    const changes = changesAfter(
      (root) => writeFileSync(join(root, 'reports', 'vitest.json'), '{}'),
      (root) => writeFileSync(join(root, 'source.ts'), 'export const a = 2;\n'),
    );
    expect(changes).toEqual([]);
  });

  it('the guard names the change and sets the exit status to 1', () => {
    dir = repository();
    const messages: string[] = [];
    const check = worktreeGuard(dir, (m) => messages.push(m));
    writeFileSync(join(dir, 'reports', 'reliability.json'), '{}\n');
    const status = process.exitCode;
    try {
      check?.();
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = status;
    }
    expect(messages.join('')).toContain('reports/reliability.json (changed)');
  });

  it('outside a git work tree there is nothing to guard', () => {
    dir = mkdtempSync(join(tmpdir(), 'wp-no-worktree-'));
    expect(worktreeGuard(dir)).toBeUndefined();
  });
});
