import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_ENTRY_FILE, bundleFunction } from '../../lib/constructs/function-bundle.js';
import { PIPELINE_NODE_MAJOR } from '../../lib/constructs/pipeline-function.js';
import { ROOT } from './child.js';

/** Where the bundle's options come from (printed with the results). */
export const BUNDLE_OPTIONS_SOURCE = 'lib/constructs/function-bundle.ts';

/** A bundle on disk. */
export interface Bundle {
  /** The entry the handler is imported from. */
  readonly file: string;
  /** The files read when the handler is imported: the entry and the chunks it imports statically. */
  readonly bytes: number;
  /** Every chunk, those loaded on first use included. */
  readonly totalBytes: number;
  /** The source maps of the files read at import. */
  readonly mapBytes: number;
  readonly buildMs: number;
}

const size = (file: string): number => (existsSync(file) ? statSync(file).size : 0);

/**
 * Bundles a handler exactly as `PipelineFunction` does for the stack (`bundleFunction` of
 * lib/constructs/function-bundle.ts: esbuild, platform node at the runtime's version, ESM, every
 * dependency bundled, minified, linked source maps, the `require` shim, split at dynamic imports).
 * The entry is `index.mjs`, as the runtime loads it.
 */
export const bundleHandler = async (entry: string, outDir: string): Promise<Bundle> => {
  const started = performance.now();
  const bundle = bundleFunction(entry, outDir, ROOT, PIPELINE_NODE_MAJOR);
  const buildMs = performance.now() - started;
  let bytes = 0;
  let mapBytes = 0;
  for (const file of bundle.loadedAtImport) {
    bytes += size(file);
    mapBytes += size(`${file}.map`);
  }
  return {
    file: join(outDir, BUNDLE_ENTRY_FILE),
    bytes,
    totalBytes: bundle.files.reduce((sum, file) => sum + size(file), 0),
    mapBytes,
    buildMs,
  };
};
