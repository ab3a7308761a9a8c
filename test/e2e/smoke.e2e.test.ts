import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevProcess, startDevProcess } from '../helpers/dev-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SMOKE = join(ROOT, 'scripts', 'smoke.ts');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const run = promisify(execFile);

/** Runs `npm run smoke -- <args>` as a user would, against the local endpoints. */
const smoke = async (args: string[], env: NodeJS.ProcessEnv) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, SMOKE, ...args], { cwd: ROOT, env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
};

describe('npm run smoke against npm run dev', () => {
  let dev: DevProcess;
  let env: NodeJS.ProcessEnv;
  let secret: string;
  let local: { busEndpoint: string; sqsEndpoint: string };

  beforeAll(async () => {
    dev = await startDevProcess();
    local = (await (await fetch(`${dev.url}/_local`)).json()) as typeof local;
    secret = (
      JSON.parse(readFileSync(join(dev.env.LOCAL_DIR ?? '', 'dev-keys.json'), 'utf8')) as {
        argyle: { secret: string };
      }
    ).argyle.secret;
    // The SDK's own endpoint variables: the script is the one a user runs against AWS.
    env = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_EVENTBRIDGE: local.busEndpoint,
      AWS_ENDPOINT_URL_SQS: local.sqsEndpoint,
    };
  }, 60_000);

  afterAll(async () => {
    await dev?.stop();
  });

  const leftovers = async () => {
    const sqs = new SQSClient({
      endpoint: local.sqsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const queues =
      (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'webhook-smoke-' }))).QueueUrls ?? [];
    sqs.destroy();
    return queues;
  };

  it('sends a signed webhook, sees its event through a temporary rule and queue, and removes both', async () => {
    // Act
    const result = await smoke(
      ['--url', dev.url, '--bus', 'webhook-pipeline-local', '--secret', secret, '--timeout', '30'],
      env,
    );

    // Assert
    expect(result.out).toMatch(/smoke: ok, event \d+ ms after the answer/);
    expect(result.code).toBe(0);
    for (const step of [
      'PutRule',
      'CreateQueue',
      'PutTargets',
      'POST',
      'ReceiveMessage',
      'RemoveTargets',
      'DeleteRule',
      'DeleteQueue',
    ]) {
      expect(result.out).toMatch(new RegExp(`^\\[\\d+\\.\\d{3} s\\] ${step}.*: ok \\(\\d+ ms\\)`, 'm'));
    }
    expect(result.out).toMatch(/accounts\.connected event for [0-9a-f-]{36}/);
    const rule = /PutRule (webhook-smoke-[0-9a-f]{8})/.exec(result.out)?.[1] ?? '';
    const events = new EventBridgeClient({
      endpoint: local.busEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    await expect(
      events.send(new DescribeRuleCommand({ Name: rule, EventBusName: 'webhook-pipeline-local' })),
    ).rejects.toThrow(/does not exist/);
    events.destroy();
    expect(await leftovers()).toEqual([]);
  }, 60_000);

  it('fails with the endpoint answer when the secret is wrong, and still removes the rule and queue', async () => {
    // Act
    const result = await smoke(
      ['--url', dev.url, '--bus', 'webhook-pipeline-local', '--secret', 'not-the-secret', '--timeout', '5'],
      env,
    );

    // Assert
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/POST .*: FAILED .* answered 401/);
    expect(result.out).toMatch(/DeleteRule webhook-smoke-[0-9a-f]{8}: ok/);
    expect(result.out).toMatch(/smoke: FAILED/);
    expect(await leftovers()).toEqual([]);
  }, 60_000);

  it('explains itself with --help and refuses missing arguments with exit 2', async () => {
    const help = await smoke(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--stack <name>/);
    const missing = await smoke(['--url', dev.url], { ...env, ARGYLE_WEBHOOK_SECRET: '' });
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/give --stack, or --url, --bus and --secret/);
  }, 60_000);
});
