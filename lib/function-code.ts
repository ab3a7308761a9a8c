import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a function's code comes from: the project esbuild resolves in, and the handler module. */
export interface FunctionCode {
  /** Directory holding `package.json` and `node_modules`; esbuild resolves dependencies from here. */
  readonly projectRoot: string;
  /** Absolute path of the TypeScript module that exports `handler`. */
  readonly entry: string;
}

/**
 * The code of a pipeline function: today the TypeScript handler of this repository, bundled at synth
 * by `constructs/function-bundle.ts`. The one place the construct knows where the repository is, so
 * that a package shipping prebuilt bundles changes only this function.
 */
export const functionCode = (name: 'ingest' | 'router'): FunctionCode => {
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  return { projectRoot, entry: join(projectRoot, 'lambdas', name, 'handler.ts') };
};
