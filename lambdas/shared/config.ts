import { DEFAULT_MAX_BODY_BYTES, MAX_STORABLE_BODY_BYTES } from './aws-limits.js';
import { ConfigError } from './errors.js';

// The environment is read by the small reader below rather than by zod schemas: the configuration
// is read at import, and importing zod and building these schemas there was about a quarter of the
// bare function's cold start (docs/benchmarks.md). The handlers load zod with the first webhook's
// catalogue instead. The reader keeps what the schemas gave: every bad variable named in one
// ConfigError, with what was expected.

/** One variable's reading: its value, or what is wrong with it. */
export type VariableReading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

/** How one environment variable is read (`undefined`: the variable is not set). */
export type EnvVariable<T> = (raw: string | undefined) => VariableReading<T>;

/** A function's environment: every variable it reads, by name. */
export type EnvSpec = Readonly<Record<string, EnvVariable<unknown>>>;

/** The values an {@link EnvSpec} reads. */
export type EnvValues<S extends EnvSpec> = {
  -readonly [K in keyof S]: S[K] extends EnvVariable<infer T> ? T : never;
};

const value = <T>(v: T): VariableReading<T> => ({ ok: true, value: v });
const problem = (message: string): VariableReading<never> => ({ ok: false, problem: message });

/** Required, not empty (taken as set). */
const requiredString: EnvVariable<string> = (raw) => {
  if (raw === undefined) return problem('required');
  return raw === '' ? problem('must not be empty') : value(raw);
};

/** Required, matching `pattern`; `expected` says what it should be. */
const matching =
  (pattern: RegExp, expected: string): EnvVariable<string> =>
  (raw) => {
    const read = requiredString(raw);
    if (!read.ok || pattern.test(read.value)) return read;
    return problem(expected);
  };

/** One of `choices`, `fallback` when not set. */
const oneOf =
  <const C extends string>(choices: readonly C[], fallback: C): EnvVariable<C> =>
  (raw) => {
    if (raw === undefined) return value(fallback);
    return (choices as readonly string[]).includes(raw)
      ? value(raw as C)
      : problem(`expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got "${raw}"`);
  };

/** Trimmed; not set or blank reads as not set. */
const optionalString: EnvVariable<string | undefined> = (raw) => {
  const trimmed = raw?.trim();
  return value(trimmed === '' ? undefined : trimmed);
};

/** An optional absolute URL (what `URL` parses), trimmed. */
const optionalUrl: EnvVariable<string | undefined> = (raw) => {
  const read = optionalString(raw);
  if (!read.ok || read.value === undefined || URL.canParse(read.value)) return read;
  return problem(`expected a URL, got "${read.value}"`);
};

/** A positive whole number (read as `Number` reads it), `fallback` when not set, at most `max`. */
const positiveInt =
  (fallback: number, max?: { readonly value: number; readonly reason: string }): EnvVariable<number> =>
  (raw) => {
    if (raw === undefined) return value(fallback);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) return problem(`expected a positive whole number, got "${raw}"`);
    if (max !== undefined && n > max.value) return problem(max.reason);
    return value(n);
  };

/** A number from `min` to `max`, `fallback` when not set or blank. */
export const numberBetween =
  (min: number, max: number, fallback: number): EnvVariable<number> =>
  (raw) => {
    const trimmed = raw?.trim();
    if (trimmed === undefined || trimmed === '') return value(fallback);
    const n = Number(trimmed);
    if (Number.isNaN(n) || n < min || n > max)
      return problem(`expected a number from ${min} to ${max}, got "${raw}"`);
    return value(n);
  };

/**
 * Reads an environment once, at cold start. Fails with one message naming every bad variable,
 * so a misconfigured deployment says what to fix on its first invocation. `check` runs when every
 * variable reads, for rules across variables (it returns problems as `NAME: message`).
 */
export const readEnvironment = <S extends EnvSpec>(
  spec: S,
  env: Record<string, string | undefined>,
  check?: (values: EnvValues<S>) => readonly string[],
): EnvValues<S> => {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of Object.keys(spec)) {
    const read = (spec[name] as EnvVariable<unknown>)(env[name]);
    if (read.ok) values[name] = read.value;
    else problems.push(`${name}: ${read.problem}`);
  }
  if (problems.length === 0 && check) problems.push(...check(values as EnvValues<S>));
  if (problems.length > 0) throw new ConfigError(`invalid function configuration: ${problems.join('; ')}`);
  return values as EnvValues<S>;
};

const PLAID_ENVIRONMENTS = {
  sandbox: 'https://sandbox.plaid.com',
  production: 'https://production.plaid.com',
} as const;

/** Default dedupe window: above the oldest accepted Plaid token (300 s) plus clock skew. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 600;
/** Clock skew allowed between Plaid and us, on top of the token age, for the dedupe window. */
export const CLOCK_SKEW_SECONDS = 30;

/** The ingest function's environment (design sections 2–4). Secrets are referenced by ARN only. */
export const INGEST_ENVIRONMENT = {
  TABLE_NAME: requiredString,
  QUEUE_URL: matching(/^https?:\/\/\S+$/, 'expected an SQS queue URL'),
  /** Plaid environment name, used when PLAID_BASE_URL is not set. */
  PLAID_ENV: oneOf(['sandbox', 'production'], 'production'),
  PLAID_BASE_URL: optionalUrl,
  /** Secrets Manager secret holding `{"client_id": "…", "secret": "…"}`. */
  PLAID_SECRET_ARN: optionalString,
  /** Local use only: Plaid API credentials straight from the environment. */
  PLAID_CLIENT_ID: optionalString,
  PLAID_SECRET: optionalString,
  /** Secrets Manager secret holding the Argyle webhook secrets: a JSON array, `{"secrets": […]}` or a comma list. */
  ARGYLE_SECRET_ARN: optionalString,
  /** Local use only: comma-separated Argyle webhook secrets. */
  ARGYLE_WEBHOOK_SECRETS: optionalString,
  /** At most what one DynamoDB item stores with the record's other attributes (aws-limits.ts). */
  MAX_BODY_BYTES: positiveInt(DEFAULT_MAX_BODY_BYTES, {
    value: MAX_STORABLE_BODY_BYTES,
    reason: `at most ${MAX_STORABLE_BODY_BYTES}: the largest body a DynamoDB item stores`,
  }),
  /** Must cover the oldest accepted Plaid token plus clock skew (checked below). */
  DEDUPE_WINDOW_SECONDS: positiveInt(DEFAULT_DEDUPE_WINDOW_SECONDS),
  RETENTION_DAYS: positiveInt(30),
  PLAID_MAX_TOKEN_AGE_SECONDS: positiveInt(300),
  /** Plaid key fetches per function instance per minute at most; past it an uncached kid gets 503. */
  PLAID_KEY_FETCHES_PER_MINUTE: positiveInt(20),
  /**
   * Optional: Plaid webhooks only from these source addresses (403 otherwise, before verification).
   * `plaid` for Plaid's published addresses, or a comma list of IPv4/IPv6 addresses and CIDR blocks.
   */
  PLAID_ALLOWED_SOURCE_IPS: optionalString,
  /** How long secrets are cached in the function before Secrets Manager is asked again. */
  SECRETS_MAX_AGE_SECONDS: positiveInt(300),
  /** Local use only: endpoints of emulators or of another region. */
  DYNAMODB_ENDPOINT: optionalUrl,
  SQS_ENDPOINT: optionalUrl,
} as const satisfies EnvSpec;

/** The ingest configuration: its environment, and the Plaid API base URL resolved from it. */
export type IngestConfig = EnvValues<typeof INGEST_ENVIRONMENT> & { readonly plaidBaseUrl: string };

/** The ingest configuration from `process.env` (or the given environment). */
export const loadIngestConfig = (env: Record<string, string | undefined> = process.env): IngestConfig => {
  const values = readEnvironment(INGEST_ENVIRONMENT, env, (v) => {
    const least = v.PLAID_MAX_TOKEN_AGE_SECONDS + CLOCK_SKEW_SECONDS;
    return v.DEDUPE_WINDOW_SECONDS < least
      ? [
          `DEDUPE_WINDOW_SECONDS: must be at least ${least} (PLAID_MAX_TOKEN_AGE_SECONDS + ${CLOCK_SKEW_SECONDS} s of clock skew), so a captured delivery replayed while its token is still accepted is a duplicate; got ${v.DEDUPE_WINDOW_SECONDS}`,
        ]
      : [];
  });
  return { ...values, plaidBaseUrl: values.PLAID_BASE_URL ?? PLAID_ENVIRONMENTS[values.PLAID_ENV] };
};

/** The router function's environment. */
export const ROUTER_ENVIRONMENT = {
  TABLE_NAME: requiredString,
  EVENT_BUS_NAME: requiredString,
  /** The queue's maxReceiveCount: a record failing on that receive is marked `failed`. */
  MAX_RECEIVE_COUNT: positiveInt(5),
  /** Ingest's dedupe window (the same value as the ingest function's). */
  DEDUPE_WINDOW_SECONDS: positiveInt(DEFAULT_DEDUPE_WINDOW_SECONDS),
  /** How long ingest may take between its send and its write: above its function timeout. */
  INGEST_BUDGET_SECONDS: positiveInt(10),
  /** Retention of a record the router adopts (the same value as the ingest function's). */
  RETENTION_DAYS: positiveInt(30),
  /** Age after which a claim whose holder never published may be taken over (above the function timeout). */
  CLAIM_LEASE_SECONDS: positiveInt(60),
  /**
   * `false`: no `EventsPublished` count for a plain publish (one EMF line per invocation and
   * provider, read by the dashboard only); exceptions are always counted. The stack sets it with
   * the dashboard (docs/costs.md).
   */
  PUBLISHED_COUNTS: oneOf(['true', 'false'], 'true'),
  /** Local use only. */
  DYNAMODB_ENDPOINT: optionalUrl,
  EVENTBRIDGE_ENDPOINT: optionalUrl,
} as const satisfies EnvSpec;
export type RouterConfig = EnvValues<typeof ROUTER_ENVIRONMENT>;

/** The router configuration from `process.env` (or the given environment). */
export const loadRouterConfig = (env: Record<string, string | undefined> = process.env): RouterConfig =>
  readEnvironment(ROUTER_ENVIRONMENT, env);
