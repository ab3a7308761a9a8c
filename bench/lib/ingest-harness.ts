import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { createPlaidKeyCache } from '../../lambdas/providers/plaid/verification-key-client.js';
import { createSecretSource } from '../../lambdas/shared/adapters/secrets.js';
import { loadIngestConfig } from '../../lambdas/shared/config.js';
import { createLogger, createMetrics } from '../../lambdas/shared/powertools.js';
import type { WebhookQueue, WebhookStore } from '../../lambdas/shared/webhook-record.js';
import { generatePlaidSigningKey, type PlaidSigningKey } from '../../local/signing.js';
import type { Delivery } from './bodies.js';
import { BoundedWebhookStore, CountingQueue } from './in-memory.js';
import { applyDeployedEnvironment, lambdaContext } from './lambda-env.js';

/** The ingest function's configured memory and timeout (lib/webhook-pipeline-stack.ts). */
export const INGEST_MEMORY_MB = 1024;
export const INGEST_TIMEOUT_MS = 8000;

/** The bench's signing identity: a Plaid ES256 key and an Argyle secret (a second one, as in a rotation). */
export interface BenchKeys {
  readonly plaid: PlaidSigningKey;
  readonly argyleSecret: string;
  readonly argyleSecrets: string;
}

export const benchKeys = (): BenchKeys => {
  const argyleSecret = 'whsec_bench_current_0123456789abcdef';
  return {
    plaid: generatePlaidSigningKey(),
    argyleSecret,
    argyleSecrets: `${argyleSecret},whsec_bench_previous_0123456789abcdef`,
  };
};

/**
 * The ingest handler wired as `lambdas/ingest/handler.ts` wires it (same factory, configuration
 * parsing, logger, metrics, providers, key cache and secret source), with the three I/O adapters
 * in memory: the Plaid key endpoint, the table and the queue. Verification is real.
 */
export const buildIngestHandler = (
  keys: BenchKeys,
  io: {
    store?: WebhookStore;
    queue?: WebhookQueue;
    logger?: Logger;
    metrics?: Metrics;
    now?: () => number;
    newId?: () => string;
    /** Share of request INFO lines written (the factory's default, every line, when absent). */
    logSampleRate?: number;
  } = {},
) => {
  applyDeployedEnvironment('webhook-ingest', INGEST_MEMORY_MB);
  const config = loadIngestConfig({
    TABLE_NAME: 'webhooks',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks',
    PLAID_ENV: 'production',
    PLAID_CLIENT_ID: 'client',
    PLAID_SECRET: 'secret',
    ARGYLE_WEBHOOK_SECRETS: keys.argyleSecrets,
  });
  const secrets = createSecretSource({
    plaidClientId: config.PLAID_CLIENT_ID,
    plaidSecret: config.PLAID_SECRET,
    argyleSecrets: config.ARGYLE_WEBHOOK_SECRETS,
    maxAgeSeconds: config.SECRETS_MAX_AGE_SECONDS,
  });
  const now = io.now ?? Date.now;
  const store = io.store ?? new BoundedWebhookStore();
  const queue = io.queue ?? new CountingQueue();
  const handler = createIngestHandler({
    logger: io.logger ?? createLogger('webhook-ingest'),
    metrics: io.metrics ?? createMetrics('webhook-ingest'),
    ...(io.logSampleRate === undefined ? {} : { logSampleRate: io.logSampleRate }),
    deps: {
      providers: createProviders({
        plaid: {
          keys: createPlaidKeyCache({
            fetchKey: async (kid) => {
              if (kid !== keys.plaid.kid) throw new Error(`unknown kid ${kid}`);
              return keys.plaid.jwk;
            },
            now,
          }),
          now,
          maxTokenAgeSeconds: config.PLAID_MAX_TOKEN_AGE_SECONDS,
        },
        argyle: { secrets: secrets.argyleSecrets },
      }),
      store,
      queue,
      now,
      newId: io.newId ?? randomUUID,
      settings: {
        maxBodyBytes: config.MAX_BODY_BYTES,
        dedupeWindowSeconds: config.DEDUPE_WINDOW_SECONDS,
        retentionDays: config.RETENTION_DAYS,
      },
    },
  });
  const context = lambdaContext('webhook-ingest', INGEST_MEMORY_MB, INGEST_TIMEOUT_MS);
  return { handler, store, queue, context };
};

/** The HTTP API (payload v2) event API Gateway delivers for a delivery (JSON bodies arrive as text). */
export const toApiEvent = (delivery: Delivery, requestNumber: number): APIGatewayProxyEventV2 => {
  const path = `/webhooks/${delivery.provider}`;
  const timeEpoch = Date.now();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{provider}',
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: '*/*',
      'content-length': String(delivery.body.length),
      host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      'user-agent': delivery.provider === 'plaid' ? 'Plaid Verifier' : 'Argyle-Webhooks',
      'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
      'x-forwarded-for': '52.21.26.131',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...delivery.headers,
    },
    pathParameters: { provider: delivery.provider },
    isBase64Encoded: false,
    body: delivery.body.toString('utf8'),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abcdef1234',
      http: {
        method: 'POST',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '52.21.26.131',
        userAgent: delivery.provider === 'plaid' ? 'Plaid Verifier' : 'Argyle-Webhooks',
      },
      requestId: `req-${requestNumber}`,
      routeKey: 'POST /webhooks/{provider}',
      stage: '$default',
      time: new Date(timeEpoch).toUTCString(),
      timeEpoch,
    },
  };
};
