import { isProviderName, type ProviderName } from '@webhook-pipeline/events/sources';
import { parseVolume } from '../../lib/cost/volume.js';
import { UsageError } from '../cli-error.js';
import { nearest } from '../suggest.js';

// Value checks, written once and handed to commander as argParsers: each throws a UsageError whose
// text is what the user sees (exit 2), so the messages stay the same whichever command uses them.

/** An argParser: commander calls it with the flag's text (and the value so far, for repeatables). */
export type ArgParser<T> = (value: string, previous: T) => T;

/** A whole number in [min, max]. */
export const intArg =
  (flag: string, { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {}) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(
        `${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${value}"`,
      );
    }
    return n;
  };

/** Reads a rate: `50`, `50/s` or `3000/m`, returned per second. */
export const parseRate = (flag: string, value: string): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([sm]))?\s*$/.exec(value);
  const n = match ? Number(match[1]) / (match[2] === 'm' ? 60 : 1) : Number.NaN;
  if (!(n > 0)) throw new UsageError(`${flag} must be a positive rate (50, 50/s or 3000/m), got "${value}"`);
  return n;
};

/** A rate flag, per second. */
export const rateArg =
  (flag: string) =>
  (value: string): number =>
    parseRate(flag, value);

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

/**
 * A time flag, checked as soon as it is read: the value stays as typed, so that `--to now` and
 * durations are taken against the command's own start time (see {@link parseWindow}).
 */
export const timeArg =
  (flag: string) =>
  (value: string): string => {
    parseTime(flag, value, Date.now());
    return value;
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

/** A repeatable flag whose values may also be comma-separated: every value, in order. */
export const listArg = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...listOption(value),
];

/** A repeatable flag: every value, in order. */
export const repeatArg = (value: string, previous: string[] = []): string[] => [...previous, value];

/** An absolute http(s) URL. */
export const urlArg =
  (flag: string) =>
  (value: string): string => {
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

const PROVIDERS: readonly ProviderName[] = ['plaid', 'argyle'];

/** Checks a provider name (an argument or `--provider`). */
export const parseProvider = (value: string | undefined): ProviderName => {
  if (value === undefined) throw new UsageError('missing provider: plaid or argyle');
  if (!isProviderName(value)) {
    const near = nearest(value, PROVIDERS);
    throw new UsageError(
      `unknown provider "${value}": use plaid or argyle${near.length ? ` (did you mean ${near[0]}?)` : ''}`,
    );
  }
  return value;
};

/** A provider argParser. */
export const providerArg = (value: string): ProviderName => parseProvider(value);

/** A monthly volume (`1M`, `250k`, `2.5M`, `1B`, `250000`), in webhooks. */
export const volumeArg =
  (flag: string) =>
  (value: string): number => {
    const webhooks = parseVolume(value);
    if (webhooks === undefined) {
      throw new UsageError(
        `${flag} must be a number of webhooks a month (250000, 250k, 1M, 2.5M, 1B), got "${value}"`,
      );
    }
    return webhooks;
  };

/**
 * A repeatable `-c key=value`, as `cdk synth -c` takes it: the settings collected in order, a later
 * value of a key winning.
 */
export const contextArg = (value: string, previous: Record<string, string> = {}): Record<string, string> => {
  const at = value.indexOf('=');
  const key = value.slice(0, at).trim();
  if (at <= 0 || key === '') throw new UsageError(`-c takes a setting as key=value, got "${value}"`);
  return { ...previous, [key]: value.slice(at + 1) };
};
