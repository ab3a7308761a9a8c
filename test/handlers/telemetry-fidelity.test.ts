import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('the ingest and router handlers’ cheap log and metric lines', () => {
  it('are, key by key, the lines Powertools writes for the same requests', async () => {
    // Prepare: the output check of the benchmarks, in its own process (it sets the Lambda environment).
    const file = join(mkdtempSync(join(tmpdir(), 'fidelity-')), 'result.json');
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RESULT_FILE: file };
    for (const key of ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV'])
      delete env[key];
    // Act
    await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'fidelity.ts')], { cwd: ROOT, env });
    const result = JSON.parse(readFileSync(file, 'utf8')) as {
      identical: boolean;
      lines: number;
      mismatches: string[];
    };
    // Assess
    expect(result.mismatches).toEqual([]);
    expect(result.identical).toBe(true);
    expect(result.lines).toBeGreaterThanOrEqual(10);
  });
});
