import type { Json } from '../preflight/resolve-template.js';
import type { MetricStream } from './usage-profile.js';

/** How CloudWatch bills an alarm. */
export interface AlarmKind {
  readonly kind: 'standard' | 'metric math' | 'anomaly detection' | 'Metrics Insights';
  /** Alarm metrics billed: the metrics it reads, or for a query the metrics it analyses (at least one). */
  readonly metrics: number;
  /** A period under 60 s. */
  readonly highResolution: boolean;
}

/** A custom metric stream of the stack, with the share of hours it has data. */
export interface StreamWithData {
  readonly namespace: string;
  readonly stream: MetricStream;
  readonly hours: number;
}

/** `SELECT FN(metric) FROM SCHEMA("ns", a, b) WHERE k = 'v' AND …` or `FROM "ns"`. */
const QUERY =
  /^\s*SELECT\s+\w+\(\s*"?([\w.-]+)"?\s*\)\s+FROM\s+(?:SCHEMA\(\s*"([^"]+)"\s*((?:,\s*"?[\w.-]+"?\s*)*)\)|"([^"]+)")\s*(?:WHERE\s+(.+?))?\s*(?:GROUP BY.*)?$/is;

/**
 * The metrics a Metrics Insights query analyses at steady state: the stack's streams it matches,
 * each counted for the share of hours it has data (a query reads the last hours of data only).
 */
export const metricsAnalysed = (query: string, streams: readonly StreamWithData[]): number => {
  const match = QUERY.exec(query);
  if (!match) return 0;
  const [, metric, schemaNamespace, schemaKeys, plainNamespace, where] = match;
  const namespace = schemaNamespace ?? plainNamespace;
  const keys = schemaKeys
    ?.split(',')
    .map((k) => k.trim().replace(/"/g, ''))
    .filter(Boolean);
  const conditions = [...(where ?? '').matchAll(/"?([\w.-]+)"?\s*=\s*'([^']*)'/g)].map((m) => [m[1], m[2]]);
  return streams
    .filter(({ namespace: ns, stream }) => {
      if (ns !== namespace || stream.name !== metric) return false;
      const dimensions = Object.keys(stream.dimensions);
      // SCHEMA(...) matches the metrics with exactly those dimensions.
      if (keys && (keys.length !== dimensions.length || !keys.every((k) => dimensions.includes(k))))
        return false;
      return conditions.every(([k, v]) => stream.dimensions[k as string] === v);
    })
    .reduce((sum, s) => sum + s.hours, 0);
};

/**
 * The kind of an `AWS::CloudWatch::Alarm` and the alarm metrics it is billed for: one metric
 * (standard), each metric of a math expression, three for an anomaly detection band, and for a
 * Metrics Insights query the metrics it analyses, at least one.
 */
export const classifyAlarm = (properties: Json, streams: readonly StreamWithData[]): AlarmKind => {
  if (properties.MetricName !== undefined) {
    return { kind: 'standard', metrics: 1, highResolution: Number(properties.Period ?? 60) < 60 };
  }
  const queries: Json[] = properties.Metrics ?? [];
  const highResolution = queries.some((q) => Number(q.Period ?? q.MetricStat?.Period ?? 60) < 60);
  const insights = queries.find(
    (q) => typeof q.Expression === 'string' && /^\s*SELECT\s/i.test(q.Expression),
  );
  if (insights) {
    return {
      kind: 'Metrics Insights',
      metrics: Math.max(1, metricsAnalysed(insights.Expression, streams)),
      highResolution,
    };
  }
  if (
    queries.some((q) => typeof q.Expression === 'string' && q.Expression.includes('ANOMALY_DETECTION_BAND'))
  ) {
    return { kind: 'anomaly detection', metrics: 3, highResolution };
  }
  return {
    kind: 'metric math',
    metrics: Math.max(1, queries.filter((q) => q.MetricStat !== undefined).length),
    highResolution,
  };
};
