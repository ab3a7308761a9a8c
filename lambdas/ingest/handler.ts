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
import { createIngestHandler } from './create-handler.js';

// Everything below runs once per cold start: configuration, clients, caches.
const config = loadIngestConfig();
const secrets = createSecretSource({
  plaidSecretArn: config.PLAID_SECRET_ARN,
  plaidClientId: config.PLAID_CLIENT_ID,
  plaidSecret: config.PLAID_SECRET,
  argyleSecretArn: config.ARGYLE_SECRET_ARN,
  argyleSecrets: config.ARGYLE_WEBHOOK_SECRETS,
  maxAgeSeconds: config.SECRETS_MAX_AGE_SECONDS,
});
const now = Date.now;

/** The ingest Lambda: `POST /webhooks/{provider}` behind API Gateway (HTTP API, payload v2). */
export const handler = createIngestHandler({
  logger: createLogger(ServiceName.Ingest),
  metrics: createMetrics(ServiceName.Ingest),
  logSampleRate: loadLogSampleRate(),
  deps: {
    providers: createProviders({
      plaid: {
        keys: createPlaidKeyCache({
          fetchKey: createPlaidKeyFetcher({
            baseUrl: config.plaidBaseUrl,
            credentials: secrets.plaidCredentials,
          }),
          now,
        }),
        now,
        maxTokenAgeSeconds: config.PLAID_MAX_TOKEN_AGE_SECONDS,
      },
      argyle: { secrets: secrets.argyleSecrets },
    }),
    store: createDynamoWebhookStore({
      client: createDynamoClient(config.DYNAMODB_ENDPOINT),
      tableName: config.TABLE_NAME,
    }),
    queue: createSqsWebhookQueue({
      client: createSqsClient(config.SQS_ENDPOINT),
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
