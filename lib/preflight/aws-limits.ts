/**
 * The AWS limits the stack's template can reach, with their documented defaults. The quota
 * preflight (test/infra/quota-preflight.test.ts) measures each `measured` limit on every shape of the
 * stack and fails above the limit, warns above 80 %. Figures were read from the sources on the date
 * given; adjustable ones are Service Quotas and may be higher in a given account.
 */
export interface AwsLimit {
  /** What is limited. */
  readonly name: string;
  /** The documented default (or hard limit). */
  readonly limit: number;
  readonly unit: string;
  /** Raised through Service Quotas (or support) when true. */
  readonly adjustable: boolean;
  /** Service Quotas code, when the quota has one. */
  readonly quotaCode?: string;
  /** Where the figure comes from. */
  readonly source: string;
  /** When the source was read (YYYY-MM-DD). */
  readonly read: string;
  /** False when a synth cannot measure it (then the note says what holds it). */
  readonly measured: boolean;
  readonly note?: string;
}

const READ = '2026-12-02';
const CFN = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';
const EVENTS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';
const SCHEMAS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html#schema-quotas';
const LAMBDA = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const SQS = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html';
const APIGW = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html';
const DDB = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html';
const CW = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html';
const LOGS = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html';

/** Every limit the preflight knows, by id. */
export const AWS_LIMITS = {
  cfnResources: {
    name: 'CloudFormation resources per stack',
    limit: 500,
    unit: 'resources',
    adjustable: false,
    source: CFN,
    read: READ,
    measured: true,
  },
  cfnTemplateSize: {
    name: 'CloudFormation template body uploaded through S3 (cdk deploy uploads it to the bootstrap bucket)',
    limit: 1_048_576,
    unit: 'bytes',
    adjustable: false,
    source: CFN,
    read: READ,
    measured: true,
    note: 'measured as cdk writes it: JSON indented by one space',
  },
  cfnOutputs: {
    name: 'CloudFormation outputs per stack',
    limit: 200,
    unit: 'outputs',
    adjustable: false,
    source: CFN,
    read: READ,
    measured: true,
  },
  cfnParameters: {
    name: 'CloudFormation parameters per stack',
    limit: 200,
    unit: 'parameters',
    adjustable: false,
    source: CFN,
    read: READ,
    measured: true,
  },
  cfnMappings: {
    name: 'CloudFormation mappings per stack',
    limit: 200,
    unit: 'mappings',
    adjustable: false,
    source: CFN,
    read: READ,
    measured: true,
  },
  schemaRegistries: {
    name: 'EventBridge schema registries per account and region',
    limit: 10,
    unit: 'registries',
    adjustable: true,
    source: SCHEMAS,
    read: READ,
    measured: true,
    note: 'per stack; several stages in one account and region add up',
  },
  schemasPerRegistry: {
    name: 'EventBridge schemas per registry',
    limit: 100,
    unit: 'schemas',
    adjustable: true,
    quotaCode: 'L-EE9E5FA9',
    source: SCHEMAS,
    read: READ,
    measured: true,
  },
  schemaVersions: {
    name: 'EventBridge versions per schema',
    limit: 100,
    unit: 'versions',
    adjustable: true,
    source: SCHEMAS,
    read: READ,
    measured: false,
    note: 'a deploy adds a version only to a schema whose content changed (content is deterministic; tested)',
  },
  schemaContent: {
    name: 'EventBridge schema content size',
    limit: 100_000,
    unit: 'characters',
    adjustable: false,
    source: SCHEMAS,
    read: READ,
    measured: true,
  },
  rulesPerBus: {
    name: 'EventBridge rules per event bus (an archive adds one managed rule)',
    limit: 300,
    unit: 'rules',
    adjustable: true,
    source: EVENTS,
    read: READ,
    measured: true,
  },
  targetsPerRule: {
    name: 'EventBridge targets per rule',
    limit: 5,
    unit: 'targets',
    adjustable: false,
    source: EVENTS,
    read: READ,
    measured: true,
  },
  eventPattern: {
    name: 'EventBridge event pattern size',
    limit: 2048,
    unit: 'characters',
    adjustable: false,
    source: EVENTS,
    read: READ,
    measured: true,
  },
  busPolicySize: {
    name: 'EventBridge event bus policy size',
    limit: 10_240,
    unit: 'characters',
    adjustable: true,
    source: EVENTS,
    read: READ,
    measured: true,
    note: 'grows with consumers: one statement per distinct set of sources and detail-types',
  },
  lambdaEnvironment: {
    name: 'Lambda environment variables, total size of keys and values',
    limit: 4096,
    unit: 'bytes',
    adjustable: false,
    source: LAMBDA,
    read: READ,
    measured: true,
    note: 'measured with resolved names and ARNs at their longest',
  },
  lambdaUnzipped: {
    name: 'Lambda deployment package, unzipped',
    limit: 262_144_000,
    unit: 'bytes',
    adjustable: false,
    source: LAMBDA,
    read: READ,
    measured: false,
    note: 'the esbuild bundles are under 2 MB each (npm run bench prints their sizes); bundling is skipped in tests',
  },
  lambdaConcurrency: {
    name: 'Lambda reserved concurrency of the stack (account concurrency 1000 minus the 100 kept unreserved)',
    limit: 900,
    unit: 'executions',
    adjustable: true,
    quotaCode: 'L-B99A9384',
    source: LAMBDA,
    read: READ,
    measured: true,
  },
  esmMaxConcurrency: {
    name: 'SQS event source mapping maximum concurrency',
    limit: 1000,
    unit: 'invocations',
    adjustable: false,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
    read: READ,
    measured: true,
  },
  roleInlinePolicies: {
    name: 'IAM inline policies of a role, aggregate size (whitespace not counted)',
    limit: 10_240,
    unit: 'characters',
    adjustable: false,
    source: IAM,
    read: READ,
    measured: true,
  },
  managedPolicySize: {
    name: 'IAM managed policy size (whitespace not counted)',
    limit: 6144,
    unit: 'characters',
    adjustable: false,
    source: IAM,
    read: READ,
    measured: true,
  },
  functionName: {
    name: 'Lambda function name',
    limit: 64,
    unit: 'characters',
    adjustable: false,
    source: LAMBDA,
    read: READ,
    measured: true,
  },
  roleName: {
    name: 'IAM role name',
    limit: 64,
    unit: 'characters',
    adjustable: false,
    source: IAM,
    read: READ,
    measured: true,
  },
  queueName: {
    name: 'SQS queue name',
    limit: 80,
    unit: 'characters',
    adjustable: false,
    source: SQS,
    read: READ,
    measured: true,
  },
  ruleName: {
    name: 'EventBridge rule name',
    limit: 64,
    unit: 'characters',
    adjustable: false,
    source: EVENTS,
    read: READ,
    measured: true,
  },
  busName: {
    name: 'EventBridge event bus name',
    limit: 256,
    unit: 'characters',
    adjustable: false,
    source: EVENTS,
    read: READ,
    measured: true,
  },
  logGroupName: {
    name: 'CloudWatch Logs log group name',
    limit: 512,
    unit: 'characters',
    adjustable: false,
    source: LOGS,
    read: READ,
    measured: true,
  },
  schemaName: {
    name: 'EventBridge schema name',
    limit: 385,
    unit: 'characters',
    adjustable: false,
    source:
      'https://docs.aws.amazon.com/eventbridge/latest/schema-reference/v1-registries-name-registryname-schemas-name-schemaname.html',
    read: READ,
    measured: true,
  },
  alarmName: {
    name: 'CloudWatch alarm name',
    limit: 255,
    unit: 'characters',
    adjustable: false,
    source: CW,
    read: READ,
    measured: true,
  },
  apiRoutes: {
    name: 'API Gateway HTTP API routes per API',
    limit: 300,
    unit: 'routes',
    adjustable: true,
    source: APIGW,
    read: READ,
    measured: true,
  },
  apiThrottleRate: {
    name: 'API Gateway throttle, requests per second per account and region',
    limit: 10_000,
    unit: 'requests/s',
    adjustable: true,
    quotaCode: 'L-8A5B8E43',
    source: APIGW,
    read: READ,
    measured: true,
  },
  apiThrottleBurst: {
    name: 'API Gateway burst per account and region',
    limit: 5000,
    unit: 'requests',
    adjustable: false,
    source: APIGW,
    read: READ,
    measured: true,
  },
  tableGsis: {
    name: 'DynamoDB global secondary indexes per table',
    limit: 20,
    unit: 'indexes',
    adjustable: true,
    source: DDB,
    read: READ,
    measured: true,
  },
  sqsVisibilityTimeout: {
    name: 'SQS visibility timeout',
    limit: 43_200,
    unit: 'seconds',
    adjustable: false,
    source: SQS,
    read: READ,
    measured: true,
  },
} as const satisfies Record<string, AwsLimit>;

export type AwsLimitId = keyof typeof AWS_LIMITS;
