import * as z from 'zod';
import { DEFAULT_MAX_BODY_BYTES, MAX_STORABLE_BODY_BYTES } from './aws-limits.js';
import { ConfigError } from './errors.js';

const PLAID_ENVIRONMENTS = {
  sandbox: 'https://sandbox.plaid.com',
  production: 'https://production.plaid.com',
} as const;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Default dedupe window: above the oldest accepted Plaid token (300 s) plus clock skew. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 600;
/** Clock skew allowed between Plaid and us, on top of the token age, for the dedupe window. */
export const CLOCK_SKEW_SECONDS = 30;

/** The ingest function's environment (design sections 2–4). Secrets are referenced by ARN only. */
export const IngestConfigSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    QUEUE_URL: z.string().regex(/^https?:\/\/\S+$/, 'expected an SQS queue URL'),
    /** Plaid environment name, used when PLAID_BASE_URL is not set. */
    PLAID_ENV: z.enum(['sandbox', 'production']).default('production'),
    PLAID_BASE_URL: optionalString.pipe(z.url().optional()),
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
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .max(
        MAX_STORABLE_BODY_BYTES,
        `at most ${MAX_STORABLE_BODY_BYTES}: the largest body a DynamoDB item stores`,
      )
      .default(DEFAULT_MAX_BODY_BYTES),
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
    DYNAMODB_ENDPOINT: optionalString.pipe(z.url().optional()),
    SQS_ENDPOINT: optionalString.pipe(z.url().optional()),
  })
  .superRefine((env, ctx) => {
    const least = env.PLAID_MAX_TOKEN_AGE_SECONDS + CLOCK_SKEW_SECONDS;
    if (env.DEDUPE_WINDOW_SECONDS < least) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEDUPE_WINDOW_SECONDS'],
        message: `must be at least ${least} (PLAID_MAX_TOKEN_AGE_SECONDS + ${CLOCK_SKEW_SECONDS} s of clock skew), so a captured delivery replayed while its token is still accepted is a duplicate; got ${env.DEDUPE_WINDOW_SECONDS}`,
      });
    }
  })
  .transform((env) => ({
    ...env,
    plaidBaseUrl: env.PLAID_BASE_URL ?? PLAID_ENVIRONMENTS[env.PLAID_ENV],
  }));
export type IngestConfig = z.infer<typeof IngestConfigSchema>;

/**
 * Parses an environment once, at cold start. Fails with one message naming every bad variable,
 * so a misconfigured deployment says what to fix on its first invocation.
 */
export const parseConfig = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
  throw new ConfigError(`invalid function configuration: ${problems}`);
};

/** The ingest configuration from `process.env` (or the given environment). */
export const loadIngestConfig = (env: Record<string, string | undefined> = process.env): IngestConfig =>
  parseConfig(IngestConfigSchema, env);

/** The router function's environment. */
export const RouterConfigSchema = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  /** The queue's maxReceiveCount: a record failing on that receive is marked `failed`. */
  MAX_RECEIVE_COUNT: positiveInt(5),
  /** Ingest's dedupe window (the same value as the ingest function's). */
  DEDUPE_WINDOW_SECONDS: positiveInt(DEFAULT_DEDUPE_WINDOW_SECONDS),
  /** How long ingest may take between its send and its write: above its function timeout. */
  INGEST_BUDGET_SECONDS: positiveInt(10),
  /** Retention of a record the router adopts (the same value as the ingest function's). */
  RETENTION_DAYS: positiveInt(30),
  /** Local use only. */
  DYNAMODB_ENDPOINT: optionalString.pipe(z.url().optional()),
  EVENTBRIDGE_ENDPOINT: optionalString.pipe(z.url().optional()),
});
export type RouterConfig = z.infer<typeof RouterConfigSchema>;

/** The router configuration from `process.env` (or the given environment). */
export const loadRouterConfig = (env: Record<string, string | undefined> = process.env): RouterConfig =>
  parseConfig(RouterConfigSchema, env);
