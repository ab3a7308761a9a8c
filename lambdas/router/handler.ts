import { createEventBridgeClient, createEventBridgePublisher } from '../shared/adapters/event-publisher.js';
import { createDynamoClient, createDynamoWebhookStore } from '../shared/adapters/webhook-store.js';
import { loadRouterConfig } from '../shared/config.js';
import { loadLogSampleRate } from '../shared/log-sampling.js';
import { ServiceName } from '../shared/metric-names.js';
import { createLogger, createMetrics } from '../shared/powertools.js';
import { ROUTER_CLIENT_TIMEOUTS } from './budget.js';
import { createRouterHandler } from './create-handler.js';

// Once per cold start.
const config = loadRouterConfig();

/** The router Lambda: SQS batches in, one EventBridge event per webhook out. */
export const handler = createRouterHandler({
  logger: createLogger(ServiceName.Router),
  metrics: createMetrics(ServiceName.Router),
  logSampleRate: loadLogSampleRate(),
  countPublished: config.PUBLISHED_COUNTS === 'true',
  deps: {
    store: createDynamoWebhookStore({
      client: createDynamoClient(config.DYNAMODB_ENDPOINT, ROUTER_CLIENT_TIMEOUTS),
      tableName: config.TABLE_NAME,
    }),
    publisher: createEventBridgePublisher({
      client: createEventBridgeClient(config.EVENTBRIDGE_ENDPOINT, ROUTER_CLIENT_TIMEOUTS),
      eventBusName: config.EVENT_BUS_NAME,
    }),
    now: Date.now,
    settings: {
      maxReceiveCount: config.MAX_RECEIVE_COUNT,
      dedupeWindowSeconds: config.DEDUPE_WINDOW_SECONDS,
      ingestBudgetSeconds: config.INGEST_BUDGET_SECONDS,
      retentionDays: config.RETENTION_DAYS,
      claimLeaseSeconds: config.CLAIM_LEASE_SECONDS,
    },
  },
});
