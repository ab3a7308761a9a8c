import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Lays out committed result files as the project's formatter does, so that `npm run lint` passes
 * after a run that rewrote them (JSON arrays that fit a line are kept on one). Warns, never throws.
 */
export const formatWithBiome = (root: string, files: readonly string[]): void => {
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', ...files], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch (error) {
    process.stderr.write(`could not format ${files.join(', ')} with Biome: ${(error as Error).message}\n`);
  }
};
