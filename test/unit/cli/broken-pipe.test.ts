import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/dev-process.js';
import { tempDir, writeLines } from '../../ops/stubs/run-cli.js';

describe('events tail --json | head -1', () => {
  it('ends quietly with status 0 when the reader closes the pipe (no EPIPE, no stack)', async () => {
    // Prepare: more events than one pipe buffer holds, so writes go on after the reader has gone
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({
        source: 'webhooks.plaid',
        'detail-type': 'ITEM.ERROR',
        detail: { metadata: { webhookId: `w${i}` } },
      }),
    );
    const log = writeLines(tempDir(), 'events.ndjson', lines);
    // Act: read the first line, then close our end, as head -1 does
    const child = spawn(process.execPath, [CLI, 'events', 'tail', '--json', '-f', '--file', log], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOCAL_DIR: join(tempDir(), '.local') },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const first = await new Promise<string>((resolve) => {
      child.stdout.once('data', (d: Buffer) => {
        resolve(d.toString().split('\n')[0] ?? '');
        child.stdout.destroy();
      });
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    // Assess
    expect(JSON.parse(first)).toMatchObject({ detail: { metadata: { webhookId: 'w0' } } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
