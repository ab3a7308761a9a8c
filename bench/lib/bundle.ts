import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './child.js';

const CONSTRUCT = join(ROOT, 'lib', 'constructs', 'pipeline-function.ts');
const DEFAULT_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The banner the stack's functions are bundled with, read from the construct that sets it. */
export const stackBanner = (): { banner: string; source: string } => {
  if (existsSync(CONSTRUCT)) {
    const match = /const ESM_REQUIRE_SHIM =\s*(['"])(.+?)\1;/s.exec(readFileSync(CONSTRUCT, 'utf8'));
    if (match?.[2]) return { banner: match[2], source: 'lib/constructs/pipeline-function.ts' };
  }
  return { banner: DEFAULT_BANNER, source: 'default (lib/constructs/pipeline-function.ts not found)' };
};

/** A bundle on disk. */
export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly buildMs: number;
}

/**
 * Bundles a handler with the options `PipelineFunction` gives `NodejsFunction`: esbuild, platform
 * node, the runtime's target (node24), ESM, every dependency bundled (the AWS SDK included),
 * `module,main` main fields, minified, linked source map without sources content, and the
 * `require` banner. The output is `index.mjs`, as NodejsFunction names an ESM bundle.
 */
export const bundleHandler = async (entry: string, outDir: string): Promise<Bundle> => {
  const file = join(outDir, 'index.mjs');
  const started = performance.now();
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: stackBanner().banner },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [],
    outfile: file,
    logLevel: 'error',
    absWorkingDir: ROOT,
  });
  return {
    file,
    bytes: statSync(file).size,
    mapBytes: statSync(`${file}.map`).size,
    buildMs: performance.now() - started,
  };
};
