import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { bundleFunction } from './function-bundle.js';
import { PIPELINE_NODE_MAJOR, PIPELINE_RUNTIME } from './pipeline-runtime.js';

/** The pipeline's functions. */
export type FunctionName = 'ingest' | 'router';

/**
 * Builds a function's bundle on this machine (CDK's local bundling). `entry` is a field, not only
 * captured: CDK reuses a bundle for assets whose bundling options serialise alike, and a function
 * does not serialise, so without it every function would get the first one's bundle.
 */
class LocalFunctionBundler implements ILocalBundling {
  public constructor(
    /** The entry, relative to the project root. */
    public readonly entry: string,
    private readonly projectRoot: string,
  ) {}

  public tryBundle(outputDir: string): boolean {
    bundleFunction(resolve(this.projectRoot, this.entry), outputDir, this.projectRoot, PIPELINE_NODE_MAJOR);
    return true;
  }
}

/** This module's own file: `.ts` in a source checkout, `.js` in the built package. */
const HERE = fileURLToPath(import.meta.url);

/** Where the built package keeps the bundles `npm pack` made (dist/functions/<name>). */
export const prebuiltFunctionDir = (name: FunctionName): string =>
  fileURLToPath(new URL(`../../functions/${name}`, import.meta.url));

/**
 * The code of a pipeline function. From the installed package: the bundles built when it was packed
 * (`dist/functions/<name>`), so a user's app needs no esbuild and none of our sources, and the asset
 * hash is the same on every machine. From this repository's sources: bundled at synth with the
 * project's esbuild (function-bundle.ts), so what deploys is always what is checked out.
 */
export const functionCode = (name: FunctionName): Code => {
  const prebuilt = prebuiltFunctionDir(name);
  if (!HERE.endsWith('.ts') && existsSync(join(prebuilt, 'index.mjs'))) return Code.fromAsset(prebuilt);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const entry = join(projectRoot, 'lambdas', name, 'handler.ts');
  if (!existsSync(entry))
    throw new Error(
      `no function code for ${name}: neither the package's bundles (${prebuilt}) nor the sources (${entry})`,
    );
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the bundle is built locally with the esbuild of the project's dependencies.
      image: PIPELINE_RUNTIME.bundlingImage,
      local: new LocalFunctionBundler(relative(projectRoot, entry), projectRoot),
    },
  });
};
