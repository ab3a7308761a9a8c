import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ServiceName } from '../../lib/pipeline-metrics.js';
import { WebhookPipeline } from '../../lib/webhook-pipeline.js';
import { DEFAULT, PRODUCTION, pipelineProblems, synthPipeline, TEST_ENV } from './construct-synth.js';
import { testApp } from './synth.js';
import { type CfnResource, functionOf, single } from './template-helpers.js';

// Each default of issue 25 in the default shape (not production) and the production shape, and the
// synth error that guards it. docs/deploy.md's production checklist names the same settings.
const defaults = synthPipeline(DEFAULT);
const production = synthPipeline(PRODUCTION);
const SHAPES = [
  ['default', defaults.template],
  ['production', production.template],
] as const;

/** The stateful resources: what a stack delete or a replacement must not take with it. */
const STATEFUL = [
  'AWS::DynamoDB::Table',
  'AWS::SQS::Queue',
  'AWS::Events::EventBus',
  'AWS::Events::Archive',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
] as const;

const resourcesOf = (template: typeof defaults.template, type: string): CfnResource[] =>
  Object.values(template.findResources(type)) as CfnResource[];

describe('data kept on delete', () => {
  it.each(STATEFUL)('production retains every %s; the default shape deletes it', (type) => {
    const kept = resourcesOf(production.template, type);
    expect(kept.length).toBeGreaterThan(0);
    for (const resource of kept) {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    }
    for (const resource of resourcesOf(defaults.template, type))
      expect(resource.DeletionPolicy).toBe('Delete');
  });

  it('counts what it retains: table, queue and DLQ, bus and archive, two secrets, three log groups', () => {
    expect(STATEFUL.map((type) => resourcesOf(production.template, type).length)).toEqual([1, 2, 1, 1, 2, 3]);
  });

  it('protects the table and the stack against deletion in production only', () => {
    expect(single(production.template, 'AWS::DynamoDB::Table')[1].Properties.DeletionProtectionEnabled).toBe(
      true,
    );
    expect(single(defaults.template, 'AWS::DynamoDB::Table')[1].Properties.DeletionProtectionEnabled).toBe(
      false,
    );
    expect(production.stack.terminationProtection).toBe(true);
    expect(defaults.stack.terminationProtection).toBe(false);
  });

  it('writes termination protection into the cloud assembly, and lets it be turned off', () => {
    const app = testApp();
    new WebhookPipeline(new Stack(app, 'Protected'), 'Webhooks', PRODUCTION);
    new WebhookPipeline(new Stack(app, 'Unprotected'), 'Webhooks', {
      ...PRODUCTION,
      terminationProtection: false,
    });
    const assembly = app.synth();
    expect(assembly.getStackByName('Protected').terminationProtection).toBe(true);
    expect(assembly.getStackByName('Unprotected').terminationProtection).toBe(false);
  });

  it('keeps logs a year in production and a month otherwise, both set by logRetention', () => {
    const days = (template: typeof defaults.template) =>
      resourcesOf(template, 'AWS::Logs::LogGroup').map((g) => g.Properties.RetentionInDays);
    expect(days(production.template)).toEqual([365, 365, 365]);
    expect(days(defaults.template)).toEqual([30, 30, 30]);
    const twoYears = synthPipeline({ ...PRODUCTION, logRetention: RetentionDays.TWO_YEARS });
    expect(days(twoYears.template)).toEqual([731, 731, 731]);
  });
});

describe('production is explicit', () => {
  it('has no default: a pipeline without it is refused', () => {
    expect(pipelineProblems({} as never)).toEqual([
      'production must be true or false (there is no default: it decides what is kept on delete), got undefined',
    ]);
  });

  it('refuses production without an alarm destination, and takes any of the three', () => {
    expect(pipelineProblems({ production: true })).toEqual([
      'production needs an alarm destination: set alarmEmail, alarmTopicArn or alarmTopic (the alarms would notify nobody)',
    ]);
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
    expect(() => synthPipeline({ production: true, alarmTopicArn: topicArn })).not.toThrow();
    expect(() => synthPipeline({ production: true, alarmEmail: 'a@example.com' })).not.toThrow();
  });

  it('asks Plaid production for keys in production and the sandbox otherwise', () => {
    const env = (template: typeof defaults.template) =>
      functionOf(template, ServiceName.Ingest)[1].Properties.Environment.Variables.PLAID_ENV;
    expect(env(production.template)).toBe('production');
    expect(env(defaults.template)).toBe('sandbox');
  });
});

describe('router concurrency', () => {
  it.each(SHAPES)('%s: the SQS event source starts at most 10 router invocations at once', (_, template) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('takes routerMaxConcurrency, and refuses a reserved router concurrency below it', () => {
    const { template } = synthPipeline({
      ...DEFAULT,
      routerMaxConcurrency: 4,
      reservedConcurrency: { router: 4 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    expect(pipelineProblems({ ...DEFAULT, reservedConcurrency: { router: 5 } })).toEqual([
      expect.stringMatching(
        /^reservedConcurrency\.router \(5\) must be at least routerMaxConcurrency \(10, the default\): throttled invocations/,
      ),
    ]);
    expect(
      pipelineProblems({ ...DEFAULT, routerMaxConcurrency: 8, reservedConcurrency: { router: 7 } })[0],
    ).toMatch(/^reservedConcurrency\.router \(7\) must be at least routerMaxConcurrency \(8\)/);
  });

  it('refuses a maximum concurrency outside what SQS event sources take', () => {
    expect(pipelineProblems({ ...DEFAULT, routerMaxConcurrency: 1 })).toEqual([
      'routerMaxConcurrency must be 2–1000, got 1',
    ]);
    expect(pipelineProblems({ ...DEFAULT, routerMaxConcurrency: 1001 })).toEqual([
      'routerMaxConcurrency must be 2–1000, got 1001',
    ]);
  });
});

describe('queue visibility', () => {
  const visibility = (template: typeof defaults.template) =>
    single(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() })[1].Properties.VisibilityTimeout;

  it.each(SHAPES)('%s: six router timeouts (30 s) and no batching window: 180 s', (_, template) => {
    expect(visibility(template)).toBe(180);
  });

  it('covers six router timeouts plus the batching window', () => {
    const { template } = synthPipeline({
      ...DEFAULT,
      routerTimeout: Duration.seconds(60),
      routerMaxBatchingWindow: Duration.seconds(20),
    });
    expect(visibility(template)).toBe(6 * 60 + 20);
    expect(functionOf(template, ServiceName.Router)[1].Properties.Timeout).toBe(60);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 20 });
  });

  it('refuses a router timeout Lambda does not take and a batching window SQS does not', () => {
    expect(
      pipelineProblems({
        ...DEFAULT,
        routerTimeout: Duration.minutes(16),
        routerMaxBatchingWindow: Duration.seconds(301),
      }),
    ).toEqual([
      'routerMaxBatchingWindow must be an integer from 0 to 300 s, got 301 s',
      'routerTimeout must be an integer from 1 to 900 s, got 960 s',
    ]);
  });
});

describe('alarms that page on what matters', () => {
  const alarmsOf = (template: typeof defaults.template) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const alarm = (template: typeof defaults.template, name: string) => {
    const found = alarmsOf(template).find((a) => String(a.AlarmName).endsWith(`-${name}`));
    if (!found) throw new Error(`no alarm ${name}`);
    return found;
  };

  it.each(SHAPES)(
    '%s: the 5xx alarm is the share of requests, at 5 % for three periods in a row',
    (_, template) => {
      const props = alarm(template, 'Ingest5xx');
      expect(props).toMatchObject({
        Threshold: 5,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      const byId = Object.fromEntries(props.Metrics.map((m: { Id: string }) => [m.Id, m]));
      expect(Object.values(byId).find((m) => (m as { Expression?: string }).Expression)).toMatchObject({
        Expression: '100 * FILL(errors, 0) / requests',
        ReturnData: true,
      });
      expect(byId.errors.MetricStat).toMatchObject({
        Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx' },
        Stat: 'Sum',
      });
      expect(byId.requests.MetricStat).toMatchObject({
        Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' },
      });
    },
  );

  it.each(SHAPES)('%s: 429 answers counted from the access log raise ApiThrottled', (_, template) => {
    const [, filter] = single(template, 'AWS::Logs::MetricFilter');
    const [accessLogs] = single(template, 'AWS::ApiGatewayV2::Stage')[1].Properties.AccessLogSettings
      .DestinationArn['Fn::GetAtt'];
    expect(filter.Properties).toMatchObject({
      LogGroupName: { Ref: accessLogs },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricName: 'ApiThrottled', MetricValue: '1' }],
    });
    const namespace = filter.Properties.MetricTransformations[0].MetricNamespace;
    expect(alarm(template, 'ApiThrottled')).toMatchObject({
      Namespace: namespace,
      MetricName: 'ApiThrottled',
      Statistic: 'Sum',
      Threshold: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it.each(SHAPES)(
    '%s: p99 latency of 5 s, half of Plaid’s 10 s, for three periods raises ApiLatency',
    (_, template) => {
      expect(alarm(template, 'ApiLatency')).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: 5000,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
    },
  );

  it.each(SHAPES)('%s: a throttle of either function raises an alarm', (_, template) => {
    for (const [name, service] of [
      ['IngestThrottles', ServiceName.Ingest],
      ['RouterThrottles', ServiceName.Router],
    ] as const) {
      expect(alarm(template, name)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf(template, service)[0] } }],
      });
    }
  });

  it('takes other thresholds, and refuses ones that cannot work', () => {
    const { template } = synthPipeline({
      ...DEFAULT,
      serverErrorAlarmPercent: 20,
      latencyAlarmThreshold: Duration.seconds(8),
      throttledRequestsAlarmThreshold: 50,
    });
    expect(alarm(template, 'Ingest5xx').Threshold).toBe(20);
    expect(alarm(template, 'ApiLatency').Threshold).toBe(8000);
    expect(alarm(template, 'ApiThrottled').Threshold).toBe(50);
    expect(
      pipelineProblems({
        ...DEFAULT,
        serverErrorAlarmPercent: 0,
        latencyAlarmThreshold: Duration.seconds(30),
        throttledRequestsAlarmThreshold: 0,
      }),
    ).toEqual([
      'serverErrorAlarmPercent must be above 0 and at most 100, got 0',
      'latencyAlarmThreshold must be 1–29 s, got 30 s',
      'throttledRequestsAlarmThreshold must be an integer from 1 to 1000000, got 0',
    ]);
  });

  it('notifies the destination in production on ALARM and OK; nobody by default', () => {
    const [topicId] = single(production.template, 'AWS::SNS::Topic');
    for (const props of alarmsOf(production.template)) {
      expect(props.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(props.OKActions).toEqual([{ Ref: topicId }]);
    }
    for (const props of alarmsOf(defaults.template)) expect(props.AlarmActions).toBeUndefined();
  });
});

describe('names unique per pipeline, stage and region', () => {
  it('derives the metrics namespace, the alarm names and queries and the dashboard name from the name', () => {
    const { template } = synthPipeline({ ...PRODUCTION, dashboard: true });
    for (const service of Object.values(ServiceName)) {
      expect(
        functionOf(template, service)[1].Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE,
      ).toBe('WebhookPipeline/webhooks-prod');
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.every((a) => String(a.AlarmName).startsWith('webhooks-prod-'))).toBe(true);
    const queries = alarms
      .flatMap((a) => (a.Metrics ?? []).map((m: { Expression?: string }) => m.Expression))
      .filter((e): e is string => typeof e === 'string' && e.startsWith('SELECT'));
    expect(queries).toHaveLength(5);
    for (const query of queries) expect(query).toContain('FROM SCHEMA("WebhookPipeline/webhooks-prod",');
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['webhooks-prod-', { Ref: 'AWS::Region' }]] },
    });
  });

  it('names the dashboard with the region, so the same pipeline in two regions has two dashboards', () => {
    const dashboardIn = (region: string) =>
      single(
        synthPipeline({ ...PRODUCTION, dashboard: true }, { stackProps: { env: { ...TEST_ENV, region } } })
          .template,
        'AWS::CloudWatch::Dashboard',
      )[1].Properties.DashboardName;
    expect(dashboardIn('eu-west-1')).toBe('webhooks-prod-eu-west-1');
    expect(dashboardIn('us-east-1')).toBe('webhooks-prod-us-east-1');
  });

  it('takes a metrics namespace of the user’s, never an AWS one', () => {
    expect(pipelineProblems({ ...DEFAULT, metricsNamespace: 'AWS/Lambda' })).toEqual([
      'metricsNamespace must be a CloudWatch namespace (not AWS/…), got "AWS/Lambda"',
    ]);
  });

  it('refuses a name the resources cannot carry', () => {
    expect(pipelineProblems({ ...DEFAULT, name: 'webhooks_prod' })).toEqual([
      'name must be letters, digits and "-", starting with a letter, 64 at most, got "webhooks_prod"',
    ]);
  });
});
