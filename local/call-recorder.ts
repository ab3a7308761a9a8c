import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { readBody } from './http-util.js';

/**
 * Records every AWS call a function makes in the local pipeline, for the IAM simulation
 * (test/infra/iam-simulation.test.ts): with `WEBHOOK_PIPELINE_RECORD_CALLS=<folder>`, each function's
 * clients are pointed at recording proxies of its own in front of the emulators, so a call is
 * attributed to the function that made it, and its resource is named by the function environment
 * variable it came from (the deployed stack gives that variable its ARN or name). Secrets, which the
 * local pipeline otherwise passes as values, are then served through a Secrets Manager stand-in so
 * that `GetSecretValue` is recorded as well. Hand-written: the emulators see calls, not callers.
 */

/** The variable that switches recording on: a folder the calls are appended to. */
export const RECORD_CALLS_VARIABLE = 'WEBHOOK_PIPELINE_RECORD_CALLS';

/** The resource of a recorded call: the function environment variable that names it. */
export interface RecordedResource {
  readonly kind: 'dynamodb-table' | 'sqs-queue' | 'event-bus' | 'secret' | 'unknown';
  /** The environment variable of the function holding the name, URL or ARN. */
  readonly env?: string;
  /** A DynamoDB index, when the call names one. */
  readonly index?: string;
  /** The raw value when no variable matched (the simulation fails on it). */
  readonly value?: string;
}

/** One AWS call, as appended to the recording. */
export interface RecordedCall {
  /** `POWERTOOLS_SERVICE_NAME` of the function. */
  readonly function: string;
  /** IAM action, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  readonly resource: RecordedResource;
}

/** What {@link startCallRecorder} returns. */
export interface CallRecorder {
  /** Imports a function's handler module with its clients pointed at its own recording proxies. */
  importAs<T>(functionName: string, load: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const SERVICES = [
  { variable: 'DYNAMODB_ENDPOINT', prefix: 'dynamodb', targetPrefix: 'DynamoDB_20120810.' },
  { variable: 'SQS_ENDPOINT', prefix: 'sqs', targetPrefix: 'AmazonSQS.' },
  { variable: 'EVENTBRIDGE_ENDPOINT', prefix: 'events', targetPrefix: 'AWSEvents.' },
] as const;

/**
 * Local secret ARNs the Secrets Manager stand-in answers for, one pair per function: the client is
 * created on the first read, after every import, so the ARN is what tells the callers apart.
 */
const localSecretArn = (functionName: string, provider: string) =>
  `arn:aws:secretsmanager:us-east-1:000000000000:secret:local-${functionName}-${provider}-AbCdEf`;

/** The resources a request body names, mapped to the environment variables that hold them. */
export const resourcesOf = (
  service: 'dynamodb' | 'sqs' | 'events',
  body: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): RecordedResource[] => {
  const byValue = (kind: RecordedResource['kind'], value: unknown, variables: readonly string[]) => {
    const variable = variables.find((v) => env[v] !== undefined && env[v] === value);
    return variable ? { kind, env: variable } : { kind: 'unknown' as const, value: String(value) };
  };
  switch (service) {
    case 'dynamodb': {
      const tables = body.RequestItems ? Object.keys(body.RequestItems) : [body.TableName];
      return tables.map((table) => ({
        ...byValue('dynamodb-table', table, ['TABLE_NAME']),
        ...(typeof body.IndexName === 'string' ? { index: body.IndexName } : {}),
      }));
    }
    case 'sqs':
      return [byValue('sqs-queue', body.QueueUrl, ['QUEUE_URL'])];
    case 'events': {
      const entries = Array.isArray(body.Entries) ? (body.Entries as { EventBusName?: string }[]) : [];
      const buses = [...new Set(entries.map((e) => e.EventBusName ?? 'default'))];
      return buses.map((bus) => byValue('event-bus', bus, ['EVENT_BUS_NAME']));
    }
  }
};

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The source files whose calls are recorded: a change to them makes the recording stale. */
export const RECORDED_SOURCES = ['lambdas/ingest', 'lambdas/router', 'lambdas/shared'] as const;

/** A digest of {@link RECORDED_SOURCES} under `root`, stored with the recording. */
export const recordedSourcesDigest = (root: string): string => {
  const hash = createHash('sha256');
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
      });
  for (const source of RECORDED_SOURCES) {
    for (const file of walk(join(root, source))) {
      hash.update(relative(root, file).replaceAll('\\', '/'));
      hash.update('\0');
      hash.update(readFileSync(file, 'utf8').replaceAll('\r\n', '\n'));
    }
  }
  return hash.digest('hex').slice(0, 16);
};

/**
 * Starts the recorder when `env[RECORD_CALLS_VARIABLE]` names a folder; otherwise `importAs` just
 * imports. `env` is the process environment the handlers read their configuration from.
 */
export const startCallRecorder = (env: NodeJS.ProcessEnv): CallRecorder => {
  const folder = env[RECORD_CALLS_VARIABLE];
  if (!folder) return { importAs: (_, load) => load(), stop: async () => undefined };
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `calls-${process.pid}-${Date.now()}.ndjson`);
  const servers: Server[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(file, pending.join(''));
    pending = [];
  };
  // Buffered: a process killed by a fault scenario loses at most the last 100 ms of calls.
  const timer = setInterval(flush, 100);
  timer.unref();
  const record = (call: RecordedCall) => pending.push(`${JSON.stringify(call)}\n`);

  const recordingProxy = async (
    functionName: string,
    functionEnv: Readonly<Record<string, string | undefined>>,
    prefix: 'dynamodb' | 'sqs' | 'events',
    targetPrefix: string,
    upstream: string,
  ): Promise<string> => {
    const target = new URL(upstream);
    const server = createServer((req, res) => {
      // A client that gives up (timeouts in the fault scenarios) must not take the process down.
      void forward(req, res).catch(() => res.destroy());
    });
    const forward = async (req: IncomingMessage, res: ServerResponse) => {
      const body = await readBody(req, 16 * 1024 * 1024);
      const operation = String(req.headers['x-amz-target'] ?? '');
      if (operation.startsWith(targetPrefix)) {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          // Recorded without a resource; the emulator answers the bad body.
        }
        const action = `${prefix}:${operation.slice(targetPrefix.length)}`;
        for (const resource of resourcesOf(prefix, parsed, functionEnv)) {
          record({ function: functionName, action, resource });
        }
      }
      await new Promise<void>((resolve, reject) => {
        const upstreamRequest = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.on('error', reject);
            answer.pipe(res).on('finish', resolve).on('error', reject);
          },
        );
        // The upstream (or a fault proxy) dropped the connection: so does this proxy.
        upstreamRequest.on('error', reject);
        upstreamRequest.end(body);
      });
    };
    servers.push(server);
    return listen(server);
  };

  /** Secrets by ARN: the function that was given the ARN, its variable, and the local value. */
  const secrets = new Map<string, { functionName: string; variable: string; value: string }>();
  let secretsEndpoint: Promise<string> | undefined;
  const secretsStandIn = () => {
    const server = createServer((req, res) => {
      void answerSecret(req, res).catch(() => res.destroy());
    });
    const answerSecret = async (req: IncomingMessage, res: ServerResponse) => {
      const body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}') as {
        SecretId?: string;
      };
      const secret = body.SecretId ? secrets.get(body.SecretId) : undefined;
      record({
        function: secret?.functionName ?? 'unknown',
        action: 'secretsmanager:GetSecretValue',
        resource: secret
          ? { kind: 'secret', env: secret.variable }
          : { kind: 'unknown', value: String(body.SecretId) },
      });
      res.writeHead(secret ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(
          secret
            ? { ARN: body.SecretId, Name: body.SecretId, SecretString: secret.value, VersionId: 'local' }
            : { __type: 'ResourceNotFoundException', message: 'no such local secret' },
        ),
      );
    };
    servers.push(server);
    return listen(server);
  };

  return {
    async importAs(functionName, load) {
      const saved = { ...env };
      try {
        for (const { variable, prefix, targetPrefix } of SERVICES) {
          const upstream = env[variable];
          if (upstream)
            env[variable] = await recordingProxy(functionName, saved, prefix, targetPrefix, upstream);
        }
        if (env.ARGYLE_WEBHOOK_SECRETS || (env.PLAID_CLIENT_ID && env.PLAID_SECRET)) {
          // Secrets by ARN, as in AWS, answered with the local values.
          const plaid = localSecretArn(functionName, 'plaid');
          const argyle = localSecretArn(functionName, 'argyle');
          secrets.set(plaid, {
            functionName,
            variable: 'PLAID_SECRET_ARN',
            value: JSON.stringify({ client_id: env.PLAID_CLIENT_ID ?? '', secret: env.PLAID_SECRET ?? '' }),
          });
          secrets.set(argyle, {
            functionName,
            variable: 'ARGYLE_SECRET_ARN',
            value: JSON.stringify((env.ARGYLE_WEBHOOK_SECRETS ?? '').split(',').filter(Boolean)),
          });
          secretsEndpoint ??= secretsStandIn();
          env.AWS_ENDPOINT_URL_SECRETS_MANAGER = await secretsEndpoint;
          env.PLAID_SECRET_ARN = plaid;
          env.ARGYLE_SECRET_ARN = argyle;
          delete env.PLAID_CLIENT_ID;
          delete env.PLAID_SECRET;
          delete env.ARGYLE_WEBHOOK_SECRETS;
        }
        return await load();
      } finally {
        // The handler read its configuration at import; the rest of the process sees the old values.
        for (const key of Object.keys(env)) if (!(key in saved)) delete env[key];
        Object.assign(env, saved);
        // The Secrets Manager client is created on the first read, after the import.
        if (secretsEndpoint) env.AWS_ENDPOINT_URL_SECRETS_MANAGER = await secretsEndpoint;
      }
    },
    async stop() {
      clearInterval(timer);
      flush();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
};
