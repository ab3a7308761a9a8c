import { Duration, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseSourceIpAllowlist } from '../lambdas/ingest/source-ip.js';
import { MAX_STORABLE_BODY_BYTES } from '../lambdas/shared/aws-limits.js';
import { type ConsumerGrant, checkBusPolicySize, normalizeConsumers } from './constructs/consumer-access.js';
import { WebhookPipelineError } from './errors.js';
import {
  CERTIFICATE_ARN,
  DOMAIN_NAME,
  EMAIL,
  HTTPS_URL,
  KMS_KEY_ARN,
  LOG_LEVELS,
  LOG_RETENTION_DAYS,
  MAX_ALLOWLIST_LENGTH,
  MAX_URL_LENGTH,
  MIN_DEDUPE_WINDOW_SECONDS,
  NAMESPACE,
  PIPELINE_NAME,
  SECRET_ARN,
  TOPIC_ARN,
} from './value-patterns.js';
import type { WebhookPipelineProps } from './webhook-pipeline-props.js';

/** The defaults of the props, where they are fixed values. */
export const PIPELINE_DEFAULTS = {
  routerBatchSize: 10,
  routerMaxConcurrency: 10,
  routerTimeoutSeconds: 30,
  archiveRetentionDays: 90,
  retentionDays: 30,
  dedupeWindowSeconds: 600,
  maxBodyBytes: 256 * 1024,
  logLevel: 'INFO',
  signatureFailureThreshold: 10,
  serverErrorAlarmPercent: 5,
  latencyAlarmSeconds: 5,
  throttledRequestsAlarmThreshold: 10,
  /** Retention of every log group in production: long enough for an audit. */
  productionLogRetention: RetentionDays.ONE_YEAR,
  logRetention: RetentionDays.ONE_MONTH,
  /** The prefix of the default metrics namespace: `WebhookPipeline/<name>`. */
  metricsNamespacePrefix: 'WebhookPipeline',
} as const;

/** The props with every default applied, checked. */
export interface ResolvedPipelineProps {
  readonly name: string;
  readonly production: boolean;
  readonly terminationProtection: boolean;
  readonly consumers: readonly ConsumerGrant[];
  readonly routerBatchSize: number;
  readonly routerMaxBatchingWindow?: Duration;
  readonly routerMaxConcurrency: number;
  readonly routerTimeout: Duration;
  readonly dedupeWindow: Duration;
  readonly retention: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  readonly metricsNamespace: string;
  readonly plaidEnv: 'sandbox' | 'production';
}

/** A number the check can read: tokens (a CfnParameter, say) are left to CloudFormation. */
const known = (value: number | undefined): value is number =>
  value !== undefined && !Token.isUnresolved(value);
const knownText = (value: string | undefined): value is string =>
  value !== undefined && !Token.isUnresolved(value);

/**
 * Checks the props of a `WebhookPipeline` and applies the defaults. Every problem is collected,
 * then thrown as one {@link WebhookPipelineError} naming each prop, e.g.
 * `WebhookPipeline: routerMaxConcurrency must be 2–1000, got 1`.
 */
export const resolvePipelineProps = (
  props: WebhookPipelineProps,
  defaultName: string,
): ResolvedPipelineProps => {
  const problems: string[] = [];
  const range = (prop: string, value: number | undefined, min: number, max: number, unit = '') => {
    if (!known(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${prop} must be an integer from ${min} to ${max}${unit}, got ${value}${unit}`);
    }
  };
  const pattern = (prop: string, value: string | undefined, shape: RegExp, hint: string) => {
    if (knownText(value) && !shape.test(value))
      problems.push(`${prop} must be ${hint}, got ${JSON.stringify(value)}`);
  };
  const seconds = (d: Duration | undefined) =>
    d === undefined ? undefined : d.toSeconds({ integral: false });
  const days = (d: Duration | undefined) => (d === undefined ? undefined : d.toDays({ integral: false }));

  if (typeof props.production !== 'boolean') {
    problems.push(
      `production must be true or false (there is no default: it decides what is kept on delete), got ${JSON.stringify(props.production)}`,
    );
  }
  const production = props.production === true;
  const name = props.name ?? defaultName;
  pattern('name', props.name, PIPELINE_NAME, 'letters, digits and "-", starting with a letter, 64 at most');

  const consumers = normalizeConsumers(props.consumers, props.consumerAccountIds, problems);
  checkBusPolicySize(props.consumers ? 'consumers' : 'consumerAccountIds', name, consumers, problems);

  if (props.plaidEnv !== undefined && props.plaidEnv !== 'sandbox' && props.plaidEnv !== 'production') {
    problems.push(`plaidEnv must be sandbox or production, got ${JSON.stringify(props.plaidEnv)}`);
  }
  pattern('plaidBaseUrl', props.plaidBaseUrl, HTTPS_URL, 'an https URL');
  if (knownText(props.plaidBaseUrl) && props.plaidBaseUrl.length > MAX_URL_LENGTH) {
    problems.push(
      `plaidBaseUrl must be at most ${MAX_URL_LENGTH} characters, got ${props.plaidBaseUrl.length}`,
    );
  }
  const secretHint = 'a complete secret ARN, ending with the six-character suffix Secrets Manager adds';
  pattern('plaidSecretArn', props.plaidSecretArn, SECRET_ARN, secretHint);
  pattern('argyleSecretArn', props.argyleSecretArn, SECRET_ARN, secretHint);
  pattern(
    'secretsKmsKeyArn',
    props.secretsKmsKeyArn,
    KMS_KEY_ARN,
    'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );
  if ((props.domainName === undefined) !== (props.certificateArn === undefined)) {
    problems.push('domainName and certificateArn go together: set both or neither');
  }
  pattern('domainName', props.domainName, DOMAIN_NAME, 'a lower-case host name such as webhooks.example.com');
  pattern('certificateArn', props.certificateArn, CERTIFICATE_ARN, 'an ACM certificate ARN');

  range('reservedConcurrency.ingest', props.reservedConcurrency?.ingest, 1, 10_000);
  range('reservedConcurrency.router', props.reservedConcurrency?.router, 1, 10_000);
  const routerBatchSize = props.routerBatchSize ?? PIPELINE_DEFAULTS.routerBatchSize;
  range('routerBatchSize', props.routerBatchSize, 1, 10_000);
  const windowSeconds = seconds(props.routerMaxBatchingWindow);
  range('routerMaxBatchingWindow', windowSeconds, 0, 300, ' s');
  if (known(routerBatchSize) && routerBatchSize > 10 && !(windowSeconds && windowSeconds >= 1)) {
    problems.push(
      `routerBatchSize above 10 (got ${routerBatchSize}) needs routerMaxBatchingWindow of at least 1 s`,
    );
  }
  const routerMaxConcurrency = props.routerMaxConcurrency ?? PIPELINE_DEFAULTS.routerMaxConcurrency;
  if (known(props.routerMaxConcurrency)) {
    const n = props.routerMaxConcurrency;
    if (!Number.isInteger(n) || n < 2 || n > 1000)
      problems.push(`routerMaxConcurrency must be 2–1000, got ${n}`);
  }
  const reservedRouter = props.reservedConcurrency?.router;
  if (known(reservedRouter) && known(routerMaxConcurrency) && reservedRouter < routerMaxConcurrency) {
    problems.push(
      `reservedConcurrency.router (${reservedRouter}) must be at least routerMaxConcurrency (${routerMaxConcurrency}${props.routerMaxConcurrency === undefined ? ', the default' : ''}): ` +
        'throttled invocations use up receive attempts and send messages to the DLQ without marking them failed. ' +
        'Lower routerMaxConcurrency or raise the reservation',
    );
  }
  const routerTimeout = props.routerTimeout ?? Duration.seconds(PIPELINE_DEFAULTS.routerTimeoutSeconds);
  range('routerTimeout', seconds(props.routerTimeout), 1, 900, ' s');
  // With these bounds the visibility timeout (6 × timeout + window) stays under SQS's 12 hours.

  range('archiveRetention', days(props.archiveRetention), 0, 36_500, ' days');
  range('throttleRateLimit', props.throttleRateLimit, 1, 10_000);
  range('throttleBurstLimit', props.throttleBurstLimit, 1, 5000);
  const retention = props.retention ?? Duration.days(PIPELINE_DEFAULTS.retentionDays);
  range('retention', days(props.retention), 1, 3650, ' days');
  const dedupeWindow = props.dedupeWindow ?? Duration.seconds(PIPELINE_DEFAULTS.dedupeWindowSeconds);
  const dedupeSeconds = seconds(props.dedupeWindow);
  if (known(dedupeSeconds) && (dedupeSeconds < MIN_DEDUPE_WINDOW_SECONDS || dedupeSeconds > 86_400)) {
    problems.push(
      `dedupeWindow must be ${MIN_DEDUPE_WINDOW_SECONDS}–86400 s (at least the oldest accepted Plaid token plus clock skew), got ${dedupeSeconds} s`,
    );
  }
  range('maxBodyBytes', props.maxBodyBytes, 1024, MAX_STORABLE_BODY_BYTES);
  range('plaidKeyFetchesPerMinute', props.plaidKeyFetchesPerMinute, 1, 600);
  if (props.plaidAllowedSourceIps !== undefined) {
    const joined = props.plaidAllowedSourceIps.join(',');
    if (joined.length > MAX_ALLOWLIST_LENGTH) {
      problems.push(
        `plaidAllowedSourceIps must be at most ${MAX_ALLOWLIST_LENGTH} characters in all, got ${joined.length}`,
      );
    }
    try {
      parseSourceIpAllowlist(joined);
    } catch (error) {
      problems.push(`plaidAllowedSourceIps: ${(error as Error).message}`);
    }
  }

  const logRetention =
    props.logRetention ??
    (production ? PIPELINE_DEFAULTS.productionLogRetention : PIPELINE_DEFAULTS.logRetention);
  if (known(props.logRetention) && !LOG_RETENTION_DAYS.has(props.logRetention)) {
    problems.push(`logRetention must be a RetentionDays value, got ${props.logRetention}`);
  }
  const logLevel = props.logLevel ?? PIPELINE_DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel.toUpperCase())) {
    problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const metricsNamespace = props.metricsNamespace ?? `${PIPELINE_DEFAULTS.metricsNamespacePrefix}/${name}`;
  pattern('metricsNamespace', props.metricsNamespace, NAMESPACE, 'a CloudWatch namespace (not AWS/…)');

  range('signatureFailureThreshold', props.signatureFailureThreshold, 1, 1_000_000);
  const percent = props.serverErrorAlarmPercent;
  if (known(percent) && !(percent > 0 && percent <= 100)) {
    problems.push(`serverErrorAlarmPercent must be above 0 and at most 100, got ${percent}`);
  }
  const latency = seconds(props.latencyAlarmThreshold);
  if (known(latency) && !(latency >= 1 && latency <= 29)) {
    problems.push(`latencyAlarmThreshold must be 1–29 s, got ${latency} s`);
  }
  range('throttledRequestsAlarmThreshold', props.throttledRequestsAlarmThreshold, 1, 1_000_000);
  pattern('alarmEmail', props.alarmEmail, EMAIL, 'an email address');
  pattern('alarmTopicArn', props.alarmTopicArn, TOPIC_ARN, 'an SNS topic ARN');
  if (props.alarmTopicArn !== undefined && props.alarmTopic !== undefined) {
    problems.push('alarmTopicArn and alarmTopic: set one');
  }
  if (production && !props.alarmEmail && !props.alarmTopicArn && !props.alarmTopic) {
    problems.push(
      'production needs an alarm destination: set alarmEmail, alarmTopicArn or alarmTopic (the alarms would notify nobody)',
    );
  }

  if (problems.length > 0) throw new WebhookPipelineError(problems);
  return {
    name,
    production,
    terminationProtection: props.terminationProtection ?? production,
    consumers,
    routerBatchSize,
    ...(props.routerMaxBatchingWindow ? { routerMaxBatchingWindow: props.routerMaxBatchingWindow } : {}),
    routerMaxConcurrency,
    routerTimeout,
    dedupeWindow,
    retention,
    logRetention,
    logLevel,
    metricsNamespace,
    plaidEnv: props.plaidEnv ?? (production ? 'production' : 'sandbox'),
  };
};
