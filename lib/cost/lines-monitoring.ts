import type { Json } from '../preflight/resolve-template.js';
import { classifyAlarm } from './alarms.js';
import type { BillContext } from './bill-context.js';
import { type BillLine, LineKind } from './bill-line.js';
import { referencedIds } from './template-facts.js';
import { shareOfHoursWithData } from './traffic.js';

// CloudWatch beyond logs: the custom metrics (emitted, from metric filters, per API route), the
// alarms by kind, the dashboards.

/** Custom metrics: each stream for the share of hours it has data. */
export const metricLines = (ctx: BillContext): BillLine[] => {
  const lines: BillLine[] = [];
  const price = ctx.p('cloudWatchCustomMetricPerMonth');
  if (ctx.streams.length > 0) {
    const metricMonths = ctx.streams.reduce((sum, s) => sum + s.hours, 0);
    lines.push({
      kind: LineKind.Monthly,
      line: 'CloudWatch custom metrics (EMF)',
      quantity: `${ctx.streams.length} metrics (${[...new Set(ctx.streams.map((s) => s.stream.name))].join(', ')}): ${metricMonths.toFixed(2)} metric-months of data`,
      usd: metricMonths * price,
      floor: 'none: the floor alarms on an AWS metric',
      floorUsd: 0,
      resources: [...new Set(ctx.streams.map((s) => s.fn))],
    });
  }
  const filters = ctx.ofType('AWS::Logs::MetricFilter');
  if (filters.length > 0) {
    let metricMonths = 0;
    let withoutDefault = 0;
    for (const filter of filters) {
      const [group] = [...referencedIds(filter.properties.LogGroupName)];
      const eventsPerHour = ((group && ctx.logGroups.get(group)?.events) || 0) / ctx.hours;
      for (const t of [filter.properties.MetricTransformations ?? []].flat() as Json[]) {
        // Without a default value the metric has data only in hours with a matching line (an
        // exception on the happy path); with one, in every hour its log group receives a line.
        if (t.DefaultValue === undefined) withoutDefault += 1;
        else metricMonths += shareOfHoursWithData(eventsPerHour);
      }
    }
    lines.push({
      kind: LineKind.Monthly,
      line: `CloudWatch metrics of log metric filters (${filters.length})`,
      quantity: `${metricMonths.toFixed(2)} metric-months with a default value; ${withoutDefault} without one have data only in hours with a match ($${(price / ctx.hours).toFixed(5)} a metric-hour)`,
      usd: metricMonths * price,
      floor: 'none',
      floorUsd: 0,
      resources: filters.map((f) => f.id),
    });
  }
  if (ctx.facts.detailedMetricRoutes > 0) {
    const routes = ctx.facts.detailedMetricRoutes;
    const metrics = routes * 6;
    lines.push({
      kind: LineKind.Monthly,
      line: 'API Gateway detailed route metrics',
      quantity: `${metrics} metrics (6 a route)`,
      usd: metrics * shareOfHoursWithData((ctx.rate * 3600) / routes) * price,
      floor: 'none',
      floorUsd: 0,
      resources: ctx.ofType('AWS::ApiGatewayV2::Stage').map((s) => s.id),
    });
  }
  return lines;
};

/**
 * Alarms, one line per kind. The floor's one alarm (a webhook could not be delivered: the
 * dead-letter queue is not empty, an AWS metric) sits on the first line.
 */
export const alarmLines = (ctx: BillContext): BillLine[] => {
  const byKind = new Map<string, { usd: number; metrics: number; resources: string[] }>();
  const entry = (label: string) => {
    const found = byKind.get(label) ?? { usd: 0, metrics: 0, resources: [] };
    byKind.set(label, found);
    return found;
  };
  for (const alarm of ctx.ofType('AWS::CloudWatch::Alarm')) {
    const kind = classifyAlarm(alarm.properties, ctx.streams);
    const perMetric =
      kind.kind === 'Metrics Insights'
        ? ctx.p('cloudWatchMetricsInsightsAlarmPerMetricAnalyzed')
        : kind.highResolution
          ? ctx.p('cloudWatchHighResolutionAlarmMetricPerMonth')
          : ctx.p('cloudWatchStandardAlarmMetricPerMonth');
    const usd =
      kind.kind === 'anomaly detection'
        ? ctx.p('cloudWatchAnomalyDetectionAlarmPerMonth')
        : kind.metrics * perMetric;
    const found = entry(`${kind.kind}${kind.highResolution ? ', high resolution' : ''}`);
    found.usd += usd;
    found.metrics += kind.metrics;
    found.resources.push(alarm.id);
  }
  for (const composite of ctx.ofType('AWS::CloudWatch::CompositeAlarm')) {
    const found = entry('composite');
    found.usd += ctx.p('cloudWatchCompositeAlarmPerMonth');
    found.metrics += 1;
    found.resources.push(composite.id);
  }
  const floorAlarm = ctx.p('cloudWatchStandardAlarmMetricPerMonth');
  const floorNote = 'one standard alarm: a webhook could not be delivered';
  const kinds = [...byKind].sort(([x], [y]) => Number(y === 'standard') - Number(x === 'standard'));
  if (kinds.length === 0) {
    return [
      {
        kind: LineKind.Monthly,
        line: 'CloudWatch alarms (none in the template)',
        quantity: '0',
        usd: 0,
        floor: floorNote,
        floorUsd: floorAlarm,
        resources: [],
      },
    ];
  }
  return kinds.map(([label, found], i) => ({
    kind: LineKind.Monthly,
    line: `CloudWatch alarms: ${label} (${found.resources.length})`,
    quantity:
      label === 'Metrics Insights'
        ? `${found.metrics.toFixed(2)} alarm metrics analysed (at least one an alarm)`
        : `${found.metrics} alarm metrics`,
    usd: found.usd,
    floor: i === 0 ? floorNote : 'none',
    floorUsd: i === 0 ? floorAlarm : 0,
    resources: found.resources,
  }));
};

/** Dashboards, each at the monthly price (an account's first three are free: not counted). */
export const dashboardLines = (ctx: BillContext): BillLine[] => {
  const dashboards = ctx.ofType('AWS::CloudWatch::Dashboard');
  if (dashboards.length === 0) return [];
  const price = ctx.p('cloudWatchDashboardPerMonth');
  return [
    {
      kind: LineKind.Monthly,
      line: `CloudWatch dashboards (${dashboards.length})`,
      quantity: `${dashboards.length} × $${price.toFixed(2)} (an account's first three are free: not counted)`,
      usd: dashboards.length * price,
      floor: 'none',
      floorUsd: 0,
      resources: dashboards.map((d) => d.id),
    },
  ];
};
