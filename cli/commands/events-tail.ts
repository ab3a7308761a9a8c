import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type EventPattern, matchesEventPattern } from '../../local/event-pattern/event-pattern.js';
import { eventsLogPath, findLocalPipeline, localDir } from '../local-settings.js';

/** The flags of `events tail`. */
export interface TailFlags {
  readonly type: readonly string[];
  readonly source?: string | undefined;
  readonly pattern?: EventPattern | undefined;
  readonly follow?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly file?: string | undefined;
  readonly port?: number | undefined;
  readonly localDir?: string | undefined;
}

interface LoggedEvent {
  time?: string;
  source?: string;
  'detail-type'?: string;
  detail?: { metadata?: { webhookId?: string; replayed?: boolean } };
}

/** What the running pipeline says about itself (`GET /_local`), for its events log. */
const askEventsLog = async (url: string): Promise<string | undefined> => {
  try {
    const response = await fetch(`${url}/_local`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? ((await response.json()) as { eventsLog?: string }).eventsLog : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The events log to read: `--file`, `EVENTS_LOG`, the log of the running local pipeline (as
 * its dev.json records it, or as it answers on `--port` / `PORT`), else `<local dir>/events.ndjson`.
 */
export const findEventsLog = async (env: NodeJS.ProcessEnv, flags: TailFlags): Promise<string> => {
  const dir = localDir(env, flags.localDir);
  if (flags.file || env.EVENTS_LOG) return eventsLogPath(env, dir, flags.file);
  const pipeline = findLocalPipeline(env, dir, flags.port);
  const running =
    pipeline.eventsLog ?? (pipeline.source === 'default' ? undefined : await askEventsLog(pipeline.url));
  return running ? resolve(running) : eventsLogPath(env, dir);
};

/** `events tail`: prints the events log (filtered), oldest first; with `follow`, until `signal`. */
export const tailEvents = async (
  env: NodeJS.ProcessEnv,
  flags: TailFlags,
  out: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> => {
  const file = await findEventsLog(env, flags);
  const types = new Set(flags.type);
  const show = (line: string) => {
    if (!line.trim()) return;
    let event: LoggedEvent;
    try {
      event = JSON.parse(line) as LoggedEvent;
    } catch {
      return;
    }
    if (types.size && !types.has(event['detail-type'] ?? '')) return;
    if (flags.source && event.source !== flags.source) return;
    if (flags.pattern && !matchesEventPattern(flags.pattern, line)) return;
    if (flags.json) out(line);
    else {
      const meta = event.detail?.metadata;
      out(
        `${event.time ?? '-'}  ${(event.source ?? '-').padEnd(15)} ${(event['detail-type'] ?? '-').padEnd(50)} ${meta?.webhookId ?? '-'}${meta?.replayed ? ' (replayed)' : ''}`,
      );
    }
  };

  let offset = 0;
  let partial = '';
  const readNew = async () => {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return;
    }
    if (size < offset) offset = 0;
    if (size === offset) return;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      await handle.read(buffer, 0, buffer.length, offset);
      offset = size;
      const lines = (partial + buffer.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) show(line);
    } finally {
      await handle.close();
    }
  };
  await readNew();
  if (!flags.follow) {
    if (partial) show(partial);
    return;
  }
  while (!signal?.aborted) {
    await new Promise((r) => setTimeout(r, 250));
    await readNew();
  }
};
