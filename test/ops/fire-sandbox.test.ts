import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIRE_RULES } from '../../cli/ops/plaid.js';
import type { HttpStub } from './stubs/http-stub.js';
import { RATE_LIMITED, startPlaidStub } from './stubs/plaid-stub.js';
import { runCli } from './stubs/run-cli.js';

const CLIENT_ID = 'sandbox-client';
const SECRET = 'sandbox-secret-0123456789abcdef';
const TRANSACTIONS_ITEM = 'access-sandbox-6f1d0c2e-7b7a-4f51-9b7f-5e2f7d1c0a11';
const ASSETS_ITEM = 'access-sandbox-0b5d7f0e-3a0c-4a8e-8f4c-2a6b9c1d2e33';
const RATE_LIMITED_ITEM = 'access-sandbox-9a9a9a9a-3a0c-4a8e-8f4c-2a6b9c1d2e44';

let stub: HttpStub;
beforeAll(async () => {
  stub = await startPlaidStub({
    clientId: CLIENT_ID,
    secret: SECRET,
    items: { [TRANSACTIONS_ITEM]: 'item-tx', [ASSETS_ITEM]: 'item-assets', [RATE_LIMITED_ITEM]: 'item-rl' },
    products: { [TRANSACTIONS_ITEM]: ['transactions'], [ASSETS_ITEM]: ['assets'] },
    script: { [RATE_LIMITED_ITEM]: [RATE_LIMITED()] },
  });
});
afterAll(async () => stub.close());

const env = (): NodeJS.ProcessEnv => ({
  PLAID_BASE_URL: stub.url,
  PLAID_CLIENT_ID: CLIENT_ID,
  PLAID_SECRET: SECRET,
});
const fire = (...args: string[]) => runCli(['fire', 'plaid', '--sandbox', ...args], env());

describe('fire plaid --sandbox (against a Plaid stub)', () => {
  it('calls /sandbox/item/fire_webhook with exactly access_token, webhook_type and webhook_code', async () => {
    // Prepare
    const before = stub.requests.length;
    // Act
    const run = await fire('--access-token', TRANSACTIONS_ITEM, 'TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE');
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [request] = stub.requests.slice(before);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/sandbox/item/fire_webhook');
    expect(request?.headers['plaid-client-id']).toBe(CLIENT_ID);
    expect(request?.headers['plaid-secret']).toBe(SECRET);
    expect(request?.body).toEqual({
      access_token: TRANSACTIONS_ITEM,
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
    });
    expect(run.stdout).toMatch(/TRANSACTIONS\.SYNC_UPDATES_AVAILABLE .* webhook_fired true/);
    expect(run.stdout).not.toContain(TRANSACTIONS_ITEM);
  });

  it('accepts TYPE.CODE in one word and lower case', async () => {
    const run = await fire('--access-token', TRANSACTIONS_ITEM, 'item.login_repaired');
    expect(run.code).toBe(0);
    expect(stub.requests.at(-1)?.body).toMatchObject({
      webhook_type: 'ITEM',
      webhook_code: 'LOGIN_REPAIRED',
    });
  });

  it('refuses, before calling Plaid, codes the endpoint does not fire or fires under another type', async () => {
    // Prepare
    const before = stub.requests.length;
    // Act
    const runs = await Promise.all([
      fire('--access-token', TRANSACTIONS_ITEM, 'ITEM', 'ERROR'),
      fire('--access-token', TRANSACTIONS_ITEM, 'ITEM', 'WEBHOOK_UPDATE_ACKNOWLEDGED'),
      fire('--access-token', TRANSACTIONS_ITEM, 'TRANSACTIONS', 'LOGIN_REPAIRED'),
      fire('--access-token', TRANSACTIONS_ITEM, 'ITEM', 'AUTHORIZATION_GRANTED'),
      fire('TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE'),
      fire('--access-token', TRANSACTIONS_ITEM, 'TRANSACTIONS'),
      runCli(['fire', 'argyle', '--sandbox', '--access-token', 'x', 'accounts.added'], env()),
      runCli(['fire', 'plaid', '--sandbox', '--access-token', TRANSACTIONS_ITEM, 'ITEM', 'LOGIN_REPAIRED'], {
        ...env(),
        PLAID_BASE_URL: '',
        PLAID_ENV: 'production',
      }),
    ]);
    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(runs[0]?.stderr).toContain('fires ERROR only as ASSETS ERROR');
    expect(runs[1]?.stderr).toContain('does not fire ITEM WEBHOOK_UPDATE_ACKNOWLEDGED');
    expect(runs[2]?.stderr).toContain('LOGIN_REPAIRED only as ITEM LOGIN_REPAIRED');
    expect(runs[4]?.stderr).toContain('--access-token');
    expect(runs[7]?.stderr).toContain("only in Plaid's sandbox");
    expect(stub.requests.length).toBe(before);
  });

  it('reports SANDBOX_PRODUCT_NOT_ENABLED with the product the code needs (exit 1)', async () => {
    const run = await fire('--access-token', TRANSACTIONS_ITEM, 'ASSETS', 'PRODUCT_READY');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('400 SANDBOX_PRODUCT_NOT_ENABLED (SANDBOX_ERROR)');
    expect(run.stdout).toContain('PRODUCT_READY needs an Item with the assets product');
    const ok = await fire('--access-token', ASSETS_ITEM, 'ASSETS', 'PRODUCT_READY');
    expect(ok.code).toBe(0);
  });

  it('reports an invalid access token with its Plaid error_code (exit 1)', async () => {
    const run = await fire('--access-token', 'public-sandbox-123', 'ITEM', 'LOGIN_REPAIRED');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('400 INVALID_ACCESS_TOKEN (INVALID_INPUT)');
  });

  it('backs off and retries a rate-limited call', async () => {
    const run = await fire('--access-token', RATE_LIMITED_ITEM, 'ITEM', 'NEW_ACCOUNTS_AVAILABLE');
    expect(run.code).toBe(0);
    const calls = stub.requests.filter(
      (r) => (r.body as { access_token?: string }).access_token === RATE_LIMITED_ITEM,
    );
    expect(calls).toHaveLength(2);
  }, 10_000);

  it('lists what the sandbox fires, with the product each needs', async () => {
    const run = await runCli(['fire', '--list', '--sandbox'], {});
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toHaveLength(SANDBOX_FIRE_RULES.length);
    expect(run.stdout).toMatch(/TRANSACTIONS RECURRING_TRANSACTIONS_UPDATE\s+transactions/);
  });
});
