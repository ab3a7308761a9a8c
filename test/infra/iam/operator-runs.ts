import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildQueueMessage } from '../../../lambdas/shared/queue-message.js';
import { createBusRulesApi } from '../../../local/bus-rules-api.js';
import { startLocalBus } from '../../../local/local-bus.js';
import { startTestEmulators } from '../../helpers/emulators.js';
import { putV2Record } from '../../helpers/v2-table.js';
import { type HttpStub, startHttpStub } from '../../ops/stubs/http-stub.js';
import { startPlaidStub } from '../../ops/stubs/plaid-stub.js';
import { runCli, writeLines } from '../../ops/stubs/run-cli.js';

/**
 * Runs the operations commands as an operator runs them on a deployed pipeline (`--stack`), and
 * records every AWS call they make: the real CLI, in this process, with its SDK clients pointed by
 * `AWS_ENDPOINT_URL_<SERVICE>` at real emulators (dynalite, fauxqs), the local bus (EventBridge
 * rules, archive and replays) and stand-ins for the two services that have none here:
 * CloudFormation (`DescribeStacks`, the stack's outputs) and Secrets Manager (`GetSecretValue`).
 * The calls are observed on the clients' `send`, never changed.
 */

/** One SDK call a command made. */
export interface SdkCall {
  /** The client class, e.g. `DynamoDBClient`. */
  readonly client: string;
  /** The command class without `Command`, e.g. `BatchGetItem`. */
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** What a run's calls name, so that they can be mapped onto a deployed pipeline's resources. */
export interface RunNames {
  readonly stackName: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly busName: string;
  readonly plaidSecretArn: string;
}

/** The commands whose grants are proven, each with the calls of its runs. */
export type OperatorCommand = 'replay' | 'redrive-dlq' | 'requeue' | 'reconcile';

/** Every call of each command, and the names they used. */
export interface OperatorRuns {
  readonly calls: Readonly<Record<OperatorCommand, readonly SdkCall[]>>;
  readonly names: RunNames;
  /** What each run printed, for a failure message. */
  readonly output: Readonly<Record<string, string>>;
}

const CLIENTS = [CloudFormationClient, DynamoDBClient, SQSClient, EventBridgeClient, SecretsManagerClient];

/** Records the calls of every client of the five services while `body` runs. */
const recording = async <T>(calls: SdkCall[], body: () => Promise<T>): Promise<T> => {
  const originals = CLIENTS.map(
    (client) => [client, Object.getOwnPropertyDescriptor(client.prototype, 'send')] as const,
  );
  for (const client of CLIENTS) {
    const inherited = Object.getPrototypeOf(client.prototype).send as (...args: unknown[]) => unknown;
    Object.defineProperty(client.prototype, 'send', {
      configurable: true,
      writable: true,
      value(
        this: object,
        command: { constructor: { name: string }; input: Record<string, unknown> },
        ...rest: unknown[]
      ) {
        calls.push({
          client: this.constructor.name,
          command: command.constructor.name.replace(/Command$/, ''),
          input: command.input,
        });
        return inherited.call(this, command, ...rest);
      },
    });
  }
  try {
    return await body();
  } finally {
    for (const [client, descriptor] of originals) {
      if (descriptor) Object.defineProperty(client.prototype, 'send', descriptor);
      else delete (client.prototype as { send?: unknown }).send;
    }
  }
};

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** CloudFormation's `DescribeStacks` (query protocol, XML), answering the stack's outputs. */
const startCloudFormation = (stackName: string, outputs: Record<string, string>): Promise<HttpStub> =>
  startHttpStub((request) => {
    const form = new URLSearchParams(request.rawBody);
    if (form.get('Action') !== 'DescribeStacks' || form.get('StackName') !== stackName) {
      return {
        status: 400,
        text: '<ErrorResponse><Error><Code>ValidationError</Code></Error></ErrorResponse>',
      };
    }
    const members = Object.entries(outputs)
      .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`)
      .join('');
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      text: `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${stackName}/0f1e2d3c</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    };
  });

/** Secrets Manager's `GetSecretValue` (JSON 1.1) for one secret. */
const startSecretsManager = (arn: string, value: string): Promise<HttpStub> =>
  startHttpStub((request) => {
    const body = request.body as { SecretId?: string } | undefined;
    if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || body?.SecretId !== arn) {
      return { status: 400, body: { __type: 'ResourceNotFoundException', message: 'no such secret' } };
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: { ARN: arn, Name: 'plaid', SecretString: value, VersionId: 'v1' },
    };
  });

/** Sets process variables for the duration of `body` (the SDK reads its endpoints from them). */
const withEnvironment = async <T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> => {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

/**
 * Seeds a pipeline's table, DLQ and bus, then runs `replay` (from the table, and `--archive` to a
 * consumer rule), `redrive-dlq`, `requeue` (failed and quarantined) and `reconcile plaid --recover`
 * with `--stack`, recording each command's calls.
 */
export const runOperatorCommands = async (): Promise<OperatorRuns> => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-operators-'));
  const emulators = await startTestEmulators();
  const region = 'eu-west-1';
  const localCredentials = { accessKeyId: 'l', secretAccessKey: 'l' };
  const bus = await startLocalBus({
    eventsLog: join(dir, 'events.ndjson'),
    region,
    rules: createBusRulesApi({ region, account: '123456789012' }),
  });
  const plaidSecretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid-AbCdEf';
  const names: RunNames = {
    stackName: 'Operators',
    tableName: emulators.tableName,
    queueUrl: emulators.queueUrl,
    deadLetterQueueUrl: emulators.dlqUrl,
    busName: 'webhook-pipeline-local',
    plaidSecretArn,
  };
  const cloudFormation = await startCloudFormation(names.stackName, {
    TableName: names.tableName,
    QueueUrl: names.queueUrl,
    DeadLetterQueueUrl: names.deadLetterQueueUrl,
    EventBusName: names.busName,
    PlaidSecretArn: plaidSecretArn,
    PlaidWebhookUrl: 'https://webhooks.example.com/webhooks/plaid',
  });
  const secrets = await startSecretsManager(
    plaidSecretArn,
    '{"client_id":"ops-client","secret":"ops-secret"}',
  );
  const token = 'access-production-ops-1';
  const sentAt = new Date(Date.now() - 5 * 60_000).toISOString();
  const plaid = await startPlaidStub({
    clientId: 'ops-client',
    secret: 'ops-secret',
    items: { [token]: 'item-ops-1' },
    itemGet: {
      [token]: {
        webhook: 'https://webhooks.example.com/webhooks/plaid',
        products: ['transactions'],
        lastWebhook: { sent_at: sentAt, code_sent: 'SYNC_UPDATES_AVAILABLE' },
      },
    },
  });
  try {
    // What there is to operate on: records of each status, a DLQ with a valid and an invalid
    // message, an event in the bus archive, and a consumer's rule with a target.
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const body = (n: number) =>
      JSON.stringify({
        webhook_type: 'TRANSACTIONS',
        webhook_code: 'SYNC_UPDATES_AVAILABLE',
        item_id: `item-${n}`,
      });
    await putV2Record(emulators.dynamo, names.tableName, {
      provider: 'plaid',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      receivedAt: at(30),
      status: 'published',
      rawBody: body(1),
    });
    await putV2Record(emulators.dynamo, names.tableName, {
      provider: 'plaid',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      receivedAt: at(29),
      status: 'failed',
      rawBody: body(2),
      failure: 'PutEvents: InternalFailure',
    });
    await putV2Record(emulators.dynamo, names.tableName, {
      provider: 'plaid',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      receivedAt: at(28),
      status: 'quarantined',
      rawBody: body(3),
      issues: ['(root): since fixed'],
    });
    const message = buildQueueMessage(
      { webhookId: 'dlq-1', provider: 'plaid', dedupeKey: 'plaid#dlq-1', receivedAt: at(20) },
      body(4),
    );
    for (const messageBody of [message, 'not a queue message']) {
      await emulators.sqs.send(
        new SendMessageCommand({ QueueUrl: names.deadLetterQueueUrl, MessageBody: messageBody }),
      );
    }
    const events = new EventBridgeClient({ endpoint: bus.endpoint, region, credentials: localCredentials });
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'webhooks.plaid',
            DetailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
            Detail: JSON.stringify({ metadata: { webhookId: 'archived-1' }, data: { item_id: 'item-1' } }),
            Time: new Date(at(25)),
            EventBusName: names.busName,
          },
        ],
      }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'consumer-transactions',
        EventBusName: names.busName,
        EventPattern: JSON.stringify({ source: ['webhooks.plaid'] }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'consumer-transactions',
        EventBusName: names.busName,
        Targets: [{ Id: 'their-bus', Arn: 'arn:aws:events:eu-west-1:111111111111:event-bus/their-bus' }],
      }),
    );
    events.destroy();

    const tokens = writeLines(dir, 'tokens.txt', [token]);
    const stack = ['--stack', names.stackName, '--region', region];
    const report = (name: string) => ['--report', join(dir, `${name}.json`)];
    const runs: Record<OperatorCommand, string[][]> = {
      replay: [
        ['replay', ...stack, '--from', at(60), '--to', at(0), ...report('replay')],
        [
          'replay',
          '--archive',
          ...stack,
          '--rule',
          'consumer-transactions',
          '--from',
          at(60),
          '--to',
          at(0),
          ...report('archive'),
        ],
      ],
      'redrive-dlq': [['redrive-dlq', ...stack, ...report('redrive')]],
      requeue: [
        ['requeue', ...stack, ...report('requeue')],
        ['requeue-quarantined', ...stack, ...report('requeue-quarantined')],
      ],
      reconcile: [
        ['reconcile', 'plaid', ...stack, '--access-tokens', tokens, '--recover', ...report('reconcile')],
      ],
    };
    const env = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ACCESS_KEY_ID: 'operator',
      AWS_SECRET_ACCESS_KEY: 'operator',
      AWS_REGION: region,
    };
    const calls = {} as Record<OperatorCommand, SdkCall[]>;
    const output: Record<string, string> = {};
    await withEnvironment(env, async () => {
      for (const [command, argvs] of Object.entries(runs) as [OperatorCommand, string[][]][]) {
        calls[command] = [];
        for (const argv of argvs) {
          const run = await recording(calls[command], () =>
            runCli(argv, { ...process.env, PLAID_BASE_URL: plaid.url, PLAID_ENV: 'production' }),
          );
          output[argv.slice(0, 2).join(' ')] = `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
        }
      }
    });
    return { calls, names, output };
  } finally {
    await Promise.all([
      emulators.stop(),
      bus.close(),
      cloudFormation.close(),
      secrets.close(),
      plaid.close(),
    ]);
  }
};
