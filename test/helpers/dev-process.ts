import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The package's command, as `npx webhook-pipeline` runs it. */
export const CLI = join(ROOT, 'bin', 'webhook-pipeline.js');

/** A free loopback port. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

/** Variables inherited from the shell that would point a dev process at a deployment. */
const DEPLOYMENT_VARIABLES = [
  'TABLE_NAME',
  'QUEUE_URL',
  'EVENT_BUS_NAME',
  'PLAID_BASE_URL',
  'ARGYLE_WEBHOOK_SECRETS',
];

/** This process's environment without {@link DEPLOYMENT_VARIABLES}, plus `vars`. */
export const devEnvironment = (vars: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of DEPLOYMENT_VARIABLES) delete env[key];
  return { ...env, ...vars };
};

/**
 * Spawns `webhook-pipeline dev` with `env` in `cwd` (the project unless told) and waits for its
 * banner; its output is collected.
 */
export const spawnDev = async (
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  args: readonly string[] = [],
  cwd = ROOT,
): Promise<{ child: ChildProcess; output: () => string }> => {
  const child = spawn(process.execPath, [CLI, 'dev', ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('local pipeline running')) {
    if (child.exitCode !== null) throw new Error(`dev exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`dev did not start in ${timeoutMs / 1000} s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output };
};

/** `npm run dev` started as a user would: a child process on a free port with its own state folder. */
export interface DevProcess {
  readonly url: string;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
  readonly eventsLog: string;
  readonly child: ChildProcess;
  output(): string;
  /** Every event line written so far. */
  events(): Record<string, unknown>[];
  /** Sends SIGINT and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the local pipeline and waits until it answers. */
export const startDevProcess = async (
  extraEnv: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<DevProcess> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wp-dev-'));
  const eventsLog = join(dir, 'events.ndjson');
  const env = devEnvironment({ PORT: String(port), LOCAL_DIR: dir, EVENTS_LOG: eventsLog, ...extraEnv });
  const { child, output } = await spawnDev(env, 60_000, args);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    env,
    eventsLog,
    child,
    output,
    events: () =>
      existsSync(eventsLog)
        ? readFileSync(eventsLog, 'utf8')
            .split('\n')
            // The last piece is a line still being appended (or empty): only whole lines count.
            .slice(0, -1)
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [],
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
};

/** Polls until `check` returns a value other than `undefined`, or fails after `ms`. */
export const waitFor = async <T>(check: () => T | undefined, ms = 20_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
