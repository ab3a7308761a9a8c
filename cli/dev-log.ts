// `npm run dev` runs the functions' real handlers in its own process, so their Powertools log lines
// (JSON) land in the dev log between its one-line entries. These helpers turn each into one entry
// of the same layout (`HH:MM:SS.mmm  router   WARN record failed: …`); what the deployed functions
// log is unchanged. EMF metric lines, printed only when metrics are turned on locally
// (POWERTOOLS_METRICS_DISABLED=false), are left as they are: whoever turns them on reads them as
// CloudWatch would, and tools count them (test/reliability does).

/** Keys Powertools writes on every line: said by the entry's layout, or of no use locally. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/** `webhook-router` → `router`, padded like the dev log's other components. */
const component = (service: unknown): string =>
  String(service ?? 'function')
    .replace(/^webhook-/, '')
    .padEnd(8);

/** `key=value`, the value quoted when it has spaces, JSON when it is not a string. */
const field = (key: string, value: unknown): string =>
  `${key}=${typeof value === 'string' ? (/\s/.test(value) || value === '' ? JSON.stringify(value) : value) : JSON.stringify(value)}`;

/** The `HH:MM:SS.mmm` of an ISO time, as the dev log prints times. */
const clock = (at: unknown): string => {
  const date = new Date(typeof at === 'string' ? at : Date.now());
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().slice(11, 23);
};

/**
 * The readable entry of a function's JSON log line; undefined for any other line (the dev log's
 * own entries, EMF metric lines, other JSON), which is then written as it is.
 */
export const readableFunctionLine = (line: string): string | undefined => {
  if (!line.startsWith('{') || !line.endsWith('}')) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  // EMF metric lines (`_aws`) have no level: they are left as they are.
  if (typeof json.level !== 'string' || typeof json.message !== 'string') return undefined;
  const details = Object.entries(json)
    .filter(([key]) => !STANDARD_KEYS.has(key))
    .map(([key, value]) => field(key, value));
  return `${clock(json.timestamp)}  ${component(json.service)} ${json.level} ${json.message}${details.length ? `: ${details.join(' ')}` : ''}`;
};

/** Rewrites the function lines of a chunk of whole lines; other lines are kept byte for byte. */
export const readableChunk = (text: string): string =>
  text
    .split('\n')
    .map((line) => readableFunctionLine(line) ?? line)
    .join('\n');

/**
 * Makes `stream` (stdout or stderr of the dev process) write function lines readably, until the
 * returned function is called. Only chunks of whole lines are rewritten, as the loggers write them.
 */
export const showFunctionLogsReadably = (stream: NodeJS.WriteStream): (() => void) => {
  const write = stream.write;
  const readable = ((chunk: unknown, ...rest: unknown[]) => {
    // Loggers write strings; buffers (and partial lines) go through untouched.
    const rewritten =
      typeof chunk === 'string' && chunk.endsWith('\n') && chunk.includes('{')
        ? readableChunk(chunk)
        : undefined;
    return (write as (...args: unknown[]) => boolean).call(stream, rewritten ?? chunk, ...rest);
  }) as typeof stream.write;
  stream.write = readable;
  return () => {
    if (stream.write === readable) stream.write = write;
  };
};
