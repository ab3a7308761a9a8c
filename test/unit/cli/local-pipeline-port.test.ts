import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEventsLog } from '../../../cli/commands/events-tail.js';
import { devRecordPath, removeDevRecord, writeDevRecord } from '../../../cli/dev-record.js';
import { findLocalPipeline } from '../../../cli/local-settings.js';
import { tempDir } from '../../ops/stubs/run-cli.js';

/** The id of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 0;

describe("where another terminal finds npm run dev's port", () => {
  it('takes --port, then PORT, then the running dev process of the local folder, then 3000', async () => {
    // Prepare: a dev process (this one) recorded in the folder, listening on 3917
    const dir = tempDir();
    await writeDevRecord(dir, { url: 'http://127.0.0.1:3917', eventsLog: join(dir, 'elsewhere.ndjson') });
    // Act & Assess
    expect(findLocalPipeline({ PORT: '4000' }, dir, 5000)).toMatchObject({ port: 5000, source: '--port' });
    expect(findLocalPipeline({ PORT: '4000' }, dir)).toMatchObject({ port: 4000, source: 'PORT' });
    expect(findLocalPipeline({}, dir)).toEqual({
      url: 'http://127.0.0.1:3917',
      port: 3917,
      source: 'dev.json',
      eventsLog: join(dir, 'elsewhere.ndjson'),
    });
    expect(findLocalPipeline({}, tempDir())).toEqual({
      url: 'http://127.0.0.1:3000',
      port: 3000,
      source: 'default',
    });
    expect(() => findLocalPipeline({ PORT: 'abc' }, dir)).toThrow('PORT must be a port number, got "abc"');
  });

  it('ignores the record of a dev process that is gone (killed before it could remove it)', () => {
    const dir = tempDir();
    writeFileSync(
      devRecordPath(dir),
      JSON.stringify({
        url: 'http://127.0.0.1:3917',
        port: 3917,
        pid: deadPid(),
        eventsLog: 'x',
        startedAt: '',
      }),
    );
    expect(findLocalPipeline({}, dir)).toMatchObject({ port: 3000, source: 'default' });
  });

  it("reads the running dev process's events log, unless --file or EVENTS_LOG says otherwise", async () => {
    const dir = tempDir();
    await writeDevRecord(dir, { url: 'http://0.0.0.0:3917', eventsLog: join(dir, 'dev-events.ndjson') });
    expect(findLocalPipeline({}, dir).url).toBe('http://127.0.0.1:3917');
    expect(await findEventsLog({}, { type: [], localDir: dir })).toBe(join(dir, 'dev-events.ndjson'));
    expect(await findEventsLog({ EVENTS_LOG: join(dir, 'env.ndjson') }, { type: [], localDir: dir })).toBe(
      join(dir, 'env.ndjson'),
    );
    expect(await findEventsLog({}, { type: [], localDir: dir, file: join(dir, 'flag.ndjson') })).toBe(
      join(dir, 'flag.ndjson'),
    );
    expect(await findEventsLog({}, { type: [], localDir: tempDir() })).toMatch(/events\.ndjson$/);
  });

  it('removes the record on exit only while it is still its own', async () => {
    const dir = tempDir();
    const record = await writeDevRecord(dir, { url: 'http://127.0.0.1:3917', eventsLog: 'x' });
    removeDevRecord(dir, record.pid + 1);
    expect(existsSync(devRecordPath(dir))).toBe(true);
    removeDevRecord(dir, record.pid);
    expect(existsSync(devRecordPath(dir))).toBe(false);
  });
});
