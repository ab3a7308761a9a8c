import { CfnResource, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { UnpricedResourceError } from '../../lib/cost/errors.js';
import { type MonthlyBill, monthlyBill } from '../../lib/cost/monthly-bill.js';
import { loadPriceTable } from '../../lib/cost/prices.js';
import { synthesizeStack } from '../../lib/cost/synthesize.js';
import { loadUsageProfile, parseUsageProfile } from '../../lib/cost/usage-profile.js';
import { parseStackSettings } from '../../lib/stack-settings.js';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import fixture from '../fixtures/cost/usage-profile.json' with { type: 'json' };
import { STACK_SHAPES } from './preflight/stack-shapes.js';
import { testApp } from './synth.js';

// The bill of the stack as `cdk synth -c …` makes it, priced with the fixture profile (round
// numbers) so that each difference below can be worked out by hand.
const profile = parseUsageProfile(fixture);
const prices = loadPriceTable();
const MILLION = 1_000_000;
const billOf = (template: unknown, webhooksPerMonth = MILLION) =>
  monthlyBill({ template, profile, prices, webhooksPerMonth });
const bill = (settings: Record<string, string> = {}, webhooksPerMonth = MILLION) =>
  billOf(synthesizeStack(settings).template, webhooksPerMonth);
const usdOf = (b: MonthlyBill, prefix: string) =>
  b.lines.filter((l) => l.line.startsWith(prefix)).reduce((sum, l) => sum + l.usd, 0);

const SECRETS = {
  plaidSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:plaid-AbCdEf',
  argyleSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:argyle-GhIjKl',
};
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

describe('the bill of the synthesized stack', () => {
  const defaults = bill();

  it('differs by the X-Ray traces alone when tracing is on', () => {
    const traced = bill({ tracing: 'true' });
    // At 1M a month (0.38 a second) both functions trace every invocation, and the router runs
    // once per webhook (batches of one): 2 × 1,000,000 traces at $5.00 a million.
    expect(usdOf(traced, 'X-Ray traces')).toBeCloseTo(2 * 5.0, 4);
    expect(traced.totalUsd - defaults.totalUsd).toBeCloseTo(10.0, 2);
    expect(traced.floorUsd).toBe(defaults.floorUsd);
    expect(usdOf(defaults, 'X-Ray')).toBe(0);
  });

  it('at 10M traces one invocation a second and 5 % of the rest, for each function', () => {
    const rate = (10 * MILLION) / (730 * 3600);
    const traces = (1 + 0.05 * (rate - 1)) * 730 * 3600;
    const traced = bill({ tracing: 'true' }, 10 * MILLION);
    const plain = bill({}, 10 * MILLION);
    expect(traced.totalUsd - plain.totalUsd).toBeCloseTo((2 * traces * 5.0) / MILLION, 1);
  });

  it('adds the key and its decrypts with a customer managed key', () => {
    const withoutKey = bill(SECRETS);
    const withKey = bill({ ...SECRETS, secretsKmsKeyArn: KEY });
    // $1.00 for the key; one instance of ingest (0.38 webhooks a second, 13 ms each) reads each of
    // the two secrets every 300 s: 2 × 2,628,000 / 300 = 17,520 decrypts at $0.03 per 10,000.
    const decrypts = (2 * 730 * 3600) / 300;
    expect(decrypts).toBe(17_520);
    expect(withKey.totalUsd - withoutKey.totalUsd).toBeCloseTo(1.0 + (decrypts / 10_000) * 0.03, 2);
    expect(usdOf(withKey, 'KMS requests')).toBeCloseTo(0.05256, 3);
    // The two imported secrets are counted either way; the floor keeps them, not the key.
    expect(usdOf(withoutKey, 'Secrets Manager secrets')).toBeCloseTo(0.8, 4);
    expect(withKey.floorUsd).toBe(withoutKey.floorUsd);
  });

  it('adds each alarm by its kind, and the metric of a log metric filter', () => {
    const { stackId, props } = parseStackSettings({});
    const stack = new WebhookPipelineStack(testApp(), stackId, props);
    const before = billOf(Template.fromStack(new WebhookPipelineStack(testApp(), stackId, props)).toJSON());
    const metric = new Metric({
      namespace: 'AWS/SQS',
      metricName: 'NumberOfMessagesSent',
      period: Duration.minutes(5),
    });
    new Alarm(stack, 'ExtraStandard', { metric, threshold: 1, evaluationPeriods: 1 });
    new Alarm(stack, 'ExtraHighResolution', {
      metric: metric.with({ period: Duration.seconds(10) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    new Alarm(stack, 'ExtraQuery', {
      metric: new MathExpression({
        expression: `SELECT SUM(Throttled) FROM SCHEMA("WebhookPipeline", service)`,
        usingMetrics: {},
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    // A count of throttled requests on the access log, 0 when none: data in every hour the log
    // gets a line (1,370 an hour at 1M a month).
    new MetricFilter(stack, 'Throttled', {
      logGroup: stack.node
        .findAll()
        .find((c): c is LogGroup => c instanceof LogGroup && c.node.path.includes('/Api/')) as LogGroup,
      filterPattern: FilterPattern.literal('{ $.status = 429 }'),
      metricNamespace: 'WebhookPipeline',
      metricName: 'Throttled',
      defaultValue: 0,
    });
    const after = billOf(Template.fromStack(stack).toJSON());
    // Standard $0.10, high resolution $0.30, a query with no data on the happy path: one metric,
    // $0.10; the filter's metric $0.30.
    expect(after.totalUsd - before.totalUsd).toBeCloseTo(0.1 + 0.3 + 0.1 + 0.3, 2);
    expect(after.floorUsd).toBe(before.floorUsd);
  });

  it('prices every shape the settings allow, and names a resource it cannot price', () => {
    for (const shape of STACK_SHAPES) {
      expect(
        () => billOf(synthesizeStack(shape.context as Record<string, string>).template),
        shape.name,
      ).not.toThrow();
    }
    const { stackId, props } = parseStackSettings({});
    const stack = new WebhookPipelineStack(testApp(), stackId, props);
    new CfnResource(stack, 'Cache', { type: 'AWS::ElastiCache::ServerlessCache', properties: {} });
    expect(() => billOf(Template.fromStack(stack).toJSON())).toThrow(UnpricedResourceError);
    expect(() => billOf(Template.fromStack(stack).toJSON())).toThrow(
      /Cache \(AWS::ElastiCache::ServerlessCache\)/,
    );
  });
});

describe('the default stack against its floor, with the profile of the last bench run', () => {
  const at = (webhooksPerMonth: number) =>
    monthlyBill({
      template: synthesizeStack().template,
      profile: loadUsageProfile(),
      prices,
      webhooksPerMonth,
    });

  it('is within 1.5× the floor at 1M webhooks a month', () => {
    expect(at(MILLION).ratioToFloor).toBeLessThanOrEqual(1.5);
  });

  it('is within 1.05× the floor at 100M webhooks a month', () => {
    expect(at(100 * MILLION).ratioToFloor).toBeLessThanOrEqual(1.05);
  });
});
