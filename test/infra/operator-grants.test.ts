import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREFLIGHT_TARGET, resolveTemplate } from '../../lib/preflight/resolve-template.js';
import { WebhookPipeline } from '../../lib/webhook-pipeline.js';
import {
  type OperatorCommand,
  type OperatorRuns,
  type RunNames,
  runOperatorCommands,
  type SdkCall,
} from './iam/operator-runs.js';
import {
  decide,
  defaultKeyPolicy,
  rolePolicies,
  type SimulatedCall,
  unusedGrantsOf,
} from './iam/role-simulation.js';
import { testApp } from './synth.js';

// Two pipelines in one stack and an operator role per grant, each given one command on pipeline A.
// The commands are run for real (operator-runs.ts); their recorded calls, named as pipeline A's
// resources, must each be allowed, every statement of a grant must be used by one, and the same
// calls on pipeline B's resources must all be denied.
const KMS_KEY = 'arn:aws:kms:ap-southeast-5:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
const app = testApp();
const stack = new Stack(app, 'Operators');
const a = new WebhookPipeline(stack, 'A', {
  production: false,
  name: 'webhooks-a',
  plaidSecretArn: 'arn:aws:secretsmanager:ap-southeast-5:123456789012:secret:plaid-a-AbCdEf',
  argyleSecretArn: 'arn:aws:secretsmanager:ap-southeast-5:123456789012:secret:argyle-a-AbCdEf',
  secretsKmsKeyArn: KMS_KEY,
});
const b = new WebhookPipeline(stack, 'B', { production: false, name: 'webhooks-b' });
const COMMANDS = [
  'replay',
  'redrive-dlq',
  'requeue',
  'reconcile',
] as const satisfies readonly OperatorCommand[];
const roles = {
  replay: new Role(stack, 'ReplayOperator', { assumedBy: new AccountRootPrincipal() }),
  'redrive-dlq': new Role(stack, 'RedriveOperator', { assumedBy: new AccountRootPrincipal() }),
  requeue: new Role(stack, 'RequeueOperator', { assumedBy: new AccountRootPrincipal() }),
  reconcile: new Role(stack, 'ReconcileOperator', { assumedBy: new AccountRootPrincipal() }),
};
a.grantReplay(roles.replay);
a.grantRedriveDlq(roles['redrive-dlq']);
a.grantRequeue(roles.requeue);
a.grantReconcile(roles.reconcile);

const template = Template.fromStack(stack).toJSON();
const target = { ...PREFLIGHT_TARGET, stackName: stack.stackName };
const resolved = resolveTemplate(template, target);
const value = (token: string): string => String(resolved.resolve(stack.resolve(token)));

/** A pipeline's resources as deployed, named as the calls name them. */
const deployedOf = (pipeline: WebhookPipeline) => ({
  stackArn: `arn:aws:cloudformation:${target.region}:${target.account}:stack/${stack.stackName}/0f1e2d3c`,
  tableArn: value(pipeline.table.tableArn),
  queueArn: value(pipeline.queue.queueArn),
  deadLetterQueueArn: value(pipeline.deadLetterQueue.queueArn),
  busName: value(pipeline.bus.eventBusName),
  busArn: value(pipeline.bus.eventBusArn),
  archiveArn: value(pipeline.archive.archiveArn),
  plaidSecretArn: value(pipeline.plaidSecret.secretArn),
  kmsKeyArn: pipeline === a ? KMS_KEY : undefined,
});
type Deployed = ReturnType<typeof deployedOf>;

const SQS_BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/**
 * The IAM authorizations an SDK call needs, on the deployed pipeline's resources: the names the run
 * used (its stack's outputs) become the deployed pipeline's ARNs; a name of anything else fails. Each
 * inner list is one authorization, allowed only when every resource of it is (StartReplay is
 * authorized on the archive, the bus and the replay at once).
 */
const authorizationsOf = (call: SdkCall, names: RunNames, p: Deployed): SimulatedCall[][] =>
  requestsOf(call, names, p).map((request) => (Array.isArray(request) ? request : [request]));

const requestsOf = (call: SdkCall, names: RunNames, p: Deployed): (SimulatedCall | SimulatedCall[])[] => {
  const input = call.input as Record<string, string> & {
    RequestItems?: object;
    Destination?: { Arn: string };
  };
  const origin = `${call.client}.${call.command}`;
  const expect = (what: string, actual: unknown, wanted: string) => {
    if (actual !== wanted)
      throw new Error(`${origin} names ${what} ${String(actual)}, not the pipeline's ${wanted}`);
  };
  const rule = (name: string) =>
    `arn:aws:events:${target.region}:${target.account}:rule/${p.busName}/${name}`;
  const replay = (name: string) => `arn:aws:events:${target.region}:${target.account}:replay/${name}`;
  switch (call.client) {
    case 'CloudFormationClient':
      expect('stack', input.StackName, names.stackName);
      return [{ action: `cloudformation:${call.command}`, arn: p.stackArn, origin }];
    case 'DynamoDBClient': {
      const table = input.RequestItems ? Object.keys(input.RequestItems)[0] : input.TableName;
      expect('table', table, names.tableName);
      const arn = input.IndexName ? `${p.tableArn}/index/${input.IndexName}` : p.tableArn;
      return [{ action: `dynamodb:${call.command}`, arn, origin }];
    }
    case 'SQSClient': {
      const queue =
        input.QueueUrl === names.queueUrl
          ? p.queueArn
          : input.QueueUrl === names.deadLetterQueueUrl
            ? p.deadLetterQueueArn
            : undefined;
      if (!queue) throw new Error(`${origin} names queue ${input.QueueUrl}`);
      return [{ action: `sqs:${SQS_BATCH_ACTIONS[call.command] ?? call.command}`, arn: queue, origin }];
    }
    case 'EventBridgeClient': {
      const action = `events:${call.command}`;
      switch (call.command) {
        case 'DescribeEventBus':
          expect('bus', input.Name, names.busName);
          return [{ action, arn: p.busArn, origin }];
        case 'ListArchives':
          return [{ action, arn: '*', origin }];
        case 'DescribeArchive':
          expect('archive', input.ArchiveName, `${names.busName}-archive`);
          return [{ action, arn: p.archiveArn, origin }];
        case 'StartReplay':
          expect('archive', input.EventSourceArn?.split('/').pop(), `${names.busName}-archive`);
          expect('bus', input.Destination?.Arn.split('/').pop(), names.busName);
          return [
            [p.archiveArn, p.busArn, replay(input.ReplayName as string)].map((arn) => ({
              action,
              arn,
              origin,
            })),
          ];
        case 'DescribeReplay':
        case 'CancelReplay':
          return [{ action, arn: replay(input.ReplayName as string), origin }];
        default:
          expect('bus', input.EventBusName, names.busName);
          return [{ action, arn: rule((input.Rule ?? input.Name) as string), origin }];
      }
    }
    case 'SecretsManagerClient': {
      expect('secret', input.SecretId, names.plaidSecretArn);
      const read = { action: `secretsmanager:${call.command}`, arn: p.plaidSecretArn, origin };
      if (!p.kmsKeyArn) return [read];
      // Secrets Manager decrypts with the caller's permissions, through itself only.
      return [
        read,
        {
          action: 'kms:Decrypt',
          arn: p.kmsKeyArn,
          context: { 'kms:ViaService': `secretsmanager.${target.region}.amazonaws.com` },
          resourcePolicy: defaultKeyPolicy(target.account),
          origin: `Secrets Manager decrypting ${p.plaidSecretArn}`,
        },
      ];
    }
    default:
      throw new Error(`${origin}: a client the grants do not know`);
  }
};

/** Statements a grant gives that no recorded run exercised, each with why it is there. */
const NOT_EXERCISED: Partial<Record<OperatorCommand, Record<string, string>>> = {
  replay: {
    'events:CancelReplay': 'replay --archive cancels the replay only when it outlasts --wait-timeout',
  },
};

const roleIdOf = (role: Role) => stack.getLogicalId(role.node.defaultChild as never);
const principalOf = (command: OperatorCommand) =>
  `arn:aws:sts::${target.account}:assumed-role/${resolved.physicalName(roleIdOf(roles[command]))}/operator`;
const policiesOf = (command: OperatorCommand) => rolePolicies(template, roleIdOf(roles[command]), target);
const unique = (calls: readonly SimulatedCall[]) => [
  ...new Map(calls.map((c) => [`${c.action} ${c.arn}`, c])).values(),
];
/** Every request of a command's calls, on a pipeline, once each. */
const callsOf = (command: OperatorCommand, pipeline: WebhookPipeline): SimulatedCall[] =>
  unique(runs.calls[command].flatMap((c) => authorizationsOf(c, runs.names, deployedOf(pipeline)).flat()));

/**
 * Authorizations that name no pipeline's own resource: DescribeStacks of the stack both pipelines
 * share, ListArchives (no resource), and DescribeReplay / CancelReplay, whose replays are named per
 * account (`wp-replay-*`), not per bus. A replay of pipeline B cannot be started with A's grant (its
 * archive and bus are B's), but one started by B's operator can be described by A's.
 */
const ACCOUNT_WIDE = new Set([
  'cloudformation:DescribeStacks',
  'events:ListArchives',
  'events:DescribeReplay',
  'events:CancelReplay',
]);

let runs: OperatorRuns;

beforeAll(async () => {
  runs = await runOperatorCommands();
}, 120_000);

describe('operator grants: the recorded calls of the real commands, simulated', () => {
  it('ran every command on the recorded stack', () => {
    const output = JSON.stringify(runs.output, null, 1);
    expect(runs.output['replay --stack'], output).toMatch(/^exit 0/);
    expect(runs.output['replay --archive'], output).toMatch(/^exit 0/);
    // The invalid DLQ message stays there and fails the run; the valid one is moved.
    expect(runs.output['redrive-dlq --stack'], output).toMatch(/^exit 1[\s\S]*not JSON/);
    expect(runs.output['requeue --stack'], output).toMatch(/^exit 0/);
    expect(runs.output['requeue-quarantined --stack'], output).toMatch(/^exit 0/);
    expect(runs.output['reconcile plaid'], output).toMatch(/^exit 0[\s\S]*nudge published/);
  });

  it.each(COMMANDS)('%s: the command called exactly these actions', (command) => {
    const actions = [...new Set(callsOf(command, a).map((c) => c.action))].sort();
    expect(actions).toEqual(
      {
        replay: [
          'cloudformation:DescribeStacks',
          'dynamodb:DescribeTable',
          'dynamodb:Scan',
          'events:DeleteRule',
          'events:DescribeArchive',
          'events:DescribeEventBus',
          'events:DescribeReplay',
          'events:ListArchives',
          'events:ListTargetsByRule',
          'events:PutRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:StartReplay',
          'sqs:SendMessage',
        ],
        'redrive-dlq': [
          'cloudformation:DescribeStacks',
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ],
        requeue: [
          'cloudformation:DescribeStacks',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'sqs:SendMessage',
        ],
        reconcile: [
          'cloudformation:DescribeStacks',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'kms:Decrypt',
          'secretsmanager:GetSecretValue',
          'sqs:SendMessage',
        ],
      }[command],
    );
  });

  it.each(COMMANDS)('%s: its grant allows every call on pipeline A', async (command) => {
    const calls = callsOf(command, a);
    const denied: string[] = [];
    for (const call of calls) {
      const decision = await decide(call, policiesOf(command), principalOf(command), target.account);
      if (decision !== 'Allowed') denied.push(`${call.action} on ${call.arn} (${call.origin}): ${decision}`);
    }
    expect(denied).toEqual([]);
  });

  it.each(COMMANDS)(
    '%s: every statement of its grant is used by a call, or says why not',
    async (command) => {
      const calls = callsOf(command, a);
      const explained = Object.keys(NOT_EXERCISED[command] ?? {});
      expect(
        await unusedGrantsOf(policiesOf(command), principalOf(command), calls, explained, target.account),
      ).toEqual([]);
    },
  );

  it.each(COMMANDS)('%s: its grant allows none of those calls on pipeline B', async (command) => {
    const authorizations = runs.calls[command]
      .flatMap((c) => authorizationsOf(c, runs.names, deployedOf(b)))
      .filter((resources) => !ACCOUNT_WIDE.has(resources[0]?.action ?? ''));
    expect(authorizations.length).toBeGreaterThan(0);
    const allowed: string[] = [];
    for (const resources of authorizations) {
      const decisions = await Promise.all(
        resources.map((call) => decide(call, policiesOf(command), principalOf(command), target.account)),
      );
      if (decisions.every((d) => d === 'Allowed')) {
        allowed.push(resources.map((c) => `${c.action} on ${c.arn}`).join(' + '));
      }
    }
    expect(allowed).toEqual([]);
  });

  it('gives no grant what another command needs', async () => {
    for (const command of COMMANDS) {
      const own = new Set(callsOf(command, a).map((c) => c.action));
      for (const other of COMMANDS.filter((c) => c !== command)) {
        const foreign = callsOf(other, a).filter((c) => !own.has(c.action));
        for (const call of foreign) {
          const decision = await decide(call, policiesOf(command), principalOf(command), target.account);
          expect(decision, `${command} grant: ${call.action} on ${call.arn}`).not.toBe('Allowed');
        }
      }
    }
  });

  it('keeps the replay grant to the temporary rules and replays the CLI names', async () => {
    const put = { action: 'events:PutRule', origin: 'a consumer rule' };
    const decideReplay = (arn: string) =>
      decide({ ...put, arn }, policiesOf('replay'), principalOf('replay'), target.account);
    const rules = `arn:aws:events:${target.region}:${target.account}:rule/${deployedOf(a).busName}`;
    expect(await decideReplay(`${rules}/wp-replay-20260101000000-abcdef-0`)).toBe('Allowed');
    expect(await decideReplay(`${rules}/consumer-transactions`)).not.toBe('Allowed');
  });
});
