import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { MAX_STORABLE_BODY_BYTES } from '../../../lambdas/shared/aws-limits.js';
import {
  MAX_ALLOWLIST_LENGTH,
  MAX_CONSUMER_ACCOUNTS,
  MAX_URL_LENGTH,
  SETTINGS,
} from '../../../lib/stack-settings.js';

/** A stack a user can ask for, as the CDK context of `cdk deploy -c key=value`. */
export interface StackShape {
  readonly name: string;
  readonly context: Readonly<Record<string, unknown>>;
}

const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100_000_000_000 + i));
const PLAID_TYPES = DETAIL_TYPES.filter((d) => d.source === 'webhooks.plaid').map((d) => d.detailType);
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
const SECRET = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';

/** As many addresses as the setting takes (documentation range, TEST-NET-3). */
const longestAllowlist = (): string => {
  const ips: string[] = [];
  for (let i = 0; [...ips, `203.0.113.${i}/32`].join(',').length <= MAX_ALLOWLIST_LENGTH && i < 256; i++) {
    ips.push(`203.0.113.${i}/32`);
  }
  return ips.join(',');
};

/** The longest values each setting accepts, all at once. */
const upperBounds: Record<string, unknown> = {
  stage: `a${'b'.repeat(19)}`,
  production: 'true',
  terminationProtection: 'true',
  consumers: JSON.stringify(accounts(MAX_CONSUMER_ACCOUNTS)),
  alarmEmail: `${'o'.repeat(64)}@${'e'.repeat(60)}.example.com`,
  plaidEnv: 'production',
  plaidBaseUrl: `https://plaid.example.com/${'p'.repeat(MAX_URL_LENGTH - 26)}`,
  plaidSecretArn: SECRET(`${'s'.repeat(200)}`),
  argyleSecretArn: SECRET(`${'a'.repeat(200)}`),
  secretsKmsKeyArn: KMS_KEY,
  domainName: `${'w'.repeat(63)}.${'e'.repeat(63)}.example.com`,
  certificateArn: CERTIFICATE,
  reservedConcurrency: '{"ingest": 800, "router": 100}',
  routerBatchSize: '10000',
  routerMaxBatchingWindowSeconds: '300',
  // At most the router's reserved concurrency (a synth error otherwise); 1,000 is its own shape.
  routerMaxConcurrency: '100',
  archiveRetentionDays: '36500',
  throttleRateLimit: '10000',
  throttleBurstLimit: '5000',
  retentionDays: '3650',
  dedupeWindowSeconds: '86400',
  maxBodyBytes: String(MAX_STORABLE_BODY_BYTES),
  plaidKeyFetchesPerMinute: '600',
  plaidAllowedSourceIps: longestAllowlist(),
  reconcileScheduleMinutes: '1440',
  reconcileAfterSeconds: '86400',
  logRetentionDays: '3653',
  logLevel: 'DEBUG',
  metricsNamespace: 'N'.repeat(255),
  signatureFailureThreshold: '1000000',
  serverErrorAlarmPercent: '100',
  latencyAlarmThresholdSeconds: '29',
  throttledRequestsAlarmThreshold: '1000000',
  tracing: 'true',
  dashboard: 'true',
};

/** The smallest values, where a setting has a lower bound that changes the template. */
const lowerBounds: Record<string, unknown> = {
  stage: 'a',
  production: 'false',
  routerBatchSize: '1',
  routerMaxBatchingWindowSeconds: '0',
  routerMaxConcurrency: '2',
  archiveRetentionDays: '0',
  throttleRateLimit: '1',
  throttleBurstLimit: '1',
  retentionDays: '1',
  dedupeWindowSeconds: '330',
  maxBodyBytes: '1024',
  plaidKeyFetchesPerMinute: '1',
  reconcileScheduleMinutes: '2',
  reconcileAfterSeconds: '60',
  logRetentionDays: '1',
  signatureFailureThreshold: '1',
  serverErrorAlarmPercent: '1',
  latencyAlarmThresholdSeconds: '1',
  throttledRequestsAlarmThreshold: '1',
  reservedConcurrency: '1',
};

/**
 * Consumers with access of their own: the bus policy gets a statement per distinct set of sources
 * and detail-types. 60 accounts: 50 with every source, 10 Plaid-only in five pairs with five
 * detail-types each (about what fits: the construct refuses a policy over the limit at synth).
 */
const scopedConsumers = JSON.stringify([
  ...accounts(50),
  ...accounts(10).map((account, i) => ({
    account: `9${account.slice(1)}`,
    sources: ['webhooks.plaid'],
    detailTypes: PLAID_TYPES.slice(Math.floor(i / 2) * 5, Math.floor(i / 2) * 5 + 5),
  })),
]);

/** Only the settings this version of the app knows (a removed setting drops out of the shapes). */
const known = (context: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(context).filter(([key]) => key in SETTINGS));

/** Every shape the preflight synthesizes. */
export const STACK_SHAPES: readonly StackShape[] = [
  { name: 'default', context: {} },
  { name: 'production', context: { stage: 'prod', alarmEmail: 'ops@example.com' } },
  { name: 'consumer accounts', context: { consumerAccountIds: '111111111111,222222222222' } },
  { name: 'consumers scoped to sources and detail-types', context: { consumers: scopedConsumers } },
  { name: 'router concurrency at its upper bound, unreserved', context: { routerMaxConcurrency: '1000' } },
  {
    name: 'custom domain',
    context: { domainName: 'webhooks.example.com', certificateArn: CERTIFICATE },
  },
  {
    name: 'imported secrets under a customer managed key',
    context: {
      plaidSecretArn: SECRET('plaid'),
      argyleSecretArn: SECRET('argyle'),
      secretsKmsKeyArn: KMS_KEY,
    },
  },
  { name: 'alarm topic', context: { alarmTopicArn: TOPIC } },
  { name: 'alarm email', context: { alarmEmail: 'ops@example.com' } },
  { name: 'every setting at its upper bound', context: known(upperBounds) },
  {
    name: 'every setting at its upper bound, alarm topic',
    context: known({ ...upperBounds, alarmEmail: undefined, alarmTopicArn: TOPIC }),
  },
  { name: 'every setting at its lower bound', context: known(lowerBounds) },
];
