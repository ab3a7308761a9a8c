import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Scratch space of a run (bundles, child results, events logs); kept out of git. */
export const WORK_DIR = join(ROOT, 'bench', '.work');

/** Writes a child's result where the parent asked for it (stdout belongs to the handler's logs). */
export const writeResult = (result: unknown): void => {
  const file = process.env.BENCH_RESULT_FILE;
  if (!file) {
    console.error(JSON.stringify(result, null, 2));
    return;
  }
  writeFileSync(file, JSON.stringify(result));
};

let counter = 0;

/** Options of {@link runChild}. */
export interface ChildOptions {
  /** Extra node flags, e.g. `--expose-gc`. */
  readonly nodeFlags?: readonly string[];
  readonly env?: Record<string, string>;
  /** Kill the child after this long. */
  readonly timeoutMs?: number;
}

/**
 * Runs a bench script (TypeScript, through tsx) in a fresh `node` process and returns what it
 * wrote with {@link writeResult}. Its stdout (the handler's logs) goes to /dev/null, as Lambda's
 * goes to its log pipe; stderr is passed through.
 */
export const runChild = <T>(script: string, args: readonly string[] = [], options: ChildOptions = {}) =>
  new Promise<T>((resolvePromise, reject) => {
    mkdirSync(WORK_DIR, { recursive: true });
    counter += 1;
    const resultFile = join(WORK_DIR, `result-${process.pid}-${counter}.json`);
    rmSync(resultFile, { force: true });
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), '--import', 'tsx', join(ROOT, 'bench', script), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...options.env, BENCH_RESULT_FILE: resultFile },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}`));
        return;
      }
      try {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as T;
        rmSync(resultFile, { force: true });
        resolvePromise(result);
      } catch (error) {
        reject(error);
      }
    });
  });
