import { UsageError } from '../cli-error.js';

/** `parseArgs` options shared by the commands that act on a pipeline. */
export const TARGET_OPTIONS = {
  local: { type: 'boolean', default: false },
  stack: { type: 'string' },
  region: { type: 'string' },
  'local-dir': { type: 'string' },
} as const;

/** `parseArgs` options shared by every operations command. */
export const COMMON_OPTIONS = {
  report: { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Help lines of {@link TARGET_OPTIONS}. */
export const TARGET_HELP = `  --local             The local pipeline (npm run dev on $PORT, default 3000)
  --stack <name>      A deployed stack: its CloudFormation outputs name the table and queues
  --region <region>   AWS region of the stack (default: the usual AWS configuration)
  --local-dir <dir>   Folder of the local dev keys (default $LOCAL_DIR or .local)`;

/** Help lines of {@link COMMON_OPTIONS}; `command` names the default report file. */
export const commonHelp = (command: string, concurrency: number): string =>
  `  --concurrency <n>   Calls in flight at once (default ${concurrency})
  --report <file>     JSON report (default reports/${command}-<timestamp>.json)
  -h, --help          This help`;

/** A whole number in [min, max]; `fallback` when the flag is absent. */
export const intOption = (
  flag: string,
  value: string | undefined,
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${value}"`,
    );
  }
  return n;
};

/** A positive number (rates may be fractional). */
export const numberOption = (flag: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  }
  return n;
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A time flag: an ISO 8601 date or date-time (`2026-11-25`, `2026-11-25T12:00:00Z`), `now`, or a
 * duration before now (`90m`, `6h`, `2d`). Returned as ISO with milliseconds, like `receivedAt`.
 */
export const parseTime = (flag: string, value: string, now: number): string => {
  const text = value.trim();
  if (text === 'now') return new Date(now).toISOString();
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (relative)
    return new Date(now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 1000)).toISOString();
  // A date or date-time without a zone is read as UTC, as the stored times are.
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(text) ? `${text}${text.length > 10 ? 'Z' : ''}` : text;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag} must be an ISO 8601 time (2026-11-25T12:00:00Z), a date, "now" or a duration ago (90m, 6h, 2d); got "${value}"`,
    );
  }
  return new Date(ms).toISOString();
};

/** The longest window a replay may cover, in days (each day is one Query per provider). */
export const MAX_WINDOW_DAYS = 366;

/** Parses and checks `--from` / `--to`: from before to, at most {@link MAX_WINDOW_DAYS}. */
export const parseWindow = (
  from: string | undefined,
  to: string | undefined,
  now: number,
): { from: string; to: string } => {
  if (!from) throw new UsageError('missing --from <time>');
  const window = { from: parseTime('--from', from, now), to: parseTime('--to', to ?? 'now', now) };
  if (!(window.from < window.to))
    throw new UsageError(`--from (${window.from}) must be before --to (${window.to})`);
  if (Date.parse(window.to) - Date.parse(window.from) > MAX_WINDOW_DAYS * 86_400_000) {
    throw new UsageError(`the window is longer than ${MAX_WINDOW_DAYS} days; split it`);
  }
  return window;
};

/** Splits a comma-separated (and/or repeated) list flag, dropping blanks. */
export const listOption = (values: readonly string[] | string | undefined): string[] =>
  (Array.isArray(values) ? values : values === undefined ? [] : [values])
    .flatMap((v: string) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** Checks that a URL flag is an absolute http(s) URL. */
export const urlOption = (flag: string, value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`);
  }
  return value;
};

/** A rate flag: `50`, `50/s` or `3000/m`, returned per second. */
export const parseRate = (value: string | undefined, fallback: number, flag = '--rate'): number => {
  if (value === undefined) return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([sm]))?\s*$/.exec(value);
  const n = match ? Number(match[1]) / (match[2] === 'm' ? 60 : 1) : Number.NaN;
  if (!(n > 0)) throw new UsageError(`${flag} must be a positive rate (50, 50/s or 3000/m), got "${value}"`);
  return n;
};
