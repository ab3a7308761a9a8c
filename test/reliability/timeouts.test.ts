import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INGEST_BUDGET_MS } from '../../lambdas/ingest/budget.js';
import { readDevKeys } from '../../local/dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../../local/signing.js';
import {
  countScenario,
  type Delivery,
  deliverAll,
  type FaultEnvironment,
  makeDeliveries,
  PROVIDER_RETRIES,
  startFaultEnvironment,
} from './fault-harness.js';
import type { FaultRule } from './fault-proxy.js';
import { recordFault } from './report.js';

// #8: a dependency that accepts the connection and never answers. Plaid gives up after 10 s; every
// outbound call of the ingest path is bounded, so the answer is a 503 well before, and the
// provider's retries (after the dependency recovers) are accepted and published.
const COUNT = 20;
const PLAID_TIMEOUT_MS = 10_000;
let env: FaultEnvironment | undefined;
let hungServer: Server | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  if (hungServer) {
    const server = hungServer;
    hungServer = undefined;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}, 60_000);

/** One signed delivery, timed from the request to its answer, with Plaid's 10 s client timeout. */
const probe = async (current: FaultEnvironment, delivery: Delivery) => {
  const keys = await readDevKeys(join(current.localDir, 'dev-keys.json'));
  if (!keys) throw new Error('no dev keys');
  const headers: Record<string, string> =
    delivery.info.provider === 'plaid'
      ? { 'plaid-verification': signPlaidBody(delivery.body, keys.plaid) }
      : { 'x-argyle-signature': signArgyleBody(delivery.body, keys.argyleSecret) };
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${current.port}/webhooks/${delivery.info.provider}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: delivery.body,
    signal: AbortSignal.timeout(PLAID_TIMEOUT_MS),
  });
  await response.text();
  return { status: response.status, ms: Math.round(performance.now() - started) };
};

/**
 * The probe (the first delivery) while the dependency hangs; then every delivery, the probe's retry
 * among them as the provider would send it, while the dependency hangs 2 s more and recovers.
 */
const scenario = async (
  name: string,
  current: FaultEnvironment,
  hang: () => void,
  recover: () => void,
  provider?: 'plaid',
) => {
  const all = makeDeliveries(name, provider ? COUNT * 2 : COUNT);
  const deliveries = provider ? all.filter((d) => d.info.provider === provider) : all;
  const [first] = deliveries;
  if (!first) throw new Error('no delivery');
  hang();
  const answer = await probe(current, first);
  const clear = setTimeout(recover, 2000);
  const outcomes = await deliverAll(current, deliveries, PROVIDER_RETRIES);
  clearTimeout(clear);
  recover();
  const { missing, ...fault } = await countScenario(current, name, deliveries, outcomes);
  recordFault({
    ...fault,
    note: `hung call answered ${answer.status} in ${answer.ms} ms (budget ${INGEST_BUDGET_MS} ms)`,
  });
  return { answer, missing, fault, outcomes };
};

const HANG: FaultRule['action'] = { kind: 'hang' };

describe('#8 a hung dependency is a 503 well before Plaid gives up', { timeout: 180_000 }, () => {
  it('DynamoDB accepting connections and never answering PutItem', async () => {
    env = await startFaultEnvironment();
    await env.startDev();
    const current = env;
    const { answer, missing, fault } = await scenario(
      'DynamoDB hung during ingest',
      current,
      () => current.dynamoProxy.setRules([{ target: /PutItem$/, action: HANG }]),
      () => current.dynamoProxy.setRules([]),
    );
    expect(answer.status).toBe(503);
    expect(missing).toEqual([]);
    expect(fault).toMatchObject({ sent: COUNT, accepted: COUNT, events: COUNT });
  });

  it('SQS accepting connections and never answering SendMessage', async () => {
    env = await startFaultEnvironment();
    await env.startDev();
    const current = env;
    const { answer, missing, fault } = await scenario(
      'SQS hung during ingest',
      current,
      () => current.sqsProxy.setRules([{ target: /^AmazonSQS\.SendMessage$/, action: HANG }]),
      () => current.sqsProxy.setRules([]),
    );
    expect(answer.status).toBe(503);
    expect(missing).toEqual([]);
    expect(fault).toMatchObject({ sent: COUNT, accepted: COUNT, events: COUNT });
  });

  it("Plaid's key endpoint accepting connections and never answering", async () => {
    // A key endpoint that hangs until told to serve the dev key.
    let healthy = false;
    let jwk: unknown;
    const server = createServer((req, res) => {
      if (!healthy) return; // never answers
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ key: jwk, request_id: 'hung-then-healthy' }));
      });
    });
    hungServer = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    env = await startFaultEnvironment();
    await env.startDev({
      PLAID_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      PLAID_CLIENT_ID: 'client',
      PLAID_SECRET: 'secret',
    });
    jwk = (await readDevKeys(join(env.localDir, 'dev-keys.json')))?.plaid.jwk;
    const current = env;
    const { answer, missing, fault } = await scenario(
      "Plaid's key endpoint hung",
      current,
      () => {
        healthy = false;
      },
      () => {
        healthy = true;
      },
      'plaid',
    );
    expect(answer.status).toBe(503);
    expect(missing).toEqual([]);
    expect(fault).toMatchObject({ sent: COUNT, accepted: COUNT, events: COUNT });
  });
});
