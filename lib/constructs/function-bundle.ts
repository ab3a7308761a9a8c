import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type * as Esbuild from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

/**
 * esbuild, loaded when a bundle is built: in this repository, by the bench and by the build of the
 * package. The installed package ships its bundles and has no esbuild, so nothing that runs there
 * may import it at load time.
 */
const esbuild = (): typeof Esbuild => createRequire(import.meta.url)('esbuild');

/**
 * Defines `require` in the ESM bundle: CommonJS dependencies bundled by esbuild call `require()` for
 * Node built-ins, which an ES module does not have. esbuild puts it at the top of every chunk.
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";

/** The file the Lambda runtime loads: `index.handler` is the `handler` export of `index.mjs`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * The esbuild options of every function: platform node at the runtime's version (`node24` for
 * `nodejs24.x`), ESM, every dependency bundled (the AWS SDK included, at the version the lock file
 * pins), `module,main` main fields, minified, linked source maps without sources content, the
 * `require` shim.
 *
 * Split into chunks: each dynamic `import()` (a provider's catalogue, the Plaid verifier and
 * fast-jwt, zod, the Secrets Manager client, the SDK's unused credential providers) becomes a file
 * of its own that Node reads and compiles only when the import runs. In a single file, V8 still has
 * to read and pre-parse all of it at every cold start (docs/benchmarks.md).
 */
export const functionBundleOptions = (
  entry: string,
  outdir: string,
  projectRoot: string,
  nodeMajor: number,
): BuildOptions => ({
  entryPoints: { index: entry },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  target: `node${nodeMajor}`,
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_SHIM },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
  absWorkingDir: projectRoot,
  logLevel: 'warning',
});

/** A bundle written to a directory. */
export interface FunctionBundle {
  readonly metafile: Metafile;
  /** The entry and every chunk it imports statically: what Node reads when the handler is imported. */
  readonly loadedAtImport: readonly string[];
  /** Every JavaScript file of the bundle. */
  readonly files: readonly string[];
}

/** The output files reached from `file` by static imports (the file included), as metafile paths. */
export const staticClosure = (metafile: Metafile, file: string): string[] => {
  const seen = new Set([file]);
  const queue = [file];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const edge of metafile.outputs[path]?.imports ?? []) {
      if (edge.kind !== 'import-statement' || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return [...seen];
};

/** Bundles a function's entry into `outdir` (synchronously, as CDK's local bundling runs). */
export const bundleFunction = (
  entry: string,
  outdir: string,
  projectRoot: string,
  nodeMajor: number,
): FunctionBundle => {
  const { metafile } = esbuild().buildSync({
    ...functionBundleOptions(entry, outdir, projectRoot, nodeMajor),
    metafile: true,
  });
  const entryFile = Object.keys(metafile.outputs).find((p) => basename(p) === BUNDLE_ENTRY_FILE);
  if (entryFile === undefined) throw new Error(`esbuild wrote no ${BUNDLE_ENTRY_FILE} for ${entry}`);
  return {
    metafile,
    loadedAtImport: staticClosure(metafile, entryFile).map((p) => join(projectRoot, p)),
    files: readdirSync(outdir)
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => join(outdir, f)),
  };
};
