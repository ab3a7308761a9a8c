import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { SHARED_CLIENT_CONFIG } from '../lambdas/shared/adapters/client-timeouts.js';
import { ServiceName } from '../lambdas/shared/metric-names.js';
import { API_GATEWAY_NOT_FOUND, matchIngestRoute } from './api-routes.js';
import { createBusRulesApi } from './bus-rules-api.js';
import { startCallRecorder } from './call-recorder.js';
import { detailTypeOfBody } from './console/console-state.js';
import { type DevConsole, parseJson, startDevConsole } from './console/dev-console.js';
import { type DevKeys, loadOrCreateDevKeys } from './dev-keys.js';
import { startEmulatorThread } from './emulator-thread.js';
import { ensurePipelineQueues, ensureWebhookTable } from './emulators.js';
import { functionModule } from './function-module.js';
import { BodyTooLargeError, readBody } from './http-util.js';
import { localLambdaContext } from './lambda-context.js';
import { type BusEvent, startLocalBus } from './local-bus.js';
import { createPlaidKeyEndpoint, PLAID_KEY_PATH } from './plaid-key-server.js';
import { startRouterThread, type ThreadBatchSummary } from './router-thread.js';

/** Settings of the local pipeline; the CLI fills them from flags and the environment. */
export interface DevPipelineOptions {
  readonly port: number;
  readonly host: string;
  /** Folder for state kept between runs (dev keys, events log, and the table with `persist`). */
  readonly localDir: string;
  readonly eventsLog: string;
  /** Start from nothing: delete everything under `localDir` first. */
  readonly fresh: boolean;
  /** Keep the DynamoDB data under `localDir` between runs. */
  readonly persist: boolean;
  readonly tableName: string;
  readonly queueName: string;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly batchSize: number;
  /** Local subscriptions: a rules file delivering matching events to local targets (`dev --rules`). */
  readonly rulesFile?: string | undefined;
  /** Fault injection for tests: bus entries whose detail contains this text are refused. */
  readonly rejectDetailContaining?: string | undefined;
  /** The environment: endpoint overrides, real Plaid credentials, Argyle secrets. Written to by the pipeline. */
  readonly env: NodeJS.ProcessEnv;
  /** One readable line per event worth seeing. */
  readonly log: (line: string) => void;
}

/** A running local pipeline. */
export interface DevPipeline {
  readonly url: string;
  readonly summary: Record<string, string>;
  stop(): Promise<void>;
}

type IngestHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body: string }>;

const time = () => new Date().toISOString().slice(11, 23);

/**
 * The traffic-log words for a batch with failures: SQS retries a record until its last receive;
 * on that one the router has marked it `failed` and SQS moves its message to the DLQ instead.
 */
export const describeFailures = ({ received, failed, lastReceive }: ThreadBatchSummary): string => {
  const retried = failed - lastReceive;
  const last = `marked failed, SQS moves ${lastReceive === 1 ? 'it' : 'them'} to the DLQ`;
  if (lastReceive === 0) return `${failed} of ${received} records failed; SQS will retry them`;
  if (retried === 0) return `${failed} of ${received} records failed on their last receive: ${last}`;
  return `${failed} of ${received} records failed; SQS will retry ${retried}; ${lastReceive} on their last receive: ${last}`;
};

/** The same HTTP API event API Gateway builds, from a Node request (body passed as base64: byte-exact). */
const toHttpApiEvent = (
  req: IncomingMessage,
  path: string,
  provider: string,
  body: Buffer,
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /webhooks/{provider}',
  rawPath: path,
  rawQueryString: '',
  headers: Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(',') : (v ?? ''),
    ]),
  ),
  pathParameters: { provider },
  isBase64Encoded: true,
  body: body.toString('base64'),
  requestContext: {
    accountId: '000000000000',
    apiId: 'local',
    domainName: 'localhost',
    domainPrefix: 'localhost',
    http: {
      method: req.method ?? 'GET',
      path,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: String(req.headers['user-agent'] ?? ''),
    },
    requestId: crypto.randomUUID(),
    routeKey: 'POST /webhooks/{provider}',
    stage: '$default',
    time: new Date().toUTCString(),
    timeEpoch: Date.now(),
  },
});

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePromise());
  });

/**
 * Starts the whole pipeline on this machine: embedded DynamoDB and SQS emulators (or the
 * endpoints named by DYNAMODB_ENDPOINT / SQS_ENDPOINT / EVENTBRIDGE_ENDPOINT), the ingest
 * endpoint with API Gateway's routes, a poller feeding the router like the event source mapping,
 * a local bus writing every event to the events log. The real
 * `handler.ts` of each function runs; only its environment points at local endpoints.
 */
export const startDevPipeline = async (options: DevPipelineOptions): Promise<DevPipeline> => {
  const { env, log } = options;
  const localDir = resolve(options.localDir);
  if (options.fresh) await rm(localDir, { recursive: true, force: true });
  await mkdir(localDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stops.length)
      await stops
        .pop()?.()
        .catch(() => undefined);
  };

  try {
    const keys: DevKeys = await loadOrCreateDevKeys(join(localDir, 'dev-keys.json'));
    // With PLAID_BASE_URL set, keys come from that Plaid API (e.g. sandbox through a tunnel).
    const usingRealPlaid = Boolean(env.PLAID_BASE_URL);
    env.AWS_REGION ??= 'us-east-1';
    const usesEmulator = !env.DYNAMODB_ENDPOINT || !env.SQS_ENDPOINT;
    if (usesEmulator) {
      // Emulators accept any credentials; real endpoints use the usual credential chain.
      env.AWS_ACCESS_KEY_ID ??= 'local';
      env.AWS_SECRET_ACCESS_KEY ??= 'local';
    }

    let dynamoEndpoint = env.DYNAMODB_ENDPOINT;
    let dynamoLabel = `DYNAMODB_ENDPOINT ${dynamoEndpoint}`;
    let sqsEndpoint = env.SQS_ENDPOINT;
    let sqsLabel = `SQS_ENDPOINT ${sqsEndpoint}`;
    const dataDir = join(localDir, 'dynamodb');
    if (!dynamoEndpoint && options.persist) await mkdir(dataDir, { recursive: true });
    if (usesEmulator) {
      // Both emulators share one thread of their own (emulator-thread.ts).
      const emulators = await startEmulatorThread({
        host: '127.0.0.1',
        dynamo: dynamoEndpoint ? undefined : options.persist ? { path: dataDir } : {},
        sqs: !sqsEndpoint,
      });
      stops.push(emulators.close);
      if (emulators.dynamoEndpoint) {
        dynamoEndpoint = emulators.dynamoEndpoint;
        dynamoLabel = `dynalite ${dynamoEndpoint} (${options.persist ? `kept in ${dataDir}` : 'in memory'})`;
      }
      if (emulators.sqsEndpoint) {
        sqsEndpoint = emulators.sqsEndpoint;
        sqsLabel = `fauxqs ${sqsEndpoint} (in memory)`;
      }
    }
    const dynamo = new DynamoDBClient({ ...SHARED_CLIENT_CONFIG, endpoint: dynamoEndpoint });
    const sqs = new SQSClient({ ...SHARED_CLIENT_CONFIG, endpoint: sqsEndpoint });
    stops.push(async () => {
      dynamo.destroy();
      sqs.destroy();
    });
    await ensureWebhookTable(dynamo, options.tableName);
    const { queueUrl, dlqUrl } = await ensurePipelineQueues(sqs, {
      queueName: options.queueName,
      maxReceiveCount: options.maxReceiveCount,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const queueArn =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';

    // The console (and local rules) observe requests and bus events; started once the URL is known.
    let devConsole: DevConsole | undefined;
    let busEndpoint = env.EVENTBRIDGE_ENDPOINT;
    let busLabel = `EVENTBRIDGE_ENDPOINT ${busEndpoint}`;
    if (!busEndpoint) {
      const bus = await startLocalBus({
        eventsLog: options.eventsLog,
        rejectDetailContaining: options.rejectDetailContaining,
        // Rules with SQS targets on the SQS stand-in, as `npm run smoke` creates them.
        rules: createBusRulesApi({
          sqs,
          onError: (message) => log(`${time()}  bus      ${message}`),
          onNote: (message) => log(`${time()}  bus      ${message}`),
        }),
        onEvent: (event: BusEvent, line: string) => {
          const id = (event.detail as { metadata?: { webhookId?: string } }).metadata?.webhookId ?? '-';
          log(`${time()}  bus      ${event.source.padEnd(15)} ${event['detail-type']}  ${id}`);
          devConsole?.recordEvent(event, line);
        },
      });
      stops.push(bus.close);
      busEndpoint = bus.endpoint;
      busLabel = `local bus ${busEndpoint} → ${options.eventsLog}`;
    }

    // The ingest endpoint listens first: its URL is also the local Plaid key endpoint.
    const plaidKeys = createPlaidKeyEndpoint([keys.plaid.jwk]);
    const maxBodyBytes = Number(env.MAX_BODY_BYTES ?? 256 * 1024);
    let ingest: IngestHandler | undefined;
    const server = createServer((req, res) => void route(req, res));
    const route = async (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (path === PLAID_KEY_PATH && req.method === 'POST' && !usingRealPlaid) {
        await plaidKeys.handle(req, res);
        return;
      }
      if (devConsole && (await devConsole.handle(req, res, path))) return;
      if (path === '/_local' && req.method === 'GET') {
        json(200, {
          queueUrl,
          dlqUrl,
          dynamoEndpoint,
          sqsEndpoint,
          busEndpoint,
          eventsLog: options.eventsLog,
          tableName: options.tableName,
        });
        return;
      }
      // Only the stack's routes reach the function; API Gateway answers everything else itself.
      const provider = matchIngestRoute(req.method, path);
      if (!provider || !ingest) {
        json(API_GATEWAY_NOT_FOUND.status, API_GATEWAY_NOT_FOUND.body);
        return;
      }
      const started = performance.now();
      let body: Buffer;
      try {
        body = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          // Answer without reading the rest, as API Gateway refuses oversized payloads.
          json(413, { error: `body exceeds the limit of ${maxBodyBytes} bytes` }, { connection: 'close' });
          req.destroy();
          devConsole?.recordRequest(req, {
            provider,
            path,
            body: Buffer.alloc(0),
            status: 413,
            answer: 'body too large',
          });
          log(`${time()}  ingest   ${provider.padEnd(7)} 413 body too large`);
          return;
        }
        throw error;
      }
      const response = await ingest(
        toHttpApiEvent(req, path, provider, body),
        localLambdaContext('webhook-ingest'),
      );
      const headers = Object.fromEntries(
        Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      res.writeHead(response.statusCode, headers);
      res.end(response.body);
      let answer = response.body;
      try {
        const parsed = JSON.parse(response.body) as { status?: string; webhookId?: string; error?: string };
        answer = parsed.error ?? `${parsed.status ?? ''} ${parsed.webhookId ?? ''}`;
      } catch {
        // Keep the raw answer.
      }
      const ms = (performance.now() - started).toFixed(1);
      // Parsed once for the traffic log and the console (the handler parses its own copy).
      const parsedBody = parseJson(body);
      devConsole?.recordRequest(req, {
        provider,
        path,
        body,
        status: response.statusCode,
        answer: response.body,
        json: parsedBody,
      });
      log(
        `${time()}  ingest   ${provider.padEnd(7)} ${detailTypeOfBody(provider, parsedBody).padEnd(45)} ${response.statusCode} ${answer}  ${ms} ms`,
      );
    };
    await listen(server, options.port, options.host);
    stops.push(
      () =>
        new Promise<void>((resolveClose) => {
          server.closeAllConnections();
          server.close(() => resolveClose());
        }),
    );
    const url = `http://${options.host}:${(server.address() as AddressInfo).port}`;

    // The functions' environment, as the stack sets it, pointed at the local endpoints.
    Object.assign(env, {
      TABLE_NAME: options.tableName,
      QUEUE_URL: queueUrl,
      EVENT_BUS_NAME: 'webhook-pipeline-local',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      EVENTBRIDGE_ENDPOINT: busEndpoint,
      PLAID_BASE_URL: env.PLAID_BASE_URL ?? url,
      PLAID_CLIENT_ID: env.PLAID_CLIENT_ID ?? 'local-client',
      PLAID_SECRET: env.PLAID_SECRET ?? 'local-secret',
      ARGYLE_WEBHOOK_SECRETS: env.ARGYLE_WEBHOOK_SECRETS ?? keys.argyleSecret,
      // The router marks `failed` on the queue's last receive, as the stack tells it.
      MAX_RECEIVE_COUNT: String(options.maxReceiveCount),
    });
    env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    env.POWERTOOLS_METRICS_DISABLED ??= 'true';

    // With WEBHOOK_PIPELINE_RECORD_CALLS set, each function's AWS calls are recorded (IAM simulation).
    const recorder = startCallRecorder(env);
    stops.push(recorder.stop);
    ingest = (await recorder.importAs(ServiceName.Ingest, () => functionModule('ingest')))
      .handler as unknown as IngestHandler;
    const { tableName, rulesFile } = options;
    devConsole = await startDevConsole({ url, keys, env, dynamo, sqs, tableName, queueUrl, rulesFile, log });
    stops.push(devConsole.stop);

    // The router polls in a thread of its own (router-thread.ts), with the environment it imports under.
    const router = await recorder.importAs(ServiceName.Router, () =>
      startRouterThread({
        env,
        sqsEndpoint,
        queueUrl,
        queueArn,
        batchSize: options.batchSize,
        maxReceiveCount: options.maxReceiveCount,
        onBatch: (batch) => {
          if (batch.error) log(`${time()}  router   error: ${batch.error.message}`);
          else if (batch.failed) log(`${time()}  router   ${describeFailures(batch)}`);
        },
      }),
    );
    stops.push(router.stop);

    const summary: Record<string, string> = {
      'Plaid webhooks': `POST ${url}/webhooks/plaid`,
      'Argyle webhooks': `POST ${url}/webhooks/argyle`,
      Console: devConsole.url,
      ...(devConsole.subscriptions ? { Rules: devConsole.subscriptions.rulesFile } : {}),
      Events: busLabel,
      DynamoDB: `${dynamoLabel}, table ${options.tableName}`,
      SQS: `${sqsLabel}, queue ${options.queueName} (DLQ after ${options.maxReceiveCount} receives)`,
      'Plaid keys': usingRealPlaid
        ? `fetched from ${env.PLAID_BASE_URL}`
        : `dev key id ${keys.plaid.kid} (served at ${url}${PLAID_KEY_PATH})`,
      'Argyle secret':
        env.ARGYLE_WEBHOOK_SECRETS === keys.argyleSecret ? keys.argyleSecret : 'from ARGYLE_WEBHOOK_SECRETS',
      State: `${localDir}${existsSync(join(localDir, 'dynamodb')) && options.persist ? ' (table kept)' : ''}`,
    };
    return { url, summary, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
