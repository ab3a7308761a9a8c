import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/main.js';

/** What a command printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with its own environment, capturing what it prints. */
export const runCli = async (argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    env,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

/** A fresh temporary folder. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'wp-ops-'));

/** Writes a file of lines into `dir`; returns its path. */
export const writeLines = (dir: string, name: string, lines: readonly string[]): string => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

/** Reads a JSON report. */
export const readReport = <T = Record<string, unknown>>(file: string): T =>
  JSON.parse(readFileSync(file, 'utf8')) as T;
