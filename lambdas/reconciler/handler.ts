import { createSqsClient, createSqsWebhookQueue } from '../shared/adapters/webhook-queue.js';
import { createDynamoClient, createDynamoWebhookStore } from '../shared/adapters/webhook-store.js';
import { loadReconcilerConfig } from '../shared/config.js';
import { ServiceName } from '../shared/metric-names.js';
import { countMetric, createLogger, createMetrics, MetricName } from '../shared/powertools.js';
import { type ReconcileDeps, type ReconcileReport, reconcile } from './reconcile.js';

// Once per cold start.
const config = loadReconcilerConfig();
const logger = createLogger(ServiceName.Reconciler);
const metrics = createMetrics(ServiceName.Reconciler);
const deps: ReconcileDeps = {
  store: createDynamoWebhookStore({
    client: createDynamoClient(config.DYNAMODB_ENDPOINT),
    tableName: config.TABLE_NAME,
  }),
  queue: createSqsWebhookQueue({ client: createSqsClient(config.SQS_ENDPOINT), queueUrl: config.QUEUE_URL }),
  now: Date.now,
  afterSeconds: config.RECONCILE_AFTER_SECONDS,
  maxRecords: config.RECONCILE_MAX_RECORDS,
};

/** The scheduled reconciler. Throws when a send failed, so the failure shows as a function error. */
export const handler = async (): Promise<ReconcileReport> => {
  const report = await reconcile(deps);
  countMetric(metrics, MetricName.WebhooksRecovered, {}, report.enqueued);
  if (report.found > 0) logger.warn('re-enqueued webhooks left received', { ...report });
  if (report.failed > 0)
    throw new Error(`${report.failed} of ${report.found} webhooks could not be enqueued again`);
  return report;
};
