import { readFileSync, rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a running `webhook-pipeline dev` records about itself in its local folder. */
export interface DevRecord {
  /** The ingest endpoint's base URL, `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly eventsLog: string;
  readonly startedAt: string;
}

/** The record's file: `dev.json` in the local folder. */
export const devRecordPath = (dir: string): string => join(dir, 'dev.json');

/**
 * Writes this process's record (atomically: a reader never sees half a file). The port is read
 * from the URL the pipeline listens on, so `--port 0` records the port it was given.
 */
export const writeDevRecord = async (
  dir: string,
  { url, eventsLog }: { url: string; eventsLog: string },
): Promise<DevRecord> => {
  const record: DevRecord = {
    url,
    port: Number(new URL(url).port),
    pid: process.pid,
    eventsLog,
    startedAt: new Date().toISOString(),
  };
  const file = devRecordPath(dir);
  await writeFile(`${file}.${process.pid}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${file}.${process.pid}.tmp`, file);
  return record;
};

/** Reads the record, whoever wrote it; undefined when there is none or it is not a record. */
const readDevRecord = (dir: string): DevRecord | undefined => {
  try {
    const record = JSON.parse(readFileSync(devRecordPath(dir), 'utf8')) as Partial<DevRecord>;
    if (typeof record.port !== 'number' || typeof record.pid !== 'number' || typeof record.url !== 'string')
      return undefined;
    return record as DevRecord;
  } catch {
    return undefined;
  }
};

/** True while the process runs (signal 0 checks without signalling; EPERM: it runs as another user). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The record of a dev process that is still running; undefined when there is none, or when the
 * process that wrote it is gone (killed outright, it could not remove its record).
 */
export const readLiveDevRecord = (dir: string): DevRecord | undefined => {
  const record = readDevRecord(dir);
  return record && isAlive(record.pid) ? record : undefined;
};

/**
 * Removes the record if it is still this process's (another dev process may have started on the
 * same folder since). Synchronous: it also runs on the process's `exit`.
 */
export const removeDevRecord = (dir: string, pid: number): void => {
  if (readDevRecord(dir)?.pid === pid) rmSync(devRecordPath(dir), { force: true });
};
