import { randomUUID } from 'node:crypto';
import { createProviders } from '../providers/index.js';
import { createPlaidKeyCache, createPlaidKeyFetcher } from '../providers/plaid/verification-key-client.js';
import { createSecretSource } from '../shared/adapters/secrets.js';
import { createSqsClient, createSqsWebhookQueue } from '../shared/adapters/webhook-queue.js';
import { createDynamoClient, createDynamoWebhookStore } from '../shared/adapters/webhook-store.js';
import { loadIngestConfig } from '../shared/config.js';
import { loadLogSampleRate } from '../shared/log-sampling.js';
import { ServiceName } from '../shared/metric-names.js';
import { createLogger, createMetrics } from '../shared/powertools.js';
import { PLAID_KEY_FETCH_TIMEOUT_MS, SECRETS_TIMEOUTS, STORE_AND_QUEUE_TIMEOUTS } from './budget.js';
import { createIngestHandler } from './create-handler.js';
import { reportPlaidKeyFailure } from './plaid-key-telemetry.js';
import { parseSourceIpAllowlist } from './source-ip.js';

// Everything below runs once per cold start: configuration, clients, caches.
const config = loadIngestConfig();
const secrets = createSecretSource({
  plaidSecretArn: config.PLAID_SECRET_ARN,
  plaidClientId: config.PLAID_CLIENT_ID,
  plaidSecret: config.PLAID_SECRET,
  argyleSecretArn: config.ARGYLE_SECRET_ARN,
  argyleSecrets: config.ARGYLE_WEBHOOK_SECRETS,
  maxAgeSeconds: config.SECRETS_MAX_AGE_SECONDS,
  timeouts: SECRETS_TIMEOUTS,
});
const now = Date.now;
const logger = createLogger(ServiceName.Ingest);
const metrics = createMetrics(ServiceName.Ingest);
const plaidSourceIps = parseSourceIpAllowlist(config.PLAID_ALLOWED_SOURCE_IPS);

/** The ingest Lambda: `POST /webhooks/{provider}` behind API Gateway (HTTP API, payload v2). */
export const handler = createIngestHandler({
  logger,
  metrics,
  logSampleRate: loadLogSampleRate(),
  ...(plaidSourceIps ? { sourceIpChecks: { plaid: plaidSourceIps } } : {}),
  deps: {
    providers: createProviders({
      plaid: {
        keys: createPlaidKeyCache({
          fetchKey: createPlaidKeyFetcher({
            baseUrl: config.plaidBaseUrl,
            credentials: secrets.plaidCredentials,
            timeoutMs: PLAID_KEY_FETCH_TIMEOUT_MS,
          }),
          now,
          maxFetchesPerMinute: config.PLAID_KEY_FETCHES_PER_MINUTE,
          onFetchFailure: reportPlaidKeyFailure(logger, metrics),
        }),
        now,
        maxTokenAgeSeconds: config.PLAID_MAX_TOKEN_AGE_SECONDS,
      },
      argyle: { secrets: secrets.argyleSecrets },
    }),
    store: createDynamoWebhookStore({
      client: createDynamoClient(config.DYNAMODB_ENDPOINT, STORE_AND_QUEUE_TIMEOUTS),
      tableName: config.TABLE_NAME,
    }),
    queue: createSqsWebhookQueue({
      client: createSqsClient(config.SQS_ENDPOINT, STORE_AND_QUEUE_TIMEOUTS),
      queueUrl: config.QUEUE_URL,
    }),
    now,
    newId: randomUUID,
    settings: {
      maxBodyBytes: config.MAX_BODY_BYTES,
      dedupeWindowSeconds: config.DEDUPE_WINDOW_SECONDS,
      retentionDays: config.RETENTION_DAYS,
    },
  },
});
