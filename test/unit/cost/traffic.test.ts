import { describe, expect, it } from 'vitest';
import { accessLogLineBytes, typicalAccessLogLine } from '../../../lib/cost/access-log-size.js';
import { classifyAlarm, metricsAnalysed } from '../../../lib/cost/alarms.js';
import { CostInputError } from '../../../lib/cost/errors.js';
import { parsePriceTable, tieredCost } from '../../../lib/cost/prices.js';
import {
  batchShape,
  ratePerSecond,
  retainedMonths,
  shareOfHoursWithData,
  tracesPerMonth,
} from '../../../lib/cost/traffic.js';
import { parseVolume, volumeName } from '../../../lib/cost/volume.js';
import { prices } from './cost-fixtures.js';

const MONTH = 730 * 3600;

describe('X-Ray: the first request each second and 5 % of the rest', () => {
  it('traces every invocation below one a second', () => {
    expect(tracesPerMonth(ratePerSecond(1_000_000, 730), MONTH, 1, 0.05)).toBeCloseTo(1_000_000, 0);
  });

  it('traces one a second and 5 % of the rest above it', () => {
    // 10M a month: 3.805 a second; 1 + 0.05 × 2.805 = 1.140 traced a second.
    const rate = 10_000_000 / MONTH;
    expect(tracesPerMonth(rate, MONTH, 1, 0.05)).toBeCloseTo((1 + 0.05 * (rate - 1)) * MONTH, 0);
    expect(tracesPerMonth(rate, MONTH, 1, 0.05)).toBeCloseTo(2_996_600, -2);
  });
});

describe("the router's batches", () => {
  const inputs = {
    batchSize: 10,
    batchingWindowSeconds: 0,
    pollers: 5,
    receiveRoundTripMs: 10,
    invocationMs: 30,
    longPollSeconds: 20,
    secondsPerMonth: MONTH,
  };

  it('are one record at a low rate: five pollers each take what reached it in a 40 ms cycle', () => {
    const shape = batchShape({ ...inputs, ratePerSecond: 0.38 });
    expect(shape.meanBatch).toBe(1);
    expect(shape.invocationsPerWebhook).toBe(1);
    expect(shape.receivesPerWebhook).toBe(1);
    expect(shape.deletesPerWebhook).toBe(1);
    expect(shape.emptyReceivesPerMonth).toBeCloseTo(((5 * MONTH) / 20) * (1 - (0.38 * 0.04) / 5), 0);
  });

  it('fill up with the rate, to the batch size at most, and the idle polls stop', () => {
    expect(batchShape({ ...inputs, ratePerSecond: 380 }).meanBatch).toBeCloseTo((380 * 0.04) / 5, 6);
    const busy = batchShape({ ...inputs, ratePerSecond: 5000 });
    expect(busy.meanBatch).toBe(10);
    expect(busy.deletesPerWebhook).toBeCloseTo(0.1, 6);
    expect(busy.emptyReceivesPerMonth).toBe(0);
  });

  it('gather for the batching window too, each receive returning what reached its poller', () => {
    const shape = batchShape({ ...inputs, ratePerSecond: 38, batchingWindowSeconds: 1 });
    expect(shape.meanBatch).toBeCloseTo((38 * 1.04) / 5, 6);
    expect(shape.recordsPerReceive).toBe(1);
    expect(shape.receivesPerWebhook).toBe(1);
  });
});

describe('hours with data, retention', () => {
  it('counts the share of hours a metric has data (Poisson arrivals)', () => {
    expect(shareOfHoursWithData(0)).toBe(0);
    expect(shareOfHoursWithData(1)).toBeCloseTo(1 - Math.exp(-1), 9);
    expect(shareOfHoursWithData(1370)).toBe(1);
  });

  it('keeps data its retention in months, or a year when it never expires', () => {
    expect(retainedMonths(30, 730, 12)).toBeCloseTo(30 / (730 / 24), 9);
    expect(retainedMonths(0, 730, 12)).toBe(12);
    expect(retainedMonths(undefined, 730, 12)).toBe(12);
  });
});

describe('prices', () => {
  it('charges API Gateway $1.00 a million up to 300M and $0.90 past it', () => {
    const price = prices.prices.apiGatewayHttpApiPerMillionRequests;
    if (!price) throw new Error('no API Gateway price');
    expect(tieredCost(price, 1_000_000, 1e6)).toBeCloseTo(1, 9);
    expect(tieredCost(price, 1_000_000_000, 1e6)).toBeCloseTo(300 + 700 * 0.9, 6);
  });

  it('has a source for every price, and names what a price list lacks', () => {
    for (const [name, price] of Object.entries(prices.prices)) expect(price.source, name).not.toBe('');
    const { xrayPerMillionTracesRecorded: _, ...rest } = prices.prices;
    expect(() => parsePriceTable({ ...prices, prices: rest }, 'prices.json')).toThrow(
      new CostInputError('prices.json has no prices.xrayPerMillionTracesRecorded'),
    );
    expect(() =>
      parsePriceTable({ ...prices, prices: { ...prices.prices, kmsPerKeyMonth: { usd: 1 } } }, 'prices.json'),
    ).toThrow(/prices\.json: prices\.kmsPerKeyMonth\.source/);
  });
});

describe('volumes', () => {
  it.each([
    ['1M', 1_000_000],
    ['250k', 250_000],
    ['2.5M', 2_500_000],
    ['1B', 1_000_000_000],
    ['1,000,000', 1_000_000],
    ['250000', 250_000],
  ])('reads %s', (text, webhooks) => {
    expect(parseVolume(text)).toBe(webhooks);
  });

  it.each(['', 'a lot', '1X', '-1M', '0'])('refuses %j', (text) => {
    expect(parseVolume(text)).toBeUndefined();
  });

  it('names the standard volumes', () => {
    expect([100_000, 1e6, 1e7, 1e8, 1e9].map(volumeName)).toEqual(['100k', '1M', '10M', '100M', '1B']);
  });
});

describe('the access log line', () => {
  it('is the format with typical values for each variable', () => {
    const format = '{"requestId":"$context.requestId","status":"$context.status"}';
    expect(typicalAccessLogLine(format)).toBe('{"requestId":"Hd0qfhaaoAMEPnQ=","status":"200"}\n');
    expect(accessLogLineBytes(format)).toBe(48);
    // A variable the table does not know counts 48 characters.
    expect(accessLogLineBytes('$context.somethingNew')).toBe(49);
  });
});

describe('alarms by kind', () => {
  const streams = [
    {
      namespace: 'WebhookPipeline',
      stream: {
        service: 'webhook-router',
        name: 'EventsPublished',
        dimensions: { service: 'webhook-router', provider: 'plaid' },
      },
      hours: 1,
    },
    {
      namespace: 'WebhookPipeline',
      stream: {
        service: 'webhook-router',
        name: 'EventsPublished',
        dimensions: { service: 'webhook-router', provider: 'argyle' },
      },
      hours: 0.5,
    },
  ];

  it('counts the streams a Metrics Insights query analyses, by name, dimensions and WHERE', () => {
    const query = (where: string) =>
      `SELECT SUM(EventsPublished) FROM SCHEMA("WebhookPipeline", provider, service)${where}`;
    expect(metricsAnalysed(query(''), streams)).toBe(1.5);
    expect(metricsAnalysed(query(" WHERE provider = 'argyle'"), streams)).toBe(0.5);
    expect(metricsAnalysed(query(" WHERE service = 'webhook-ingest'"), streams)).toBe(0);
    expect(
      metricsAnalysed('SELECT SUM(EventsPublished) FROM SCHEMA("WebhookPipeline", provider)', streams),
    ).toBe(0);
    expect(metricsAnalysed('SELECT SUM(EventsPublished) FROM "WebhookPipeline"', streams)).toBe(1.5);
  });

  it('bills a query alarm for at least one metric, an anomaly band as three', () => {
    const insights = {
      Metrics: [{ Expression: 'SELECT SUM(Nothing) FROM SCHEMA("N", service)', Period: 300 }],
    };
    expect(classifyAlarm(insights, streams)).toEqual({
      kind: 'Metrics Insights',
      metrics: 1,
      highResolution: false,
    });
    const band = {
      Metrics: [{ Expression: 'ANOMALY_DETECTION_BAND(m1, 2)' }, { MetricStat: { Period: 60 } }],
    };
    expect(classifyAlarm(band, streams)).toEqual({
      kind: 'anomaly detection',
      metrics: 3,
      highResolution: false,
    });
  });
});
