import { open, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error.js';
import { eventsLogPath, localDir } from '../local-settings.js';

export const EVENTS_HELP = `Usage:
  webhook-pipeline events tail [--type <detail-type>]... [--source <source>] [-f] [--json]

Prints the events the local bus received (the events log), oldest first.

Options:
  --type <detail-type>  Only this detail-type (repeatable), e.g. TRANSACTIONS.SYNC_UPDATES_AVAILABLE
  --source <source>     Only this source: webhooks.plaid or webhooks.argyle
  -f, --follow          Keep printing new events until interrupted
  --json                Print each event as its JSON line
  --file <path>         The events log (default $EVENTS_LOG or <local dir>/events.ndjson)
  -h, --help            This help`;

interface LoggedEvent {
  time?: string;
  source?: string;
  'detail-type'?: string;
  detail?: { metadata?: { webhookId?: string; replayed?: boolean } };
}

/** `webhook-pipeline events tail`. */
export const events = async (
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      type: { type: 'string', multiple: true, default: [] },
      source: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      json: { type: 'boolean', default: false },
      file: { type: 'string' },
      'local-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    out(EVENTS_HELP);
    return 0;
  }
  if (positionals[0] !== 'tail') throw new UsageError('unknown events command; use: events tail');
  const file = eventsLogPath(env, localDir(env, values['local-dir']), values.file);
  const types = new Set(values.type);
  const show = (line: string) => {
    if (!line.trim()) return;
    let event: LoggedEvent;
    try {
      event = JSON.parse(line) as LoggedEvent;
    } catch {
      return;
    }
    if (types.size && !types.has(event['detail-type'] ?? '')) return;
    if (values.source && event.source !== values.source) return;
    if (values.json) out(line);
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
  if (!values.follow) {
    if (partial) show(partial);
    return 0;
  }
  while (!signal?.aborted) {
    await new Promise((r) => setTimeout(r, 250));
    await readNew();
  }
  return 0;
};
