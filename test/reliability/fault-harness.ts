import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DETAIL_TYPES, type DetailTypeInfo } from '@webhook-pipeline/events';
import { sampleBody } from '../../cli/samples.js';
import { fromItem } from '../../lambdas/shared/adapters/webhook-store.js';
import type { WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import { readDevKeys } from '../../local/dev-keys.js';
import { type Emulator, startDynamoEmulator, startSqsEmulator } from '../../local/emulators.js';
import { type LocalBus, startLocalBus } from '../../local/local-bus.js';
import { signArgyleBody, signPlaidBody } from '../../local/signing.js';
import { devEnvironment, freePort, spawnDev } from '../helpers/dev-process.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import type { FaultResult } from './report.js';

/** Emulators, the local bus and a fault proxy in front of each, owned by the test process. */
export interface FaultEnvironment {
  readonly dynamoProxy: FaultProxy;
  readonly sqsProxy: FaultProxy;
  readonly busProxy: FaultProxy;
  readonly eventsLog: string;
  readonly localDir: string;
  readonly port: number;
  /** Starts (or restarts) `webhook-pipeline dev` against the proxies. */
  startDev(extraEnv?: Record<string, string>): Promise<void>;
  /** SIGKILL: no clean-up, in-flight calls die with the process. */
  killDev(): Promise<void>;
  events(): { webhookId: string; detailType: string }[];
  /** What the dev process printed since it last started. */
  output(): string;
  records(): Promise<WebhookRecord[]>;
  close(): Promise<void>;
}

/** Starts the environment of one scenario. */
export const startFaultEnvironment = async (): Promise<FaultEnvironment> => {
  const localDir = mkdtempSync(join(tmpdir(), 'wp-fault-'));
  const eventsLog = join(localDir, 'events.ndjson');
  const dynamo: Emulator = await startDynamoEmulator();
  const sqs: Emulator = await startSqsEmulator();
  const bus: LocalBus = await startLocalBus({ eventsLog });
  const dynamoProxy = await startFaultProxy(dynamo.endpoint);
  const sqsProxy = await startFaultProxy(sqs.endpoint);
  const busProxy = await startFaultProxy(bus.endpoint);
  const port = await freePort();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  let child: ChildProcess | undefined;
  let output: () => string = () => '';

  // A fresh dev process fetches the Plaid key on its first Plaid webhook; under a burst of hundreds
  // at once on a busy machine that one fetch can time out (503 for all of them). One quarantined
  // delivery first (no message, no event, not counted) fetches it, as steady traffic would have.
  let warmups = 0;
  const warmPlaidKeyCache = async () => {
    const keys = await readDevKeys(join(localDir, 'dev-keys.json'));
    if (!keys) throw new Error('no dev keys');
    const body = Buffer.from(
      JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', warmup: warmups++ }),
    );
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/plaid`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'plaid-verification': signPlaidBody(body, keys.plaid),
        },
        body,
      }).catch(() => undefined);
      if (response?.ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the dev process did not accept a warm-up Plaid webhook');
  };

  const killDev = async () => {
    const running = child;
    // A process killed by a signal has a signalCode and a null exitCode.
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  };

  return {
    dynamoProxy,
    sqsProxy,
    busProxy,
    eventsLog,
    localDir,
    port,
    async startDev(extraEnv = {}) {
      await killDev();
      const started = await spawnDev(
        devEnvironment({
          PORT: String(port),
          LOCAL_DIR: localDir,
          EVENTS_LOG: eventsLog,
          DYNAMODB_ENDPOINT: dynamoProxy.endpoint,
          SQS_ENDPOINT: sqsProxy.endpoint,
          EVENTBRIDGE_ENDPOINT: busProxy.endpoint,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          VISIBILITY_TIMEOUT_SECONDS: '2',
          MAX_RECEIVE_COUNT: '5',
          ...extraEnv,
        }),
        30_000,
      );
      child = started.child;
      output = started.output;
      // A test that points PLAID_BASE_URL at its own key endpoint controls what it answers: no warm-up.
      if (extraEnv.PLAID_BASE_URL === undefined) await warmPlaidKeyCache();
    },
    killDev,
    output: () => output(),
    events() {
      if (!existsSync(eventsLog)) return [];
      return readFileSync(eventsLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const e = JSON.parse(line) as {
            'detail-type': string;
            detail: { metadata: { webhookId: string } };
          };
          return { webhookId: e.detail.metadata.webhookId, detailType: e['detail-type'] };
        });
    },
    async records() {
      const out: WebhookRecord[] = [];
      let start: Record<string, never> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: 'webhooks', ExclusiveStartKey: start }));
        out.push(...(page.Items ?? []).map(fromItem));
        start = page.LastEvaluatedKey as Record<string, never> | undefined;
      } while (start);
      return out;
    },
    async close() {
      await killDev();
      client.destroy();
      for (const c of [dynamoProxy, sqsProxy, busProxy, bus, sqs, dynamo]) await c.close();
    },
  };
};

/** One webhook a scenario delivers: a catalogue sample made unique. */
export interface Delivery {
  readonly info: DetailTypeInfo;
  readonly body: Buffer;
}

/** `count` unique webhooks, alternating Plaid and Argyle across the catalogue. */
export const makeDeliveries = (tag: string, count: number): Delivery[] => {
  const plaid = DETAIL_TYPES.filter((d) => d.provider === 'plaid');
  const argyle = DETAIL_TYPES.filter((d) => d.provider === 'argyle');
  return Array.from({ length: count }, (_, i) => {
    const pool = i % 2 === 0 ? plaid : argyle;
    const info = pool[Math.floor(i / 2) % pool.length] as DetailTypeInfo;
    // A field the schemas do not know keeps each body unique without changing its validity.
    return { info, body: sampleBody(info, [`delivery_tag=${tag}-${i}`]) };
  });
};

/** How the sender behaves when it does not get a 2xx. */
export interface RetryPolicy {
  /** Attempts in all (1 = no retry, like a provider that gives up). */
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Client timeout of one attempt. */
  readonly timeoutMs: number;
}

/** Plaid's schedule (×4 from 30 s, 10 s timeout) compressed so a scenario takes seconds. */
export const PROVIDER_RETRIES: RetryPolicy = {
  attempts: 12,
  firstDelayMs: 150,
  maxDelayMs: 2000,
  timeoutMs: 10_000,
};

/** What happened to one delivery. */
export interface DeliveryOutcome {
  readonly acceptedId?: string;
  readonly statuses: (number | string)[];
}

/**
 * Sends every delivery with bounded concurrency, re-signing each attempt (a fresh `iat`, as Plaid
 * does), and retrying what did not get a 2xx.
 */
export const deliverAll = async (
  env: FaultEnvironment,
  deliveries: readonly Delivery[],
  policy: RetryPolicy,
  concurrency = 25,
): Promise<DeliveryOutcome[]> => {
  const keys = await readDevKeys(join(env.localDir, 'dev-keys.json'));
  if (!keys) throw new Error('no dev keys');
  const outcomes: DeliveryOutcome[] = new Array(deliveries.length);
  let next = 0;
  const one = async (d: Delivery): Promise<DeliveryOutcome> => {
    const statuses: (number | string)[] = [];
    let delay = policy.firstDelayMs;
    for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
      const headers: Record<string, string> =
        d.info.provider === 'plaid'
          ? { 'plaid-verification': signPlaidBody(d.body, keys.plaid) }
          : { 'x-argyle-signature': signArgyleBody(d.body, keys.argyleSecret) };
      try {
        const response = await fetch(`http://127.0.0.1:${env.port}/webhooks/${d.info.provider}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: d.body,
          signal: AbortSignal.timeout(policy.timeoutMs),
        });
        const text = await response.text();
        statuses.push(response.status);
        if (response.ok)
          return { acceptedId: (JSON.parse(text) as { webhookId: string }).webhookId, statuses };
      } catch (error) {
        statuses.push((error as Error).name);
      }
      if (attempt < policy.attempts) await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
    return { statuses };
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        outcomes[i] = await one(deliveries[i] as Delivery);
      }
    }),
  );
  return outcomes;
};

/** The dedupe key ingest gives a delivery: `<provider>#<sha256 of the raw body>`. */
const dedupeKeyOf = (delivery: Delivery): string =>
  `${delivery.info.provider}#${createHash('sha256').update(delivery.body).digest('hex')}`;

/**
 * Counts a scenario's deliveries: every one answered 2xx, and every stored record of one of them that
 * is not quarantined, must have an event; waits up to `settleMs` for the pipeline to catch up first.
 * Only the records and events of `deliveries` count, so a row never shows more events than webhooks
 * sent (a probe sent before them, answered 503 but adopted by the router, is not one of them).
 */
export const countScenario = async (
  env: Pick<FaultEnvironment, 'records' | 'events'>,
  name: string,
  deliveries: readonly Delivery[],
  outcomes: readonly DeliveryOutcome[],
  settleMs = 45_000,
): Promise<FaultResult & { missing: string[] }> => {
  const acceptedIds = new Set(outcomes.flatMap((o) => (o.acceptedId ? [o.acceptedId] : [])));
  const keys = new Set(deliveries.map(dedupeKeyOf));
  const deadline = Date.now() + settleMs;
  let expected = new Set<string>();
  let eventCounts = new Map<string, number>();
  for (;;) {
    const stored = (await env.records()).filter((r) => r.status !== 'quarantined' && keys.has(r.dedupeKey));
    expected = new Set([...acceptedIds, ...stored.map((r) => r.webhookId)]);
    eventCounts = new Map();
    for (const e of env.events())
      if (expected.has(e.webhookId)) eventCounts.set(e.webhookId, (eventCounts.get(e.webhookId) ?? 0) + 1);
    if ([...expected].every((id) => eventCounts.has(id)) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = [...expected].filter((id) => !eventCounts.has(id));
  return {
    name,
    sent: deliveries.length,
    accepted: acceptedIds.size,
    events: eventCounts.size,
    lost: missing.length,
    duplicateEvents: [...eventCounts.values()].reduce((n, c) => n + c - 1, 0),
    missing,
  };
};

/** Waits until `check` holds, polling. */
export const until = async (check: () => boolean, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
