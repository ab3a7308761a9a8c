import { open, readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  type EventPattern,
  matchesEventPattern,
  parseEventPattern,
} from '../../lambdas/local/event-pattern.js';
import { isJsonObject, parseJsonExact } from '../../lambdas/local/event-pattern-values.js';
import { InvalidEventPatternError } from '../../lambdas/shared/errors.js';
import { UsageError } from '../cli-error.js';
import { eventsLogPath, localDir } from '../local-settings.js';

export const EVENTS_HELP = `Usage:
  webhook-pipeline events tail [--type <detail-type>]... [--source <source>] [--pattern <json|@file>] [-f] [--json]
  webhook-pipeline events test-pattern --pattern <json|@file> --event <json|@file>

tail prints the events the local bus received (the events log), oldest first.

test-pattern says whether an EventBridge event pattern matches an event, with the same matcher as
the local rules (every content-filtering operator), like 'aws events test-event-pattern': prints
true or false and exits 0 either way; an invalid pattern exits 2 with the reason PutRule gives.

Options:
  --type <detail-type>    Only this detail-type (repeatable), e.g. TRANSACTIONS.SYNC_UPDATES_AVAILABLE
  --source <source>       Only this source: webhooks.plaid or webhooks.argyle
  --pattern <json|@file>  Only events this EventBridge event pattern matches (JSON text, or @ and a file)
  --event <json|@file>    test-pattern: the event, as a rule target receives it
  -f, --follow            Keep printing new events until interrupted
  --json                  Print each event as its JSON line
  --file <path>           The events log (default $EVENTS_LOG or <local dir>/events.ndjson)
  -h, --help              This help`;

/** A `--pattern` or `--event` value: JSON text, or `@path` for a file's content. */
const jsonArgument = async (name: string, value: string | undefined): Promise<string> => {
  if (value === undefined) throw new UsageError(`missing --${name} <json|@file>`);
  if (!value.startsWith('@')) return value;
  try {
    return await readFile(value.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
};

/** Parses a pattern argument; an invalid pattern is a usage error (exit 2) carrying PutRule's reason. */
const patternArgument = async (value: string | undefined): Promise<EventPattern> => {
  try {
    return parseEventPattern(await jsonArgument('pattern', value));
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw new UsageError(error.message);
    throw error;
  }
};

/** `events test-pattern`: true or false on one line. */
const testPattern = async (
  values: { pattern?: string | undefined; event?: string | undefined },
  out: (line: string) => void,
): Promise<number> => {
  const pattern = await patternArgument(values.pattern);
  const text = await jsonArgument('event', values.event);
  let event: unknown;
  try {
    event = parseJsonExact(text);
  } catch (error) {
    throw new UsageError(`--event is not valid JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(event)) throw new UsageError('--event must be a JSON object');
  out(String(matchesEventPattern(pattern, event)));
  return 0;
};

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
      pattern: { type: 'string' },
      event: { type: 'string' },
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
  if (positionals[0] === 'test-pattern') return testPattern(values, out);
  if (positionals[0] !== 'tail')
    throw new UsageError('unknown events command; use: events tail, events test-pattern');
  const pattern = values.pattern === undefined ? undefined : await patternArgument(values.pattern);
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
    if (pattern && !matchesEventPattern(pattern, line)) return;
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
