import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, devEnvironment, freePort, spawnDev } from '../helpers/dev-process.js';
import { type DocCommand, where } from './markdown-commands.js';

/** Variables that would point a command somewhere else than the dev process of the folder. */
const LOCATING_VARIABLES = ['PORT', 'LOCAL_DIR', 'EVENTS_LOG'];
/** How long one command may take (a `fire` waits for its event at most a few seconds). */
const COMMAND_TIMEOUT_MS = 30_000;

/** What one command did. */
export interface CommandRun {
  readonly command: DocCommand;
  readonly code: number | null;
  readonly output: string;
}

/** `npm run dev` in a temporary folder, and the documented commands run in that folder. */
export interface DocsPipeline {
  /** The temporary folder: the working directory of the dev process and of every command. */
  readonly dir: string;
  /** Runs `webhook-pipeline <argv>` as the doc wrote it (with its variables), and waits for it. */
  run(command: DocCommand, argv: readonly string[]): Promise<CommandRun>;
  /** Starts a command that follows (`events tail -f`); `stop` ends it and says whether it was still running. */
  follow(
    command: DocCommand,
    argv: readonly string[],
  ): { stop(): Promise<CommandRun & { running: boolean }> };
  /** Stops the dev process and removes the folder. */
  close(): Promise<void>;
}

/** The environment of a documented command: the user's, less what would bypass `.local/dev.json`. */
const commandEnvironment = (command: DocCommand): NodeJS.ProcessEnv => {
  const env = devEnvironment({});
  for (const name of LOCATING_VARIABLES) delete env[name];
  return { ...env, ...command.env };
};

const collect = (child: ChildProcess): (() => string) => {
  let output = '';
  const add = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => output;
};

const spawnCommand = (dir: string, command: DocCommand, argv: readonly string[]) =>
  spawn(process.execPath, [CLI, ...argv], {
    cwd: dir,
    env: commandEnvironment(command),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * Starts `webhook-pipeline dev <devArgv>` in a new temporary folder, on a free port, with its local
 * folder (`.local`: dev keys, `dev.json`, the events log) in that folder; `prepare` writes the files
 * the docs' commands read before it starts. The commands get no PORT: they find the dev process
 * through `.local/dev.json`, as a second terminal does.
 */
export const startDocsPipeline = async (
  devArgv: readonly string[],
  prepare: (dir: string) => void,
): Promise<DocsPipeline> => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-docs-'));
  prepare(dir);
  const env = devEnvironment({ PORT: String(await freePort()) });
  for (const name of ['LOCAL_DIR', 'EVENTS_LOG']) delete env[name];
  const dev = await spawnDev(env, 60_000, devArgv, dir);
  const exited = new Promise<void>((r) => dev.child.once('exit', () => r()));
  return {
    dir,
    async run(command, argv) {
      const child = spawnCommand(dir, command, argv);
      const output = collect(child);
      const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      clearTimeout(timer);
      return { command, code, output: output() };
    },
    follow(command, argv) {
      const child = spawnCommand(dir, command, argv);
      const output = collect(child);
      const ended = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      return {
        async stop() {
          const running = child.exitCode === null && child.signalCode === null;
          // Ctrl-C, as a user ends it.
          if (running) child.kill('SIGINT');
          const code = await ended;
          return { command, code, output: output(), running };
        },
      };
    },
    async close() {
      if (dev.child.exitCode === null) dev.child.kill('SIGINT');
      const timer = setTimeout(() => dev.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A failed run, for a message. */
export const describeRun = (run: CommandRun): string =>
  `${where(run.command)}\n  exit ${run.code}\n  ${run.output.trim().split('\n').slice(-8).join('\n  ')}`;
