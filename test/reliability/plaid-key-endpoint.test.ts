import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDevKeys } from '../../local/dev-keys.js';
import {
  INVALID_API_KEYS_ANSWER,
  type PlaidKeyServer,
  startPlaidKeyServer,
} from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey, signPlaidBody } from '../../local/signing.js';
import {
  countScenario,
  deliverAll,
  type FaultEnvironment,
  makeDeliveries,
  PROVIDER_RETRIES,
  startFaultEnvironment,
} from './fault-harness.js';
import { recordFault } from './report.js';

// `webhook-pipeline dev` with PLAID_BASE_URL pointing at a key endpoint on loopback that answers as
// Plaid does, errors included: what Plaid's key endpoint answers decides 401 (a forgery) or 503
// (our configuration or Plaid's availability: Plaid retries).
const PLAID_SECRET = 'plaid-secret-kept-out-of-logs';
let env: FaultEnvironment | undefined;
let keyServer: PlaidKeyServer | undefined;
afterEach(async () => {
  await env?.close();
  await keyServer?.close();
  env = undefined;
  keyServer = undefined;
}, 60_000);

const startWithKeyServer = async (extraEnv: Record<string, string> = {}) => {
  keyServer = await startPlaidKeyServer({ keys: [] });
  env = await startFaultEnvironment();
  await env.startDev({
    PLAID_BASE_URL: keyServer.url,
    PLAID_CLIENT_ID: 'client-for-tests',
    PLAID_SECRET,
    // The test process silences Powertools; these tests read the ingest function's logs.
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...extraEnv,
  });
  const keys = await readDevKeys(join(env.localDir, 'dev-keys.json'));
  if (!keys) throw new Error('no dev keys');
  // The endpoint serves the key the deliveries are signed with, as Plaid serves its own.
  keyServer.setKey(keys.plaid.jwk);
  return { env, keyServer, keys };
};

const post = async (port: number, body: Buffer, token: string) => {
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/plaid`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'plaid-verification': token },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe("#5 Plaid's key endpoint answers", { timeout: 180_000 }, () => {
  it('a key endpoint answering 400 INVALID_API_KEYS gets Plaid webhooks 503, never 401; once it recovers, the retries are accepted and published', async () => {
    // Prepare
    const name = 'Plaid key endpoint answering INVALID_API_KEYS';
    const started = await startWithKeyServer();
    started.keyServer.setFailure(INVALID_API_KEYS_ANSWER);
    const deliveries = makeDeliveries(name, 40).filter((d) => d.info.provider === 'plaid');
    // Act: the credentials are fixed after 2 s; the deliveries retry like Plaid meanwhile.
    const recover = setTimeout(() => started.keyServer.setFailure(undefined), 2000);
    const outcomes = await deliverAll(started.env, deliveries, PROVIDER_RETRIES);
    clearTimeout(recover);
    // Assess
    const statuses = outcomes.flatMap((o) => o.statuses);
    expect(statuses).toContain(503);
    expect(statuses).not.toContain(401);
    const result = await countScenario(started.env, name, deliveries, outcomes);
    expect(result.missing).toEqual([]);
    expect(result.accepted).toBe(deliveries.length);
    const output = started.env.output();
    expect(output).toContain('INVALID_API_KEYS');
    expect(output).toContain(INVALID_API_KEYS_ANSWER.body.request_id as string);
    expect(output).not.toContain(PLAID_SECRET);
    const { missing: _missing, ...fault } = result;
    recordFault({
      ...fault,
      note: `${statuses.filter((s) => s === 503).length} answers 503 while failing, 0 answers 401`,
    });
  });

  it('#6 a flood of plausible unknown kids costs at most the per-minute fetch cap; other kids are refused without a fetch; known keys keep working', async () => {
    // Prepare
    const name = 'Plaid kid flood (cap 5 fetches a minute)';
    const cap = 5;
    const started = await startWithKeyServer({ PLAID_KEY_FETCHES_PER_MINUTE: String(cap) });
    const genuine = makeDeliveries(name, 4).filter((d) => d.info.provider === 'plaid');
    const [first, second] = genuine;
    if (!first || !second) throw new Error('two Plaid deliveries expected');
    const sign = (body: Buffer) => signPlaidBody(body, started.keys.plaid);
    // Act
    const before = await post(started.env.port, first.body, sign(first.body));
    const fetchesBefore = started.keyServer.requests();
    const forged = [];
    for (let i = 0; i < 30; i += 1) {
      const stranger = generatePlaidSigningKey(randomUUID());
      forged.push(await post(started.env.port, first.body, signPlaidBody(first.body, stranger)));
    }
    const oddKids = [];
    for (const kid of ['not-a-uuid', 'k'.repeat(128), '__proto__', `${randomUUID()}x`]) {
      oddKids.push(
        await post(started.env.port, first.body, signPlaidBody(first.body, generatePlaidSigningKey(kid))),
      );
    }
    const fetches = started.keyServer.requests() - fetchesBefore;
    const after = await post(started.env.port, second.body, sign(second.body));
    // Assess: the genuine key took one fetch of the minute's cap; the forged kids had the rest.
    expect(before.status).toBe(200);
    expect(fetchesBefore).toBe(1);
    expect(fetches).toBe(cap - 1);
    expect(forged.slice(0, cap - 1).map((a) => a.status)).toEqual(Array(cap - 1).fill(401));
    expect(new Set(forged.slice(cap - 1).map((a) => a.status))).toEqual(new Set([503]));
    expect(oddKids.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(after.status).toBe(200);
    expect(started.env.output()).toContain('fetch_cap');
    const outcomes = [before, after].map((a) => ({
      acceptedId: String(a.json.webhookId),
      statuses: [a.status],
    }));
    const { missing, ...fault } = await countScenario(started.env, name, [first, second], outcomes);
    expect(missing).toEqual([]);
    recordFault({
      ...fault,
      note: `34 forged kids: ${fetches} key fetches, ${forged.filter((a) => a.status === 503).length} answered 503, non-UUID kids 401 without a fetch`,
    });
  });
});
