import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/dev-process.js';
import { tempDir } from './stubs/run-cli.js';

const run = promisify(execFile);

describe('--stack on a machine with no AWS region configured', () => {
  it('says how to name the region: --region or AWS_REGION (exit 1, before any call)', async () => {
    // Prepare: a user's first run, as a child process: no AWS variables, no AWS config files
    const home = tempDir();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none', 'credentials'),
    };
    // Act
    const result = await run(
      process.execPath,
      [CLI, 'requeue', '--stack', 'WebhookPipeline-prod', '--dry-run'],
      {
        env,
        cwd: home,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'webhook-pipeline requeue: cannot read the outputs of stack WebhookPipeline-prod: Region is missing; ' +
        'name it with --region <region> or set AWS_REGION (or a region in your AWS profile)',
    );
  });
});
