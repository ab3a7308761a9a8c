/**
 * Names shared by the functions' environment and the alarms: the Powertools service names and the
 * custom metrics the functions emit. They come from `lambdas/shared/metric-names.ts`, the pure constants the
 * functions use.
 */

export {
  METRICS_NAMESPACE as DEFAULT_METRICS_NAMESPACE,
  MetricName as PipelineMetric,
  ServiceName,
} from '../lambdas/shared/metric-names.js';

/** The dimension sets the metrics are emitted with, as Metrics Insights `SCHEMA(...)` keys. */
export const MetricDimensions = {
  ByProvider: ['provider', 'service'],
  ByProviderAndReason: ['provider', 'reason', 'service'],
  ByService: ['service'],
} as const;
