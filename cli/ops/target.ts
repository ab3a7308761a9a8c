import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  createOperationsStore,
  type OperationsStore,
} from '../../lambdas/shared/adapters/operations-store.js';
import { UsageError } from '../cli-error.js';
import { findLocalPipeline, localDir } from '../local-settings.js';

/**
 * The CloudFormation output keys the commands read, as `lib/webhook-pipeline-stack.ts` declares
 * them. Kept in this one place: a renamed output is a one-line change here.
 */
export const STACK_OUTPUT_KEYS = {
  tableName: 'TableName',
  queueUrl: 'QueueUrl',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  eventBusName: 'EventBusName',
  plaidWebhookUrl: 'PlaidWebhookUrl',
  argyleWebhookUrl: 'ArgyleWebhookUrl',
  plaidSecretArn: 'PlaidSecretArn',
  argyleSecretArn: 'ArgyleSecretArn',
} as const;

/** Outputs without which no command can work on a stack. */
const REQUIRED_OUTPUTS = ['tableName', 'queueUrl', 'deadLetterQueueUrl'] as const;

/** The pipeline a command acts on: the local one or a deployed stack. */
export interface PipelineTarget {
  readonly kind: 'local' | 'stack';
  /** What to print and put in the report (names and URLs, never secrets). */
  readonly description: Record<string, string>;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly eventBusName?: string;
  /** The local bus's endpoint (`--local`); a stack uses the usual EventBridge endpoint. */
  readonly eventBridgeEndpoint?: string;
  readonly plaidWebhookUrl?: string;
  readonly argyleWebhookUrl?: string;
  readonly plaidSecretArn?: string;
  readonly argyleSecretArn?: string;
  /** The local state folder (dev keys), for `--local`. */
  readonly localDir?: string;
  readonly region?: string;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  /** The table as the operations commands read it (docs/storage-layout.md). */
  readonly store: OperationsStore;
  close(): void;
}

/** The target flags of a command. */
export interface TargetFlags {
  readonly local: boolean;
  readonly stack?: string | undefined;
  readonly region?: string | undefined;
  readonly localDir?: string | undefined;
}

/** True when a target was named. */
export const hasTarget = (flags: TargetFlags): boolean => flags.local || Boolean(flags.stack);

/** What `GET /_local` of the local pipeline answers. */
interface LocalState {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tableName: string;
  readonly busEndpoint?: string;
}

const readLocalState = async (url: string): Promise<LocalState> => {
  const stateUrl = `${url}/_local`;
  let response: Response;
  try {
    response = await fetch(stateUrl, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(
      `could not reach the local pipeline at ${stateUrl} (${reason}); is it running (npm run dev)?`,
    );
  }
  if (!response.ok) throw new Error(`${stateUrl} answered ${response.status}; is this the local pipeline?`);
  return (await response.json()) as LocalState;
};

/** Reads a stack's outputs by key. */
export const readStackOutputs = async (
  stackName: string,
  region: string | undefined,
): Promise<Record<string, string>> => {
  const client = new CloudFormationClient(region ? { region } : {});
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new Error(`stack ${stackName} not found`);
    return Object.fromEntries(
      (stack.Outputs ?? [])
        .filter((o) => o.OutputKey && o.OutputValue !== undefined)
        .map((o) => [o.OutputKey as string, o.OutputValue as string]),
    );
  } catch (error) {
    const message = (error as Error).message;
    // The SDK names what is missing, not where it is set: a first run on a new machine meets this.
    const hint = /region is missing/i.test(message)
      ? '; name it with --region <region> or set AWS_REGION (or a region in your AWS profile)'
      : '';
    throw new Error(`cannot read the outputs of stack ${stackName}: ${message}${hint}`);
  } finally {
    client.destroy();
  }
};

/**
 * Finds the table, queues and bus of the target. `--local` asks the running local pipeline
 * (`GET /_local`); `--stack` reads the CloudFormation outputs with the usual AWS credential chain.
 */
export const resolveTarget = async (flags: TargetFlags, env: NodeJS.ProcessEnv): Promise<PipelineTarget> => {
  if (flags.local && flags.stack) throw new UsageError('give either --local or --stack <name>, not both');
  if (!flags.local && !flags.stack) throw new UsageError('name the pipeline: --local or --stack <name>');
  if (flags.local) {
    const dir = localDir(env, flags.localDir);
    const pipeline = findLocalPipeline(env, dir).url;
    const state = await readLocalState(pipeline);
    // The emulators take any credentials; the region only has to be set.
    const common = {
      region: env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const dynamo = new DynamoDBClient({ ...common, endpoint: state.dynamoEndpoint });
    const sqs = new SQSClient({ ...common, endpoint: state.sqsEndpoint });
    return {
      kind: 'local',
      description: { target: 'local', pipeline, table: state.tableName },
      tableName: state.tableName,
      queueUrl: state.queueUrl,
      deadLetterQueueUrl: state.dlqUrl,
      eventBusName: 'webhook-pipeline-local',
      ...(state.busEndpoint ? { eventBridgeEndpoint: state.busEndpoint } : {}),
      plaidWebhookUrl: `${pipeline}/webhooks/plaid`,
      argyleWebhookUrl: `${pipeline}/webhooks/argyle`,
      localDir: dir,
      dynamo,
      sqs,
      store: createOperationsStore({ client: dynamo, tableName: state.tableName }),
      close() {
        dynamo.destroy();
        sqs.destroy();
      },
    };
  }
  const stackName = flags.stack as string;
  const outputs = await readStackOutputs(stackName, flags.region);
  const value = (key: keyof typeof STACK_OUTPUT_KEYS) => outputs[STACK_OUTPUT_KEYS[key]];
  const missing = REQUIRED_OUTPUTS.filter((k) => !value(k)).map((k) => STACK_OUTPUT_KEYS[k]);
  if (missing.length) throw new Error(`stack ${stackName} has no output ${missing.join(', ')}`);
  const clientConfig = flags.region ? { region: flags.region } : {};
  const dynamo = new DynamoDBClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const tableName = value('tableName') as string;
  const optional = (key: keyof typeof STACK_OUTPUT_KEYS) => (value(key) ? { [key]: value(key) } : {});
  return {
    kind: 'stack',
    description: {
      target: `stack ${stackName}`,
      table: tableName,
      ...(flags.region ? { region: flags.region } : {}),
    },
    tableName,
    queueUrl: value('queueUrl') as string,
    deadLetterQueueUrl: value('deadLetterQueueUrl') as string,
    ...optional('eventBusName'),
    ...optional('plaidWebhookUrl'),
    ...optional('argyleWebhookUrl'),
    ...optional('plaidSecretArn'),
    ...optional('argyleSecretArn'),
    ...(flags.region ? { region: flags.region } : {}),
    dynamo,
    sqs,
    store: createOperationsStore({ client: dynamo, tableName }),
    close() {
      dynamo.destroy();
      sqs.destroy();
    },
  };
};
