import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpStub } from './stubs/http-stub.js';
import { INTERNAL_ERROR, RATE_LIMITED, startPlaidStub } from './stubs/plaid-stub.js';
import { readReport, runCli, tempDir, writeLines } from './stubs/run-cli.js';

const CLIENT_ID = 'client-id-123';
const SECRET = 'plaid-secret-abcdef0123456789';
const HOOK = 'https://hooks.example.test/webhooks/plaid';
const token = (n: number) => `access-sandbox-${String(n).padStart(8, '0')}-2f7c-4b6e-9a1d-${'c'.repeat(12)}`;

let stub: HttpStub;
let dir: string;
const items: Record<string, string> = {};
for (let n = 1; n <= 12; n += 1) items[token(n)] = `item-${n}`;

beforeAll(async () => {
  dir = tempDir();
});
afterEach(async () => {
  await stub?.close();
});

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PLAID_BASE_URL: stub.url,
  PLAID_CLIENT_ID: CLIENT_ID,
  PLAID_SECRET: SECRET,
  ...extra,
});

interface PlaidReport {
  ok: boolean;
  summary: Record<string, number>;
  parameters: Record<string, unknown>;
  items: {
    line: number;
    accessToken: string;
    status: string;
    attempts: number;
    itemId?: string;
    webhook?: string;
    requestId?: string;
    error?: Record<string, unknown>;
  }[];
}

describe('register plaid (against a Plaid stub)', () => {
  it('sends one POST /item/webhook/update per access token, every field as Plaid documents it', async () => {
    // Prepare
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    const file = writeLines(dir, 'tokens-ok.txt', [
      '# production items',
      token(1),
      '',
      token(2),
      `  ${token(3)}  # vip`,
    ]);
    const report = join(dir, 'ok.json');
    // Act
    const run = await runCli(
      ['register', 'plaid', '--url', HOOK, '--access-tokens', file, '--report', report],
      env(),
    );
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(stub.requests).toHaveLength(3);
    for (const request of stub.requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/item/webhook/update');
      expect(request.headers['content-type']).toMatch(/^application\/json/);
      expect(request.headers['plaid-client-id']).toBe(CLIENT_ID);
      expect(request.headers['plaid-secret']).toBe(SECRET);
      expect(request.headers['plaid-version']).toBe('2020-09-14');
      expect(Object.keys(request.body as object).sort()).toEqual(['access_token', 'webhook']);
      expect((request.body as { webhook: string }).webhook).toBe(HOOK);
    }
    expect(stub.requests.map((r) => (r.body as { access_token: string }).access_token).sort()).toEqual(
      [token(1), token(2), token(3)].sort(),
    );
    const written = readReport<PlaidReport>(report);
    expect(written.ok).toBe(true);
    expect(written.summary).toMatchObject({ tokens: 3, updated: 3, updateFailed: 0, failed: 0 });
    expect(written.items.map((i) => [i.line, i.status, i.itemId, i.webhook])).toEqual([
      [2, 'updated', 'item-1', HOOK],
      [4, 'updated', 'item-2', HOOK],
      [5, 'updated', 'item-3', HOOK],
    ]);
    expect(written.items[0]?.requestId).toMatch(/\w+/);
  });

  it('reports each failure per Item with Plaid error_code, retries rate limits and 5xx, and never registers a token twice', async () => {
    // Prepare
    stub = await startPlaidStub({
      clientId: CLIENT_ID,
      secret: SECRET,
      items,
      script: {
        [token(4)]: [RATE_LIMITED(), RATE_LIMITED()],
        [token(5)]: [INTERNAL_ERROR()],
        [token(6)]: [INTERNAL_ERROR(), INTERNAL_ERROR(), INTERNAL_ERROR(), INTERNAL_ERROR()],
      },
    });
    const file = writeLines(dir, 'tokens-mixed.txt', [
      token(4),
      token(5),
      token(6),
      'not-a-token',
      'access-sandbox-00000000-dead-beef-0000-000000000000',
      token(4),
      token(7),
    ]);
    const report = join(dir, 'mixed.json');
    // Act
    const run = await runCli(
      [
        'register',
        'plaid',
        '--url',
        HOOK,
        '--access-tokens',
        file,
        '--report',
        report,
        '--retry-delay',
        '5',
        '--max-attempts',
        '3',
      ],
      env(),
    );
    // Assess
    expect(run.code).toBe(1);
    const written = readReport<PlaidReport>(report);
    const byLine = new Map(written.items.map((i) => [i.line, i]));
    expect(byLine.get(1)).toMatchObject({ status: 'updated', itemId: 'item-4', attempts: 3 });
    expect(byLine.get(2)).toMatchObject({ status: 'updated', itemId: 'item-5', attempts: 2 });
    expect(byLine.get(3)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { status: 500, error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(byLine.get(4)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { status: 400, error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCESS_TOKEN' },
    });
    expect(byLine.get(4)?.error?.request_id).toMatch(/\w+/);
    expect(byLine.get(5)).toMatchObject({
      status: 'failed',
      error: { error_code: 'INVALID_ACCESS_TOKEN', error_message: 'could not find matching access token' },
    });
    expect(byLine.get(7)).toMatchObject({ status: 'updated', itemId: 'item-7', attempts: 1 });
    expect(byLine.has(6)).toBe(false);
    expect(written.summary).toMatchObject({
      tokens: 6,
      duplicatesSkipped: 1,
      updated: 3,
      updateFailed: 3,
      failed: 3,
    });
    // Nothing registered twice: one successful call per token, retries only after a refusal.
    const calls = (t: string) =>
      stub.requests.filter((r) => (r.body as { access_token: string }).access_token === t);
    expect(calls(token(4))).toHaveLength(3);
    expect(calls(token(7))).toHaveLength(1);
    expect(run.stdout).toContain('INVALID_ACCESS_TOKEN (INVALID_INPUT)');
    // Tokens never appear in full, neither printed nor in the report.
    const everything = run.stdout + run.stderr + JSON.stringify(written);
    for (const t of [token(4), token(5), token(6), token(7)]) expect(everything).not.toContain(t);
    expect(written.items[0]?.accessToken).toBe(`access-sandbox-…${token(4).slice(-4)}`);
  });

  it('keeps at most --concurrency calls in flight', async () => {
    // Prepare
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items, delayMs: 40 });
    const file = writeLines(
      dir,
      'tokens-many.txt',
      Array.from({ length: 12 }, (_, i) => token(i + 1)),
    );
    // Act
    const run = await runCli(
      [
        'register',
        'plaid',
        '--url',
        HOOK,
        '--access-tokens',
        file,
        '--concurrency',
        '3',
        '--report',
        join(dir, 'c.json'),
      ],
      env(),
    );
    // Assess
    expect(run.code).toBe(0);
    expect(stub.requests).toHaveLength(12);
    expect(stub.maxInFlight()).toBe(3);
  });

  it('reports wrong API credentials per Item (INVALID_API_KEYS) and exits 1', async () => {
    // Prepare
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    const file = writeLines(dir, 'tokens-one.txt', [token(1)]);
    const report = join(dir, 'keys.json');
    // Act
    const run = await runCli(
      ['register', 'plaid', '--url', HOOK, '--access-tokens', file, '--report', report],
      env({ PLAID_SECRET: 'wrong' }),
    );
    // Assess
    expect(run.code).toBe(1);
    expect(readReport<PlaidReport>(report).items[0]?.error).toMatchObject({ error_code: 'INVALID_API_KEYS' });
  });

  it('refuses bad usage with exit 2 before calling Plaid', async () => {
    // Prepare
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    const file = writeLines(dir, 'tokens-usage.txt', [token(1)]);
    const empty = writeLines(dir, 'empty.txt', ['# nothing here', '']);
    // Act
    const runs = await Promise.all([
      runCli(['register', 'plaid', '--url', HOOK], env()),
      runCli(['register', 'plaid', '--access-tokens', file], env()),
      runCli(['register', 'plaid', '--url', 'not a url', '--access-tokens', file], env()),
      runCli(['register', 'plaid', '--url', HOOK, '--access-tokens', empty], env()),
      runCli(['register', 'plaid', '--url', HOOK, '--access-tokens', file, '--wait'], env()),
      runCli(['register', 'plaid', '--url', HOOK, '--access-tokens', file], {
        PLAID_CLIENT_ID: 'x',
        PLAID_SECRET: 'y',
      }),
      runCli(['register', 'plaid', '--url', HOOK, '--access-tokens', file, '--concurrency', '0'], env()),
      runCli(['register', 'stripe'], env()),
    ]);
    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(runs[4]?.stderr).toContain('--wait');
    expect(runs[5]?.stderr).toContain('PLAID_ENV');
    expect(stub.requests).toHaveLength(0);
  });

  it('prints its help with exit 0', async () => {
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    const run = await runCli(['register', '--help'], {});
    const viaHelp = await runCli(['help', 'register'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('register plaid --url');
    expect(viaHelp.stdout).toBe(run.stdout);
  });
});

describe('register plaid --stack (outputs and Secrets Manager mocked)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const secrets = mockClient(SecretsManagerClient);
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid-AbCdEf';
  afterAll(() => {
    cloudFormation.restore();
    secrets.restore();
  });

  it('takes the URL from the stack output and the credentials from the stack secret', async () => {
    // Prepare
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    cloudFormation.on(DescribeStacksCommand, { StackName: 'prod-webhooks' }).resolves({
      Stacks: [
        {
          StackName: 'prod-webhooks',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 'prod-webhooks-table' },
            { OutputKey: 'QueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q' },
            {
              OutputKey: 'DeadLetterQueueUrl',
              OutputValue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
            },
            { OutputKey: 'PlaidWebhookUrl', OutputValue: 'https://api.example.test/webhooks/plaid' },
            { OutputKey: 'PlaidSecretArn', OutputValue: arn },
          ],
        },
      ],
    });
    secrets
      .on(GetSecretValueCommand, { SecretId: arn })
      .resolves({ SecretString: JSON.stringify({ client_id: CLIENT_ID, secret: SECRET }) });
    const file = writeLines(dir, 'tokens-stack.txt', [token(8)]);
    const report = join(dir, 'stack.json');
    // Act
    const run = await runCli(
      [
        'register',
        'plaid',
        '--stack',
        'prod-webhooks',
        '--region',
        'eu-west-1',
        '--access-tokens',
        file,
        '--report',
        report,
      ],
      { PLAID_BASE_URL: stub.url },
    );
    // Assess
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(stub.requests[0]?.body).toEqual({
      access_token: token(8),
      webhook: 'https://api.example.test/webhooks/plaid',
    });
    expect(stub.requests[0]?.headers['plaid-secret']).toBe(SECRET);
    expect(readReport<PlaidReport>(report).parameters.credentials).toBe(`Secrets Manager ${arn}`);
  });

  it('names the missing outputs of a stack that lacks them (exit 1)', async () => {
    stub = await startPlaidStub({ clientId: CLIENT_ID, secret: SECRET, items });
    cloudFormation.on(DescribeStacksCommand, { StackName: 'half' }).resolves({
      Stacks: [{ StackName: 'half', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    const file = writeLines(dir, 'tokens-half.txt', [token(9)]);
    const run = await runCli(['register', 'plaid', '--stack', 'half', '--access-tokens', file], {
      PLAID_BASE_URL: stub.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('TableName, QueueUrl, DeadLetterQueueUrl');
  });
});
