/**
 * `npm run build` (and `prepack`): what the package ships in dist/. The event contract package is
 * built first (its declarations are what the rest compiles against, outside this repository's
 * source paths); then the CLI, the local runtime, the functions' sources and the CDK code are
 * compiled; the console's static files and the price list are copied beside them; and each function
 * is bundled as the stack bundles it (lib/constructs/function-bundle.ts), into dist/functions/<name>,
 * which the construct deploys as it is (lib/constructs/function-code.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleFunction } from '../lib/constructs/function-bundle.js';
import { PIPELINE_NODE_MAJOR } from '../lib/constructs/pipeline-runtime.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const step = (label: string) => process.stdout.write(`build: ${label}\n`);

const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${command} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
};

const started = performance.now();
rmSync(DIST, { recursive: true, force: true });
step('@webhook-pipeline/events');
run('npm', ['run', 'build', '--silent', '--workspace', '@webhook-pipeline/events']);
step('tsc (cli, local, lambdas, lib)');
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
step('static files');
cpSync(join(ROOT, 'local', 'console', 'static'), join(DIST, 'local', 'console', 'static'), {
  recursive: true,
});
// The price list and the usage profile of the last bench run, which `cost` and `replay --dry-run` read.
mkdirSync(join(DIST, 'bench', 'results'), { recursive: true });
cpSync(join(ROOT, 'bench', 'prices.json'), join(DIST, 'bench', 'prices.json'));
cpSync(join(ROOT, 'bench', 'results', 'latest.json'), join(DIST, 'bench', 'results', 'latest.json'));
for (const name of ['ingest', 'router'] as const) {
  step(`function bundle ${name}`);
  bundleFunction(
    join(ROOT, 'lambdas', name, 'handler.ts'),
    join(DIST, 'functions', name),
    ROOT,
    PIPELINE_NODE_MAJOR,
  );
}
step(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
