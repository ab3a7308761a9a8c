import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Archive, IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { TABLE_LAYOUT } from '../lambdas/shared/table-layout.js';

/**
 * The names `webhook-pipeline replay --archive` gives its replays and temporary rules:
 * `wp-replay-<time>-<hex>` and `wp-replay-<time>-<hex>-<n>` (cli/commands/replay-archive.ts). The
 * grant is limited to them; the simulation of recorded CLI runs fails if the CLI changes them.
 */
export const REPLAY_NAME_PREFIX = 'wp-replay-';

/** The resources of one pipeline that the operations commands act on. */
export interface OperatorResources {
  readonly scope: IConstruct;
  readonly table: ITable;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly bus: IEventBus;
  readonly archive: Archive;
  readonly plaidSecret: ISecret;
  readonly secretsKmsKeyArn?: string;
}

/**
 * The IAM statements that give an operator exactly what one CLI command calls on one pipeline, read
 * from cli/commands and cli/ops, and proven by simulating recorded runs of the real commands
 * (test/infra/operator-grants.test.ts): every call allowed, every statement used, nothing of another
 * pipeline allowed. SQS batch calls are authorized as their single forms (`SendMessageBatch` is
 * `sqs:SendMessage`).
 */
export const operatorStatements = (
  command: 'replay' | 'redrive-dlq' | 'requeue' | 'reconcile',
  r: OperatorResources,
): PolicyStatement[] => {
  const stack = Stack.of(r.scope);
  const arn = (service: string, resource: string, resourceName: string) =>
    stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const allow = (actions: string[], resources: string[]) => new PolicyStatement({ actions, resources });
  // --stack: the outputs name the table, queues, bus and secrets.
  const describeStack = allow(
    ['cloudformation:DescribeStacks'],
    [arn('cloudformation', 'stack', `${stack.stackName}/*`)],
  );
  const sendToQueue = allow(['sqs:SendMessage'], [r.queue.queueArn]);
  switch (command) {
    case 'replay': {
      const rules = (name: string) => arn('events', 'rule', `${r.bus.eventBusName}/${name}`);
      const replays = arn('events', 'replay', `${REPLAY_NAME_PREFIX}*`);
      return [
        describeStack,
        // From the table: the size for the estimate, a parallel Scan, replay messages to the queue.
        allow(['dynamodb:DescribeTable', 'dynamodb:Scan'], [r.table.tableArn]),
        sendToQueue,
        // --archive: the bus and its archive, a temporary rule per consumer rule with that rule's
        // targets copied, the replay, then the temporary rules removed.
        allow(['events:DescribeEventBus'], [r.bus.eventBusArn]),
        // ListArchives has no resource type: it is granted on "*" or not at all.
        allow(['events:ListArchives'], ['*']),
        allow(['events:DescribeArchive'], [r.archive.archiveArn]),
        allow(['events:ListTargetsByRule'], [rules('*')]),
        allow(
          ['events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:DeleteRule'],
          [rules(`${REPLAY_NAME_PREFIX}*`)],
        ),
        // StartReplay is authorized on the archive, the destination bus and the replay.
        allow(['events:StartReplay'], [r.archive.archiveArn, r.bus.eventBusArn, replays]),
        allow(['events:DescribeReplay', 'events:CancelReplay'], [replays]),
      ];
    }
    case 'redrive-dlq':
      return [
        describeStack,
        // Received, deleted once sent, and what was not moved made visible again at once.
        allow(
          ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
          [r.deadLetterQueue.queueArn],
        ),
        sendToQueue,
      ];
    case 'requeue':
      return [
        describeStack,
        // The sparse exceptions index, one Query per shard, then the bodies from the table.
        allow(['dynamodb:Query'], [`${r.table.tableArn}/index/${TABLE_LAYOUT.exceptions.indexName}`]),
        allow(['dynamodb:BatchGetItem'], [r.table.tableArn]),
        sendToQueue,
      ];
    case 'reconcile':
      return [
        describeStack,
        // The stack's Plaid credentials (unless PLAID_CLIENT_ID and PLAID_SECRET are set).
        allow(['secretsmanager:GetSecretValue'], [r.plaidSecret.secretArn]),
        ...(r.secretsKmsKeyArn
          ? [
              new PolicyStatement({
                actions: ['kms:Decrypt'],
                resources: [r.secretsKmsKeyArn],
                conditions: {
                  StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` },
                },
              }),
            ]
          : []),
        // One Scan of the Plaid records; a nudge is enqueued, then stored as ingest does.
        allow(['dynamodb:Scan', 'dynamodb:PutItem'], [r.table.tableArn]),
        sendToQueue,
      ];
  }
};

/** Adds the statements of a command to the grantee's policy; the grant of all of them. */
export const grantOperator = (
  grantee: IGrantable,
  command: Parameters<typeof operatorStatements>[0],
  resources: OperatorResources,
): Grant =>
  operatorStatements(command, resources)
    .map((statement) =>
      Grant.addToPrincipal({
        grantee,
        actions: statement.actions,
        resourceArns: statement.resources,
        ...(Object.keys(statement.conditions).length ? { conditions: statement.conditions } : {}),
      }),
    )
    .reduce((all, grant) => all.combine(grant));
