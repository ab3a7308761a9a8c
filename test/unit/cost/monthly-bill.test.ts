import { describe, expect, it } from 'vitest';
import { CostInputError, UnpricedResourceError } from '../../../lib/cost/errors.js';
import { monthlyBill } from '../../../lib/cost/monthly-bill.js';
import { fixtureProfile, pipelineTemplate, prices } from './cost-fixtures.js';

const GB = 1024 ** 3;
const MONTH_SECONDS = 730 * 3600;
const DAYS_PER_MONTH = 730 / 24;
const line = (bill: ReturnType<typeof monthlyBill>, startsWith: string) => {
  const found = bill.lines.find((l) => l.line.startsWith(startsWith));
  if (!found) throw new Error(`no line ${startsWith} in ${bill.lines.map((l) => l.line).join(' | ')}`);
  return found;
};

describe('monthlyBill on a template of the pipeline shape, priced by hand', () => {
  const bill = monthlyBill({
    template: pipelineTemplate(),
    profile: fixtureProfile(),
    prices,
    webhooksPerMonth: 1_000_000,
  });

  it('prices every line as worked out by hand at 1M webhooks a month', () => {
    // 0.38 webhooks a second: the router's pollers each take one message a batch.
    expect(bill.ratePerSecond).toBeCloseTo(1_000_000 / MONTH_SECONDS, 4);
    expect(bill.meanBatch).toBe(1);
    // Ingest: 50 µs at 1024 MB (0.579 vCPU) = 0.086 ms, plus 12 ms of I/O: 13 ms billed.
    const ingestDuration = 1_000_000 * 1 * 0.013 * 0.0000133334;
    // Router: 10 µs at 512 MB (0.289 vCPU) = 0.035 ms, plus 30 ms: 31 ms billed, once per webhook.
    const routerDuration = 1_000_000 * 0.5 * 0.031 * 0.0000133334;
    // Router log: its count line (200 B) and 26 B of event metadata per invocation.
    const routerLogBytes = 1_000_000 * (200 + 26);
    // Idle long polls: 5 pollers, one every 20 s, less the share of time they are busy.
    const emptyReceives = ((5 * MONTH_SECONDS) / 20) * (1 - (1_000_000 / MONTH_SECONDS) * (0.04 / 5));
    // Records kept 30 days plus 2 until TTL deletes them, 500 B and 100 B of overhead each.
    const tableBytes = 1_000_000 * (32 / DAYS_PER_MONTH) * 600;
    const byHand = {
      api: 1.0,
      ingestRequests: 0.2,
      ingestDuration,
      routerRequests: 0.2,
      routerDuration,
      routerLog: (routerLogBytes / GB) * 0.5,
      writes: 0.625,
      reads: 0.0625,
      send: 0.4,
      receivesAndDeletes: 0.8,
      emptyReceives: (emptyReceives / 1e6) * 0.4,
      putEvents: 1.0,
      // EventsPublished for each provider (data every hour at 1,370 webhooks an hour), ColdStart of each function.
      metrics: 4 * 0.3,
      tableStorage: (tableBytes / GB) * 0.25,
      pitr: (tableBytes / GB) * 0.2,
      routerLogStorage: ((routerLogBytes * (30 / DAYS_PER_MONTH)) / GB) * 0.03,
    };
    expect(line(bill, 'API Gateway').usd).toBeCloseTo(byHand.api, 4);
    expect(line(bill, 'Lambda webhook-ingest: duration').usd).toBeCloseTo(byHand.ingestDuration, 4);
    expect(line(bill, 'Lambda webhook-router: duration').usd).toBeCloseTo(byHand.routerDuration, 4);
    expect(line(bill, 'CloudWatch Logs: webhook-router').usd).toBeCloseTo(byHand.routerLog, 4);
    expect(line(bill, 'SQS empty receives').usd).toBeCloseTo(byHand.emptyReceives, 4);
    expect(line(bill, 'CloudWatch custom metrics').usd).toBeCloseTo(byHand.metrics, 4);
    expect(line(bill, 'DynamoDB storage').usd).toBeCloseTo(byHand.tableStorage, 4);
    expect(line(bill, 'DynamoDB point-in-time').usd).toBeCloseTo(byHand.pitr, 4);
    const total = Object.values(byHand).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(6.5055, 3);
    expect(bill.totalUsd).toBeCloseTo(total, 2);
  });

  it('puts the floor beside it: no read, no log line, no custom metric, one write unit, one alarm', () => {
    const floorByHand =
      1.0 + // API
      0.2 + // ingest requests
      1_000_000 * 1 * 0.013 * 0.0000133334 + // ingest at 30 µs: still 13 ms billed
      0.2 + // router requests
      1_000_000 * 0.5 * 0.031 * 0.0000133334 + // router at 5 µs: 31 ms
      0.625 + // one write unit
      0.4 + // send
      0.8 + // receives and deletes, the same batches
      line(bill, 'SQS empty receives').floorUsd +
      1.0 + // PutEvents
      0.1 + // the alarm that a webhook could not be delivered
      line(bill, 'DynamoDB storage').floorUsd +
      line(bill, 'DynamoDB point-in-time').floorUsd;
    expect(floorByHand).toBeCloseTo(5.2315, 3);
    expect(bill.floorUsd).toBeCloseTo(floorByHand, 2);
    expect(line(bill, 'DynamoDB reads').floorUsd).toBe(0);
    expect(line(bill, 'CloudWatch custom metrics').floorUsd).toBe(0);
    expect(line(bill, 'CloudWatch alarms').floorUsd).toBe(0.1);
    expect(bill.ratioToFloor).toBeCloseTo(6.5055 / 5.2315, 2);
  });

  it('prices the gateways at the same volume with their plan fees', () => {
    // Hookdeck Team: $39 with 10k events, then $10 a million; Svix Professional: $490 with 50k, then $100.
    expect(bill.alternatives.hookdeck.usd).toBeCloseTo(39 + 0.99 * 10, 2);
    expect(bill.alternatives.svix.usd).toBeCloseTo(490 + 0.95 * 100, 2);
  });
});

describe('monthlyBill, the fixed lines by hand', () => {
  it('prices a secret, a dashboard, a standard alarm and a Metrics Insights alarm', () => {
    const bill = monthlyBill({
      template: {
        Resources: {
          Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
          Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
          Standard: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Period: 300 },
          },
          Fast: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Period: 10 },
          },
          Query: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              Metrics: [{ Id: 'q', Expression: 'SELECT SUM(X) FROM SCHEMA("N", service)', Period: 300 }],
            },
          },
          Math: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              Metrics: [
                { Id: 'a', MetricStat: { Metric: { MetricName: 'A' }, Period: 300 } },
                { Id: 'b', MetricStat: { Metric: { MetricName: 'B' }, Period: 300 } },
                { Id: 'sum', Expression: 'a + b' },
              ],
            },
          },
        },
      },
      profile: fixtureProfile(),
      prices,
      webhooksPerMonth: 1_000_000,
    });
    // Secret $0.40, dashboard $3.00, standard $0.10, high resolution $0.30, query at least one
    // metric $0.10, metric math over two metrics $0.20.
    expect(bill.totalUsd).toBeCloseTo(0.4 + 3 + 0.1 + 0.3 + 0.1 + 0.2, 4);
    // The floor: the one alarm; no secret is read by a function behind an API here.
    expect(bill.floorUsd).toBeCloseTo(0.1, 4);
  });
});

describe('monthlyBill refuses what it cannot price', () => {
  it('names every resource of a type it does not know', () => {
    const template = pipelineTemplate({
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Cache: { Type: 'AWS::ElastiCache::CacheCluster', Properties: {} },
    });
    const price = () => monthlyBill({ template, profile: fixtureProfile(), prices, webhooksPerMonth: 1e6 });
    expect(price).toThrow(UnpricedResourceError);
    expect(price).toThrow(/Nat \(AWS::EC2::NatGateway\)/);
    expect(price).toThrow(/Cache \(AWS::ElastiCache::CacheCluster\)/);
  });

  it('names a known type with a property it does not price', () => {
    const template = pipelineTemplate({
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PROVISIONED' } },
    });
    expect(() => monthlyBill({ template, profile: fixtureProfile(), prices, webhooksPerMonth: 1e6 })).toThrow(
      /Table \(AWS::DynamoDB::Table\): provisioned capacity/,
    );
  });

  it('names a function the profile did not measure', () => {
    const template = pipelineTemplate();
    template.Resources.Router.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME = 'webhook-other';
    expect(() => monthlyBill({ template, profile: fixtureProfile(), prices, webhooksPerMonth: 1e6 })).toThrow(
      new CostInputError(
        'function Router (service webhook-other) has no measured profile; the bench measured webhook-ingest, webhook-router',
      ),
    );
  });

  it('refuses a volume that is not a positive number', () => {
    expect(() =>
      monthlyBill({ template: pipelineTemplate(), profile: fixtureProfile(), prices, webhooksPerMonth: 0 }),
    ).toThrow('webhooks a month must be a positive number, got 0');
  });
});
