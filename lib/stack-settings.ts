import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseSourceIpAllowlist } from '../lambdas/ingest/source-ip.js';
import { MAX_STORABLE_BODY_BYTES } from '../lambdas/shared/aws-limits.js';
import { normalizeConsumers } from './constructs/consumer-access.js';
import { SettingsError } from './errors.js';
import {
  ACCOUNT_ID,
  CERTIFICATE_ARN,
  DOMAIN_NAME,
  EMAIL,
  HTTPS_URL,
  KMS_KEY_ARN,
  LOG_LEVELS,
  LOG_RETENTION_DAYS,
  MAX_ALLOWLIST_LENGTH,
  MAX_URL_LENGTH,
  NAMESPACE,
  SECRET_ARN,
  TOPIC_ARN,
} from './value-patterns.js';
import type { ConsumerAccess } from './webhook-pipeline-props.js';
import type { WebhookPipelineStackProps } from './webhook-pipeline-stack.js';

export { SettingsError } from './errors.js';
export { MAX_ALLOWLIST_LENGTH, MAX_CONSUMER_ACCOUNTS, MAX_URL_LENGTH } from './value-patterns.js';

/**
 * Stage names the app takes as production when the `production` setting is not given. Only these
 * and {@link NON_PRODUCTION_STAGES} are inferred; any other stage must say `production=true` or
 * `production=false`, so a stage named `prd-eu` or `live2` never gets a table deleted with its
 * stack by a guess.
 */
export const PRODUCTION_STAGES: readonly string[] = ['prod', 'production', 'prd', 'live'];
/** Stage names the app takes as not production when the `production` setting is not given. */
export const NON_PRODUCTION_STAGES: readonly string[] = [
  'dev',
  'development',
  'test',
  'testing',
  'qa',
  'staging',
  'stage',
  'stg',
  'sandbox',
  'demo',
  'preview',
  'bench',
  'ci',
];

/**
 * The CDK context keys the app reads (`cdk.json` "context" or `cdk deploy -c key=value`), with what
 * each sets. Values given on the command line arrive as strings and are parsed like JSON values.
 */
export const SETTINGS = {
  stage: 'Stage name, part of the stack and resource names (default dev)',
  production:
    'true retains every stateful resource, protects the stack, keeps logs a year and needs an alarm destination (default: from the stage name, refused when the stage is not a known one)',
  terminationProtection: 'Termination protection of the stack (default: production)',
  account: 'AWS account to deploy to (default: the CLI credentials’ account)',
  region: 'AWS region to deploy to (default: the CLI credentials’ region)',
  consumers:
    'Accounts whose rules may match the events: JSON array of account ids or {"account", "sources", "detailTypes"}',
  consumerAccountIds:
    'Deprecated (use consumers): accounts allowed rules for every source, JSON array or comma list',
  alarmEmail: 'Email address notified of alarms',
  alarmTopicArn: 'Existing SNS topic notified of alarms',
  plaidEnv: 'sandbox or production (default: production for a production stage, else sandbox)',
  plaidBaseUrl: 'Plaid API base URL, overriding plaidEnv',
  plaidSecretArn: 'Complete ARN of an existing Plaid credentials secret',
  argyleSecretArn: 'Complete ARN of an existing Argyle webhook secrets secret',
  secretsKmsKeyArn: 'ARN of the customer managed KMS key of the imported secrets (grants kms:Decrypt)',
  domainName: 'Custom domain of the webhook endpoints (with certificateArn)',
  certificateArn: 'ACM certificate ARN for domainName, in the stack region',
  reservedConcurrency: 'A number for the ingest function, or {"ingest": n, "router": n}',
  routerBatchSize: 'Messages per router invocation, 1-10000 (default 10)',
  routerMaxBatchingWindowSeconds: 'Seconds to gather a router batch, 0-300 (default 0)',
  routerMaxConcurrency: 'Most concurrent router invocations, 2-1000 (default 10)',
  archiveRetentionDays: 'Days the bus archive keeps events, 0 = forever (default 90)',
  throttleRateLimit: 'API requests per second (default 100)',
  throttleBurstLimit: 'API burst requests (default 200)',
  retentionDays: 'Days a webhook record is kept in the table (default 30)',
  dedupeWindowSeconds:
    'Seconds within which an identical body is a duplicate, at least 330: Plaid token age + skew (default 600)',
  maxBodyBytes: `Largest accepted body in bytes, at most ${MAX_STORABLE_BODY_BYTES} (default 262144)`,
  plaidKeyFetchesPerMinute: 'Plaid key fetches per ingest instance per minute, 1-600 (default 20)',
  plaidAllowedSourceIps:
    'Accept Plaid webhooks only from these addresses: "plaid" (its published ones) or a list of IPs/CIDRs (default: off)',
  logRetentionDays:
    'Days every log group is kept, a CloudWatch retention value (default 365 in production, else 30)',
  logLevel: 'POWERTOOLS_LOG_LEVEL: DEBUG, INFO, WARN or ERROR (default INFO)',
  metricsNamespace:
    'CloudWatch namespace of the custom metrics (default WebhookPipeline/webhook-pipeline-<stage>)',
  signatureFailureThreshold: 'Refused signatures in 5 minutes that raise the alarm (default 10)',
  serverErrorAlarmPercent:
    'Share of 5xx answers, in percent, that raises Ingest5xx over 15 minutes (default 5)',
  latencyAlarmThresholdSeconds: 'p99 API latency, 1-29 s, that raises ApiLatency over 15 minutes (default 5)',
  throttledRequestsAlarmThreshold:
    '429 answers in 5 minutes that raise ApiThrottled, 2 periods of 3 (default 10)',
  tracing: 'true turns on active X-Ray tracing of both functions (default false; docs/costs.md prices it)',
  dashboard: 'true adds the CloudWatch dashboard (default false; $3.00 a month)',
} as const;
export type SettingKey = keyof typeof SETTINGS;

/** What {@link parseStackSettings} returns: the stack id and its properties. */
export interface StackSettings {
  readonly stackId: string;
  readonly props: WebhookPipelineStackProps;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Validates the context values and turns them into the stack's properties. Unknown camelCase keys
 * are refused too, so a misspelt setting does not silently fall back to its default.
 */
export const parseStackSettings = (context: Readonly<Record<string, unknown>>): StackSettings => {
  const problems: string[] = [];
  const known = new Set<string>(Object.keys(SETTINGS));
  for (const key of Object.keys(context)) {
    if (/^[a-z][A-Za-z0-9]*$/.test(key) && !known.has(key)) {
      problems.push(`${key}: unknown setting (known: ${[...known].join(', ')})`);
    }
  }

  const present = (key: SettingKey): unknown => {
    const value = context[key];
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const text = (key: SettingKey, pattern: RegExp, hint: string): string | undefined => {
    const value = present(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && pattern.test(value)) return value;
    problems.push(`${key}: ${hint}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const integer = (key: SettingKey, min: number, max: number): number | undefined => {
    const value = present(key);
    if (value === undefined) return undefined;
    const n = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
    problems.push(`${key}: an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const bool = (key: SettingKey): boolean | undefined => {
    const value = present(key);
    if (value === undefined) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    problems.push(`${key}: true or false, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const list = (key: SettingKey): string[] | undefined => {
    const value = present(key);
    if (value === undefined) return undefined;
    let items: unknown = value;
    if (typeof value === 'string') {
      const trimmed = value.trim();
      try {
        items = trimmed.startsWith('[') ? JSON.parse(trimmed) : trimmed.split(',');
      } catch {
        items = undefined;
      }
    }
    if (Array.isArray(items) && items.every((i) => typeof i === 'string' || typeof i === 'number')) {
      return items.map((i) => String(i).trim()).filter(Boolean);
    }
    problems.push(`${key}: a JSON array or a comma-separated list, got ${JSON.stringify(value)}`);
    return undefined;
  };

  const stage =
    text('stage', STAGE, 'lower-case letters, digits and "-", starting with a letter, 20 at most') ?? 'dev';
  const production = bool('production') ?? inferProduction(stage, problems);
  const terminationProtection = bool('terminationProtection');
  const account = text('account', ACCOUNT_ID, 'a 12-digit account id');
  const region = text('region', REGION, 'a region name such as eu-west-1');

  const consumerAccountIds = list('consumerAccountIds');
  const consumers = consumerList(present('consumers'), problems);
  // The construct's own check, so that every problem is listed at once with the others.
  normalizeConsumers(consumers, consumerAccountIds, problems);

  const plaidEnvValue = present('plaidEnv');
  let plaidEnv: 'sandbox' | 'production' | undefined;
  if (plaidEnvValue === 'sandbox' || plaidEnvValue === 'production') plaidEnv = plaidEnvValue;
  else if (plaidEnvValue !== undefined) {
    problems.push(`plaidEnv: sandbox or production, got ${JSON.stringify(plaidEnvValue)}`);
  }
  const plaidBaseUrl = text('plaidBaseUrl', HTTPS_URL, 'an https URL');
  if (plaidBaseUrl && plaidBaseUrl.length > MAX_URL_LENGTH) {
    problems.push(`plaidBaseUrl: at most ${MAX_URL_LENGTH} characters, got ${plaidBaseUrl.length}`);
  }

  const secretHint = 'a complete secret ARN, ending with the six-character suffix Secrets Manager adds';
  const plaidSecretArn = text('plaidSecretArn', SECRET_ARN, secretHint);
  const argyleSecretArn = text('argyleSecretArn', SECRET_ARN, secretHint);
  const secretsKmsKeyArn = text(
    'secretsKmsKeyArn',
    KMS_KEY_ARN,
    'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );

  const domainName = text('domainName', DOMAIN_NAME, 'a lower-case host name such as webhooks.example.com');
  const certificateArn = text('certificateArn', CERTIFICATE_ARN, 'an ACM certificate ARN');
  if ((present('domainName') === undefined) !== (present('certificateArn') === undefined)) {
    problems.push('domainName and certificateArn: set both or neither');
  }

  const reservedConcurrency = (() => {
    const value = present('reservedConcurrency');
    if (value === undefined) return undefined;
    const parsed = jsonValue(value);
    const valid = (n: unknown) => n === undefined || (Number.isInteger(n) && (n as number) >= 1);
    if (typeof parsed === 'number' && valid(parsed)) return { ingest: parsed };
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { ingest, router, ...rest } = parsed as Record<string, unknown>;
      if (Object.keys(rest).length === 0 && valid(ingest) && valid(router)) {
        return { ingest: ingest as number | undefined, router: router as number | undefined };
      }
    }
    problems.push(
      `reservedConcurrency: a positive integer (ingest) or {"ingest": n, "router": n}, got ${JSON.stringify(value)}`,
    );
    return undefined;
  })();

  const routerBatchSize = integer('routerBatchSize', 1, 10_000);
  const routerWindow = integer('routerMaxBatchingWindowSeconds', 0, 300);
  if ((routerBatchSize ?? 10) > 10 && !routerWindow) {
    problems.push('routerBatchSize: above 10 needs routerMaxBatchingWindowSeconds of at least 1');
  }
  const routerMaxConcurrency = integer('routerMaxConcurrency', 2, 1000);
  const archiveRetentionDays = integer('archiveRetentionDays', 0, 36_500);
  const throttleRateLimit = integer('throttleRateLimit', 1, 10_000);
  const throttleBurstLimit = integer('throttleBurstLimit', 1, 5000);
  const retentionDays = integer('retentionDays', 1, 3650);
  // The oldest accepted Plaid token (300 s) plus 30 s of clock skew: a captured delivery replayed
  // while its token is still accepted must meet its record.
  const dedupeWindowSeconds = integer('dedupeWindowSeconds', 330, 86_400);
  const maxBodyBytes = integer('maxBodyBytes', 1024, MAX_STORABLE_BODY_BYTES);
  const plaidKeyFetchesPerMinute = integer('plaidKeyFetchesPerMinute', 1, 600);
  const plaidAllowedSourceIps = list('plaidAllowedSourceIps');
  if (plaidAllowedSourceIps && plaidAllowedSourceIps.join(',').length > MAX_ALLOWLIST_LENGTH) {
    problems.push(
      `plaidAllowedSourceIps: at most ${MAX_ALLOWLIST_LENGTH} characters in all, got ${plaidAllowedSourceIps.join(',').length}`,
    );
  }
  if (plaidAllowedSourceIps) {
    try {
      parseSourceIpAllowlist(plaidAllowedSourceIps.join(','));
    } catch (error) {
      problems.push(`plaidAllowedSourceIps: ${(error as Error).message}`);
    }
  }
  const signatureFailureThreshold = integer('signatureFailureThreshold', 1, 1_000_000);
  const serverErrorAlarmPercent = integer('serverErrorAlarmPercent', 1, 100);
  const latencyAlarmThresholdSeconds = integer('latencyAlarmThresholdSeconds', 1, 29);
  const throttledRequestsAlarmThreshold = integer('throttledRequestsAlarmThreshold', 1, 1_000_000);
  const tracing = bool('tracing');
  const dashboard = bool('dashboard');

  const logRetentionDays = integer('logRetentionDays', 1, 3653);
  if (logRetentionDays !== undefined && !LOG_RETENTION_DAYS.has(logRetentionDays)) {
    problems.push(
      `logRetentionDays: one of ${[...LOG_RETENTION_DAYS].sort((a, b) => a - b).join(', ')}, got ${logRetentionDays}`,
    );
  }
  const logLevelValue = present('logLevel');
  const logLevel = typeof logLevelValue === 'string' ? logLevelValue.toUpperCase() : undefined;
  if (
    logLevelValue !== undefined &&
    (logLevel === undefined || !(LOG_LEVELS as readonly string[]).includes(logLevel))
  ) {
    problems.push(`logLevel: one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevelValue)}`);
  }
  const metricsNamespace = text('metricsNamespace', NAMESPACE, 'a CloudWatch namespace');
  const alarmEmail = text('alarmEmail', EMAIL, 'an email address');
  const alarmTopicArn = text('alarmTopicArn', TOPIC_ARN, 'an SNS topic ARN');

  if (problems.length > 0) throw new SettingsError(problems);

  const seconds = (n: number | undefined) => (n === undefined ? undefined : Duration.seconds(n));
  const days = (n: number | undefined) => (n === undefined ? undefined : Duration.days(n));
  return {
    stackId: `WebhookPipeline-${stage}`,
    props: {
      stage,
      production,
      ...(terminationProtection !== undefined ? { terminationProtection } : {}),
      ...(account || region ? { env: { account, region } } : {}),
      description: `Plaid and Argyle webhooks to EventBridge (${stage})`,
      consumers,
      consumerAccountIds,
      plaidEnv,
      plaidBaseUrl,
      plaidSecretArn,
      argyleSecretArn,
      secretsKmsKeyArn,
      domainName,
      certificateArn,
      reservedConcurrency,
      routerBatchSize,
      routerMaxBatchingWindow: seconds(routerWindow),
      routerMaxConcurrency,
      archiveRetention: days(archiveRetentionDays),
      throttleRateLimit,
      throttleBurstLimit,
      retention: days(retentionDays),
      dedupeWindow: seconds(dedupeWindowSeconds),
      maxBodyBytes,
      plaidKeyFetchesPerMinute,
      plaidAllowedSourceIps,
      logRetention: logRetentionDays as RetentionDays | undefined,
      logLevel,
      metricsNamespace,
      signatureFailureThreshold,
      serverErrorAlarmPercent,
      latencyAlarmThreshold: seconds(latencyAlarmThresholdSeconds),
      throttledRequestsAlarmThreshold,
      tracing,
      dashboard,
      alarmEmail,
      alarmTopicArn,
    },
  };
};

/** `production` from the stage name, when the stage is one the app knows; a problem otherwise. */
const inferProduction = (stage: string, problems: string[]): boolean => {
  if (PRODUCTION_STAGES.includes(stage)) return true;
  if (NON_PRODUCTION_STAGES.includes(stage)) return false;
  problems.push(
    `production: stage "${stage}" is neither a production stage (${PRODUCTION_STAGES.join(', ')}) nor a known ` +
      'other one (dev, test, staging…): set production=true or production=false',
  );
  return false;
};

const CONSUMER_KEYS = new Set(['account', 'sources', 'detailTypes']);

/**
 * A structured setting as given: JSON text from the command line (`-c key=[…]`), the value itself
 * from cdk.json; `undefined` when the text is not JSON (the caller names what it should be).
 */
const jsonValue = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The `consumers` setting: a JSON array (a string on the command line) of account ids and
 * `{"account", "sources", "detailTypes"}` objects. Its shape is checked here; what the accounts,
 * sources and detail-types may be, by the construct's check (consumer-access.ts).
 */
const consumerList = (value: unknown, problems: string[]): (string | ConsumerAccess)[] | undefined => {
  if (value === undefined) return undefined;
  const parsed = jsonValue(value);
  const list = (x: unknown) => x === undefined || (Array.isArray(x) && x.every((i) => typeof i === 'string'));
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (entry) =>
        typeof entry === 'string' ||
        (typeof entry === 'object' &&
          entry !== null &&
          !Array.isArray(entry) &&
          Object.keys(entry).every((k) => CONSUMER_KEYS.has(k)) &&
          list((entry as Record<string, unknown>).sources) &&
          list((entry as Record<string, unknown>).detailTypes)),
    );
  if (!valid) {
    problems.push(
      `consumers: a JSON array of account ids and {"account", "sources", "detailTypes"} objects, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return parsed as (string | ConsumerAccess)[];
};
