import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from '../../lambdas/shared/config.js';
import {
  countScenario,
  type DeliveryOutcome,
  deliverAll,
  type FaultEnvironment,
  makeDeliveries,
  PROVIDER_RETRIES,
  startFaultEnvironment,
  until,
} from './fault-harness.js';
import type { FaultRule } from './fault-proxy.js';
import { recordFault } from './report.js';

// Each scenario: a fresh pipeline (real handlers in `webhook-pipeline dev`, real SDK clients) behind
// fault proxies; a few hundred webhooks of both providers sent while the fault is active, with
// provider-style retries of anything not answered 2xx; then every webhook answered 2xx (and every
// record stored) must be on the bus.
const COUNT = Number(process.env.FAULT_WEBHOOKS ?? 200);

const DYNAMO_WRITE = /^DynamoDB_20120810\.(PutItem|UpdateItem)$/;
const SQS_SEND = /^AmazonSQS\.SendMessage$/;
const SQS_DELETE = /^AmazonSQS\.DeleteMessageBatch$/;
const PUT_EVENTS = /^AWSEvents\.PutEvents$/;

let env: FaultEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
}, 60_000);

type Proxies = 'dynamoProxy' | 'sqsProxy' | 'busProxy';

/** Runs a scenario where rules are active while the first attempts go out, then cleared. */
const withRules = async (name: string, proxy: Proxies, rules: FaultRule[]) => {
  env = await startFaultEnvironment();
  await env.startDev();
  const deliveries = makeDeliveries(name, COUNT);
  env[proxy].setRules(rules);
  // The fault lasts a fixed time while traffic flows; retries that come after it succeed.
  const clear = setTimeout(() => env?.[proxy].setRules([]), 3000);
  const outcomes = await deliverAll(env, deliveries, PROVIDER_RETRIES);
  clearTimeout(clear);
  env[proxy].setRules([]);
  return { deliveries, outcomes };
};

const check = async (
  name: string,
  deliveries: ReturnType<typeof makeDeliveries>,
  outcomes: DeliveryOutcome[],
) => {
  const result = await countScenario(env as FaultEnvironment, name, deliveries, outcomes);
  const { missing, ...fault } = result;
  recordFault(fault);
  expect(missing).toEqual([]);
  expect(fault.lost).toBe(0);
  return fault;
};

describe('faults survived: every webhook answered 2xx reaches the bus', { timeout: 180_000 }, () => {
  it('DynamoDB unavailable during ingest', async () => {
    const name = 'DynamoDB unavailable during ingest';
    const { deliveries, outcomes } = await withRules(name, 'dynamoProxy', [
      {
        target: DYNAMO_WRITE,
        action: { kind: 'error', status: 500, type: 'InternalServerError' },
        probability: 0.8,
      },
    ]);
    const fault = await check(name, deliveries, outcomes);
    expect(fault.accepted).toBe(COUNT);
    expect(outcomes.some((o) => o.statuses.includes(503))).toBe(true);
  });

  it('DynamoDB throttling during ingest', async () => {
    const name = 'DynamoDB throttling during ingest';
    const { deliveries, outcomes } = await withRules(name, 'dynamoProxy', [
      {
        target: DYNAMO_WRITE,
        action: {
          kind: 'error',
          status: 400,
          type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        },
        probability: 0.7,
      },
    ]);
    const fault = await check(name, deliveries, outcomes);
    expect(fault.accepted).toBe(COUNT);
  });

  it('SQS unavailable during ingest (the send comes before the write)', async () => {
    const name = 'SQS unavailable during ingest';
    const { deliveries, outcomes } = await withRules(name, 'sqsProxy', [
      { target: SQS_SEND, action: { kind: 'error', status: 500, type: 'InternalError' } },
    ]);
    const fault = await check(name, deliveries, outcomes);
    expect(fault.accepted).toBe(COUNT);
    // Deliveries whose first attempt met the fault stored nothing and got their 2xx from a retry.
    expect(outcomes.filter((o) => o.statuses[0] === 503).length).toBeGreaterThan(0);
  });

  it('process killed between the send and the write (no provider retry; the router adopts)', async () => {
    const name = 'process killed between send and write';
    env = await startFaultEnvironment();
    await env.startDev();
    const deliveries = makeDeliveries(name, COUNT);
    // Every write hangs: the messages are out, no record lands, and no 2xx is answered.
    env.dynamoProxy.setRules([{ target: /^DynamoDB_20120810\.PutItem$/, action: { kind: 'hang' } }]);
    // All at once: each request holds its connection until the process dies.
    const sending = deliverAll(
      env,
      deliveries,
      { attempts: 1, firstDelayMs: 0, maxDelayMs: 0, timeoutMs: 60_000 },
      COUNT,
    );
    const current = env;
    // Generous: 200 verifications and sends at once, on a machine shared with the other suites.
    await until(() => current.sqsProxy.seen('AmazonSQS.SendMessage') >= COUNT, 90_000, 'every send');
    await env.killDev();
    const outcomes = await sending;
    env.dynamoProxy.setRules([]);
    // A short ingest budget, so the router adopts soon after the restart.
    await env.startDev({ INGEST_BUDGET_SECONDS: '2' });
    // Nothing was answered 2xx, so wait for the adopted records before counting their events.
    const adoptedBy = Date.now() + 60_000;
    const adopted = async () => (await current.records()).filter((r) => r.status !== 'quarantined').length;
    while ((await adopted()) < COUNT && Date.now() < adoptedBy) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const fault = await check(name, deliveries, outcomes);
    expect(fault.accepted).toBe(0);
    expect(fault.events).toBe(COUNT);
    const records = await env.records();
    // An adopted record keeps the window ingest gave the delivery (the dev runtime's default).
    expect(
      records.filter(
        (r) =>
          r.status !== 'quarantined' &&
          r.dedupeUntil - Math.floor(Date.parse(r.receivedAt) / 1000) === DEFAULT_DEDUPE_WINDOW_SECONDS,
      ),
    ).toHaveLength(COUNT);
  });

  it('router killed mid-batch', async () => {
    const name = 'router killed mid-batch';
    env = await startFaultEnvironment();
    await env.startDev();
    const deliveries = makeDeliveries(name, COUNT);
    env.busProxy.setRules([{ target: PUT_EVENTS, action: { kind: 'delay', ms: 1500 } }]);
    const current = env;
    const sending = deliverAll(env, deliveries, PROVIDER_RETRIES);
    await until(() => current.busProxy.seen('AWSEvents.PutEvents') >= 3, 30_000, 'a batch in flight');
    await env.killDev();
    env.busProxy.setRules([]);
    await env.startDev();
    const outcomes = await sending;
    const fault = await check(name, deliveries, outcomes);
    expect(fault.accepted).toBe(COUNT);
  });

  it('PutEvents throttled', async () => {
    const name = 'PutEvents throttled';
    const { deliveries, outcomes } = await withRules(name, 'busProxy', [
      {
        target: PUT_EVENTS,
        action: { kind: 'error', status: 400, type: 'ThrottlingException' },
        probability: 0.6,
      },
    ]);
    await check(name, deliveries, outcomes);
  });

  it('PutEvents failing whole', async () => {
    const name = 'PutEvents failing whole';
    const { deliveries, outcomes } = await withRules(name, 'busProxy', [
      { target: PUT_EVENTS, action: { kind: 'error', status: 500, type: 'InternalException' } },
    ]);
    await check(name, deliveries, outcomes);
  });

  it('PutEvents failing some entries', async () => {
    const name = 'PutEvents failing some entries';
    const { deliveries, outcomes } = await withRules(name, 'busProxy', [
      { target: PUT_EVENTS, action: { kind: 'fail-entries', ratio: 0.3 } },
    ]);
    await check(name, deliveries, outcomes);
  });

  it('SQS redelivering messages after they were published', async () => {
    const name = 'SQS redelivers after publish';
    const { deliveries, outcomes } = await withRules(name, 'sqsProxy', [
      {
        target: SQS_DELETE,
        action: {
          kind: 'swallow',
          answer: (req) => ({
            Successful: ((req.Entries as { Id: string }[]) ?? []).map((e) => ({ Id: e.Id })),
            Failed: [],
          }),
        },
      },
    ]);
    // Let the undeleted messages come back (visibility timeout 2 s): each redelivery claims its
    // record and publishes once more, under the same webhookId (docs/consumers.md).
    await new Promise((r) => setTimeout(r, 5000));
    const fault = await check(name, deliveries, outcomes);
    expect(fault.duplicateEvents).toBeLessThanOrEqual(fault.events);
  });
});
