import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../ops/stubs/run-cli.js';

// examples/consumer built and run as a consumer team would: the events package packed as npm
// publishes it, installed with the example's test tools into a copy of the example, then the
// example's own typecheck and tests. The registry is used for vitest and typescript (from npm's cache
// when it has them).

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'consumer');
const PACKAGE = join(ROOT, 'packages', 'events');

/** This process's environment without the variables npm sets for a script, which would steer the npm calls. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const npm = (args: string[], cwd: string) =>
  run('npm', ['--no-audit', '--no-fund', ...args], { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });

/** The bytes of the files under `dir` (their own size, as npm's unpackedSize counts them). */
const bytesUnder = async (dir: string): Promise<number> => {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
};

let work: string;
let project: string;
let packed: { filename: string; size: number; unpackedSize: number };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wp-example-'));
  // npm pack runs prepack, which builds the package.
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], PACKAGE);
  packed = (JSON.parse(stdout) as (typeof packed)[])[0] as typeof packed;
  project = join(work, 'consumer');
  await cp(EXAMPLE, project, { recursive: true, filter: (src) => !src.includes('node_modules') });
  await npm(['install', join(work, packed.filename), '--prefer-offline'], project);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('examples/consumer, built and run as a consumer team would', () => {
  it('installs the events package and zod, and nothing else at run time: no CDK', async () => {
    const { stdout } = await npm(['ls', '--omit=dev', '--all', '--json'], project);
    const tree = JSON.parse(stdout) as {
      dependencies: Record<string, { dependencies?: Record<string, { version?: string }> }>;
    };
    expect(Object.keys(tree.dependencies)).toEqual(['@webhook-pipeline/events']);
    const below = tree.dependencies['@webhook-pipeline/events']?.dependencies ?? {};
    // The optional peers are listed without a version: not installed.
    expect(
      Object.entries(below)
        .filter(([, d]) => d.version)
        .map(([name]) => name),
    ).toEqual(['zod']);
    const installed = await readdir(join(project, 'node_modules'));
    expect(installed).not.toContain('aws-cdk-lib');
    expect(installed).not.toContain('constructs');
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['typescript', 'vitest']);
  });

  it('type-checks against the catalogue (npm run typecheck)', async () => {
    const result = await npm(['run', 'typecheck'], project).then(
      () => 'ok',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('ok');
  }, 120_000);

  it('passes its tests (npm test), on the events of events sample', async () => {
    const { stdout } = await npm(['test', '--', '--reporter=json'], project);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      numTotalTests: number;
      numPassedTests: number;
      success: boolean;
    };
    expect(report).toMatchObject({ success: true, numTotalTests: 7, numPassedTests: 7 });
  }, 120_000);

  it("has as test events exactly what the generate script's events sample commands print", async () => {
    const script = await readFile(join(EXAMPLE, 'test', 'events', 'generate.sh'), 'utf8');
    const commands = [...script.matchAll(/^npx webhook-pipeline (events sample .+) > (\S+)$/gm)];
    const files = (await readdir(join(EXAMPLE, 'test', 'events'))).filter((f) => f.endsWith('.json'));
    expect(commands.map((c) => c[2]).sort()).toEqual(files.sort());
    for (const [, args = '', file = ''] of commands) {
      const printed = await runCli(args.split(' '), {});
      expect(printed.code, args).toBe(0);
      expect(`${printed.stdout}\n`, file).toBe(await readFile(join(EXAMPLE, 'test', 'events', file), 'utf8'));
    }
  });

  it('states the install size it measures, in the package README and docs/consumers.md', async () => {
    const installed =
      (await bytesUnder(join(project, 'node_modules', '@webhook-pipeline', 'events'))) +
      (await bytesUnder(join(project, 'node_modules', 'zod')));
    const measured = {
      tarball: `${Math.round(packed.size / 1000)} kB`,
      unpacked: `${(packed.unpackedSize / 1e6).toFixed(1)} MB`,
      installed: `${(installed / 1e6).toFixed(1)} MB`,
    };
    for (const doc of ['packages/events/README.md', 'docs/consumers.md']) {
      const text = (await readFile(join(ROOT, doc), 'utf8')).replace(/\s+/g, ' ');
      const stated = {
        tarball: /tarball of (\d+ kB)/.exec(text)?.[1],
        unpacked: /([\d.]+ MB) unpacked/.exec(text)?.[1],
        installed: /([\d.]+ MB) with zod/.exec(text)?.[1],
      };
      expect(stated, doc).toEqual(measured);
    }
  });
});
