import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  NON_PRODUCTION_STAGES,
  PRODUCTION_STAGES,
  parseStackSettings,
  SettingsError,
} from '../../lib/stack-settings.js';

const problemsOf = (context: Record<string, unknown>): readonly string[] => {
  try {
    parseStackSettings(context);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
};

describe('parseStackSettings', () => {
  it('defaults to an env-agnostic dev stack', () => {
    const { stackId, props } = parseStackSettings({});
    expect(stackId).toBe('WebhookPipeline-dev');
    expect(props).toMatchObject({ stage: 'dev', production: false });
    expect(props.env).toBeUndefined();
  });

  it('infers production from the stage names it knows, and is told otherwise', () => {
    for (const stage of PRODUCTION_STAGES) expect(parseStackSettings({ stage }).props.production).toBe(true);
    for (const stage of NON_PRODUCTION_STAGES)
      expect(parseStackSettings({ stage }).props.production).toBe(false);
    expect(PRODUCTION_STAGES).toEqual(['prod', 'production', 'prd', 'live']);
    expect(parseStackSettings({ stage: 'prod', production: 'false' }).props.production).toBe(false);
    expect(parseStackSettings({ stage: 'staging', production: true }).props.production).toBe(true);
  });

  it('refuses to guess production for a stage it does not know', () => {
    expect(problemsOf({ stage: 'prd-eu' })).toEqual([
      'production: stage "prd-eu" is neither a production stage (prod, production, prd, live) nor a known other one (dev, test, staging…): set production=true or production=false',
    ]);
    expect(parseStackSettings({ stage: 'prd-eu', production: 'true' }).props.production).toBe(true);
    expect(parseStackSettings({ stage: 'feature-42', production: 'false' }).props.production).toBe(false);
  });

  it('reads the consumers with their sources and detail-types, from the command line or cdk.json', () => {
    const consumers = [
      '111111111111',
      { account: '222222222222', sources: ['webhooks.plaid'], detailTypes: ['ITEM.ERROR'] },
    ];
    expect(parseStackSettings({ consumers: JSON.stringify(consumers) }).props.consumers).toEqual(consumers);
    expect(parseStackSettings({ consumers }).props.consumers).toEqual(consumers);
    expect(problemsOf({ consumers: '111111111111' })[0]).toMatch(/^consumers: a JSON array of account ids/);
    expect(problemsOf({ consumers: [{ account: '111111111111', source: ['webhooks.plaid'] }] })[0]).toMatch(
      /^consumers: a JSON array/,
    );
    expect(problemsOf({ consumers: [{ account: '111111111111', sources: ['webhooks.stripe'] }] })).toEqual([
      'consumers: account 111111111111 sources must be some of webhooks.plaid, webhooks.argyle, got ["webhooks.stripe"]',
    ]);
    expect(problemsOf({ consumers: ['111111111111'], consumerAccountIds: '222222222222' })).toEqual([
      'consumers and consumerAccountIds: set one (consumerAccountIds is the deprecated form)',
    ]);
  });

  it('reads termination protection and the alarm thresholds', () => {
    const { props } = parseStackSettings({
      stage: 'prod',
      terminationProtection: 'false',
      serverErrorAlarmPercent: '10',
      latencyAlarmThresholdSeconds: '7',
      throttledRequestsAlarmThreshold: '25',
    });
    expect(props).toMatchObject({
      terminationProtection: false,
      serverErrorAlarmPercent: 10,
      throttledRequestsAlarmThreshold: 25,
    });
    expect(props.latencyAlarmThreshold?.toSeconds()).toBe(7);
    expect(problemsOf({ latencyAlarmThresholdSeconds: 30 })).toEqual([
      'latencyAlarmThresholdSeconds: an integer from 1 to 29, got 30',
    ]);
  });

  it('reads command-line strings and cdk.json values alike', () => {
    const fromCli = parseStackSettings({
      consumerAccountIds: '111111111111, 222222222222',
      routerBatchSize: '50',
      routerMaxBatchingWindowSeconds: '2',
      archiveRetentionDays: '0',
      reservedConcurrency: '{"ingest": 20, "router": 5}',
      logLevel: 'debug',
    }).props;
    const fromJson = parseStackSettings({
      consumerAccountIds: ['111111111111', '222222222222'],
      routerBatchSize: 50,
      routerMaxBatchingWindowSeconds: 2,
      archiveRetentionDays: 0,
      reservedConcurrency: { ingest: 20, router: 5 },
      logLevel: 'DEBUG',
    }).props;
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toMatchObject({
      consumerAccountIds: ['111111111111', '222222222222'],
      routerBatchSize: 50,
      reservedConcurrency: { ingest: 20, router: 5 },
      logLevel: 'DEBUG',
    });
    expect(fromCli.routerMaxBatchingWindow?.toSeconds()).toBe(2);
    expect(fromCli.archiveRetention?.toDays()).toBe(0);
  });

  it('turns time settings into durations', () => {
    const { props } = parseStackSettings({
      retentionDays: 7,
      dedupeWindowSeconds: 900,
      logRetentionDays: 90,
    });
    expect(props.retention?.toDays()).toBe(7);
    expect(props.dedupeWindow?.toSeconds()).toBe(Duration.minutes(15).toSeconds());
    expect(props.logRetention).toBe(90);
  });

  it('refuses a dedupe window shorter than the oldest accepted Plaid token plus clock skew', () => {
    expect(() => parseStackSettings({ dedupeWindowSeconds: 300 })).toThrow(
      /dedupeWindowSeconds: an integer from 330 to 86400, got 300/,
    );
    expect(parseStackSettings({ dedupeWindowSeconds: 330 }).props.dedupeWindow?.toSeconds()).toBe(330);
  });

  it('no longer knows the reconciler settings', () => {
    expect(() => parseStackSettings({ reconcileScheduleMinutes: 5 })).toThrow(
      /reconcileScheduleMinutes: unknown setting/,
    );
  });

  it('takes a single reserved concurrency as the ingest function’s', () => {
    expect(parseStackSettings({ reservedConcurrency: 30 }).props.reservedConcurrency).toEqual({ ingest: 30 });
  });

  it('sets the environment only when account or region is given', () => {
    expect(parseStackSettings({ account: '123456789012', region: 'eu-west-1' }).props.env).toEqual({
      account: '123456789012',
      region: 'eu-west-1',
    });
  });

  it('reports every bad value at once, naming the key', () => {
    const problems = problemsOf({
      stage: 'Prod!',
      consumerAccountIds: '1234',
      plaidEnv: 'development',
      plaidSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid',
      routerBatchSize: 0,
      logRetentionDays: 31,
      alarmEmail: 'not-an-email',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'stage',
      'consumerAccountIds',
      'plaidEnv',
      'plaidSecretArn',
      'routerBatchSize',
      'logRetentionDays',
      'alarmEmail',
    ]);
    expect(problems.join('\n')).toMatch(/six-character suffix/);
  });

  it('caps the body limit at what one DynamoDB item stores with the record', () => {
    expect(parseStackSettings({ maxBodyBytes: '294912' }).props.maxBodyBytes).toBe(294_912);
    expect(problemsOf({ maxBodyBytes: '294913' })).toEqual([
      'maxBodyBytes: an integer from 1024 to 294912, got "294913"',
    ]);
    expect(problemsOf({ maxBodyBytes: 1024 * 1024 })[0]).toMatch(/^maxBodyBytes: /);
  });

  it('reads the Plaid source allowlist and key fetch cap, and refuses an address that is not one', () => {
    const { props } = parseStackSettings({
      plaidAllowedSourceIps: 'plaid, 10.0.0.0/8',
      plaidKeyFetchesPerMinute: '30',
    });
    expect(props.plaidAllowedSourceIps).toEqual(['plaid', '10.0.0.0/8']);
    expect(props.plaidKeyFetchesPerMinute).toBe(30);
    expect(problemsOf({ plaidAllowedSourceIps: '52.21.26.131, plaid.com' })).toEqual([
      'plaidAllowedSourceIps: source address allowlist: "plaid.com" is not an IP address or CIDR block',
    ]);
  });

  it('refuses a misspelt setting instead of ignoring it', () => {
    expect(problemsOf({ consumerAccountId: '111111111111' })[0]).toMatch(
      /^consumerAccountId: unknown setting/,
    );
  });

  it('ignores feature flags and CLI context', () => {
    expect(() =>
      parseStackSettings({ '@aws-cdk/core:target-partitions': ['aws'], 'aws:cdk:bundling-stacks': ['**'] }),
    ).not.toThrow();
  });

  it('needs a domain name and its certificate together', () => {
    expect(problemsOf({ domainName: 'webhooks.example.com' })).toEqual([
      'domainName and certificateArn: set both or neither',
    ]);
  });

  it('needs a batching window for batches over 10 messages', () => {
    expect(problemsOf({ routerBatchSize: 100 })[0]).toMatch(/routerMaxBatchingWindowSeconds/);
  });

  it('says what is wrong in the error message', () => {
    expect(() => parseStackSettings({ throttleRateLimit: 'fast' })).toThrow(
      /invalid CDK context:\n {2}- throttleRateLimit: an integer from 1 to 10000, got "fast"/,
    );
  });
});
