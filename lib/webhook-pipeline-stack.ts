import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DETAIL_TYPES, EVENT_SOURCES, eventJsonSchemas } from '@webhook-pipeline/events';
import {
  CfnOutput,
  Duration,
  Fn,
  Names,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { type EventSchemaDefinition, WebhookEventBus } from './constructs/event-bus.js';
import { PipelineAlarms } from './constructs/pipeline-alarms.js';
import { PipelineFunction, type PipelineFunctionDefaults } from './constructs/pipeline-function.js';
import { ProviderSecrets } from './constructs/provider-secrets.js';
import { WebhookApi } from './constructs/webhook-api.js';
import { WebhookQueue } from './constructs/webhook-queue.js';
import { WebhookTable } from './constructs/webhook-table.js';
import { guardRule } from './guard-validation.js';
import { DEFAULT_METRICS_NAMESPACE, ServiceName } from './pipeline-metrics.js';

/** The repository root: esbuild's project root and the base of the handler paths. */
/** The oldest accepted Plaid token (300 s) plus 30 s of clock skew. */
export const MIN_DEDUPE_WINDOW_SECONDS = 330;

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const handlerEntry = (name: 'ingest' | 'router') => join(PROJECT_ROOT, 'lambdas', name, 'handler.ts');

/** Reserved concurrency per function. */
export interface ReservedConcurrency {
  /** @default - none */
  readonly ingest?: number;
  /** @default - none */
  readonly router?: number;
}

/** Properties of a {@link WebhookPipelineStack}. */
export interface WebhookPipelineStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; part of resource names. */
  readonly stage: string;
  /**
   * A production stage keeps its table, secrets and logs when they leave the stack or the stack is
   * deleted (`RemovalPolicy.RETAIN`), and protects the table against deletion.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Accounts allowed to create rules on the event bus and read the schema registry.
   * @default - none
   */
  readonly consumerAccountIds?: readonly string[];
  /**
   * Plaid environment the ingest function asks for verification keys (`PLAID_ENV`).
   * @default 'production' for a production stage, else 'sandbox'
   */
  readonly plaidEnv?: 'sandbox' | 'production';
  /**
   * Plaid API base URL, overriding `plaidEnv` (`PLAID_BASE_URL`).
   * @default - from `plaidEnv`
   */
  readonly plaidBaseUrl?: string;
  /**
   * Complete ARN of an existing Plaid credentials secret.
   * @default - a secret is created
   */
  readonly plaidSecretArn?: string;
  /**
   * Complete ARN of an existing Argyle webhook secrets secret.
   * @default - a secret is created
   */
  readonly argyleSecretArn?: string;
  /**
   * Customer managed KMS key that encrypts the imported secrets: the ingest role gets `kms:Decrypt`
   * on it, through Secrets Manager only. The key policy must allow the account's IAM policies.
   * @default - the secrets use the AWS managed key `aws/secretsmanager`
   */
  readonly secretsKmsKeyArn?: string;
  /**
   * Custom domain of the webhook endpoints; needs `certificateArn`.
   * @default - the execute-api endpoint
   */
  readonly domainName?: string;
  /**
   * ACM certificate (in the stack's region) for `domainName`.
   * @default - none
   */
  readonly certificateArn?: string;
  /**
   * Reserved concurrency of the ingest and router functions.
   * @default - none
   */
  readonly reservedConcurrency?: ReservedConcurrency;
  /**
   * Messages per router invocation.
   * @default 10
   */
  readonly routerBatchSize?: number;
  /**
   * How long the event source gathers a batch before invoking the router.
   * @default Duration.seconds(0)
   */
  readonly routerMaxBatchingWindow?: Duration;
  /**
   * Most concurrent router invocations the SQS event source starts.
   * @default - no limit beyond the function's concurrency
   */
  readonly routerMaxConcurrency?: number;
  /**
   * Router function timeout; the queue's visibility timeout is six times this.
   * @default Duration.seconds(30)
   */
  readonly routerTimeout?: Duration;
  /**
   * How long the bus archive keeps events; `Duration.days(0)` keeps them forever.
   * @default Duration.days(90)
   */
  readonly archiveRetention?: Duration;
  /**
   * Steady-state requests per second of the API stage.
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst requests of the API stage.
   * @default 200
   */
  readonly throttleBurstLimit?: number;
  /**
   * How long a webhook record is kept in the table (TTL).
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * An identical body within this window is a duplicate delivery. At least the oldest accepted
   * Plaid token (300 s) plus 30 s of clock skew, so a captured delivery replayed while its token
   * is still accepted is a duplicate.
   * @default Duration.minutes(10)
   */
  readonly dedupeWindow?: Duration;
  /**
   * Largest accepted webhook body, in bytes: at most 294912, what one DynamoDB item stores with the
   * record's other attributes (docs/deploy.md, "Limits").
   * @default 262144
   */
  readonly maxBodyBytes?: number;
  /**
   * Plaid key fetches per ingest function instance per minute; past it an uncached key id is
   * answered 503 (a flood of random kids costs a bounded number of Plaid calls).
   * @default 20
   */
  readonly plaidKeyFetchesPerMinute?: number;
  /**
   * Accept Plaid webhooks only from these source addresses (403 otherwise): `['plaid']` for Plaid's
   * published addresses, or addresses and CIDR blocks. Off by default (docs/security.md).
   * @default - any source address
   */
  readonly plaidAllowedSourceIps?: readonly string[];
  /**
   * Retention of the function and access logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * `POWERTOOLS_LOG_LEVEL` of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * CloudWatch namespace of the custom metrics. Give each stage its own when several share an
   * account and region, or their alarms count each other's webhooks.
   * @default 'WebhookPipeline'
   */
  readonly metricsNamespace?: string;
  /**
   * Refused signatures in five minutes that raise the alarm.
   * @default 10
   */
  readonly signatureFailureThreshold?: number;
  /**
   * Active X-Ray tracing of both functions (priced in docs/costs.md: about $10 a month at 1 M
   * webhooks a month, since Lambda traces the first request of every second).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * The CloudWatch dashboard ($3.00 a month beyond an account's first three), and the router's
   * counts of plain publishes that only it reads (`PUBLISHED_COUNTS`: an EMF line per router
   * invocation and provider, and two custom metrics).
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * An email address notified of alarms (a topic is created and subscribed).
   * @default - none
   */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic notified of alarms.
   * @default - none
   */
  readonly alarmTopicArn?: string;
}

/**
 * The webhook pipeline: HTTP API → ingest function → DynamoDB + SQS → router function →
 * EventBridge bus, with the provider secrets, alarms and (when asked for) a dashboard. No reconciler: ingest sends
 * before it writes, so nothing is stored without a message (docs/storage-layout.md).
 */
export class WebhookPipelineStack extends Stack {
  public readonly api: WebhookApi;
  public readonly table: WebhookTable;
  public readonly queue: WebhookQueue;
  public readonly bus: WebhookEventBus;
  public readonly secrets: ProviderSecrets;
  public readonly ingest: PipelineFunction;
  public readonly router: PipelineFunction;
  public readonly alarms: PipelineAlarms;

  public constructor(scope: Construct, id: string, props: WebhookPipelineStackProps) {
    super(scope, id, props);
    if ((props.domainName === undefined) !== (props.certificateArn === undefined)) {
      throw new Error('domainName and certificateArn go together: set both or neither');
    }
    const production = props.production ?? false;
    const dedupeWindow = props.dedupeWindow ?? Duration.minutes(10);
    if (dedupeWindow.toSeconds() < MIN_DEDUPE_WINDOW_SECONDS) {
      throw new Error(
        `dedupeWindow must be at least ${MIN_DEDUPE_WINDOW_SECONDS} s (the oldest accepted Plaid token plus clock skew), got ${dedupeWindow.toSeconds()} s`,
      );
    }
    const retentionDays = String((props.retention ?? Duration.days(30)).toDays());
    const keep = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const functionDefaults: PipelineFunctionDefaults = {
      projectRoot: PROJECT_ROOT,
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      logRemovalPolicy: keep,
      logLevel: props.logLevel ?? 'INFO',
      metricsNamespace,
      tracing: props.tracing ?? false,
    };
    const providers = Object.keys(EVENT_SOURCES);

    this.table = new WebhookTable(this, 'Table', { removalPolicy: keep, deletionProtection: production });
    this.secrets = new ProviderSecrets(this, 'Secrets', {
      plaidSecretArn: props.plaidSecretArn,
      argyleSecretArn: props.argyleSecretArn,
      secretsKmsKeyArn: props.secretsKmsKeyArn,
      removalPolicy: keep,
    });

    const routerTimeout = props.routerTimeout ?? Duration.seconds(30);
    this.queue = new WebhookQueue(this, 'Queue', { consumerTimeout: routerTimeout, maxReceiveCount: 5 });

    this.bus = new WebhookEventBus(this, 'Events', {
      eventBusName: `webhook-pipeline-${props.stage}`,
      eventSources: Object.values(EVENT_SOURCES),
      archiveRetention: props.archiveRetention,
      consumerAccountIds: props.consumerAccountIds,
      schemas: contractSchemas(),
      registryNamePrefix: `webhook-pipeline-${props.stage}`,
    });

    this.ingest = new PipelineFunction(this, 'Ingest', {
      ...functionDefaults,
      entry: handlerEntry('ingest'),
      serviceName: ServiceName.Ingest,
      description: 'Verifies, stores and enqueues Plaid and Argyle webhooks',
      // Plaid counts a reply slower than 10 s as failed; a stuck call must end before that.
      timeout: Duration.seconds(8),
      memorySize: 1024,
      reservedConcurrentExecutions: props.reservedConcurrency?.ingest,
      environment: {
        TABLE_NAME: this.table.table.tableName,
        QUEUE_URL: this.queue.queue.queueUrl,
        PLAID_ENV: props.plaidEnv ?? (production ? 'production' : 'sandbox'),
        ...(props.plaidBaseUrl ? { PLAID_BASE_URL: props.plaidBaseUrl } : {}),
        PLAID_SECRET_ARN: this.secrets.plaid.secretArn,
        ARGYLE_SECRET_ARN: this.secrets.argyle.secretArn,
        MAX_BODY_BYTES: String(props.maxBodyBytes ?? 256 * 1024),
        ...(props.plaidKeyFetchesPerMinute
          ? { PLAID_KEY_FETCHES_PER_MINUTE: String(props.plaidKeyFetchesPerMinute) }
          : {}),
        ...(props.plaidAllowedSourceIps?.length
          ? { PLAID_ALLOWED_SOURCE_IPS: props.plaidAllowedSourceIps.join(',') }
          : {}),
        DEDUPE_WINDOW_SECONDS: String(dedupeWindow.toSeconds()),
        RETENTION_DAYS: retentionDays,
      },
    });
    this.table.grantConditionalWrites(this.ingest.function);
    this.queue.grantSend(this.ingest.function);
    this.secrets.grantRead(this.ingest.function);

    this.router = new PipelineFunction(this, 'Router', {
      ...functionDefaults,
      entry: handlerEntry('router'),
      serviceName: ServiceName.Router,
      description: 'Publishes queued webhooks to the event bus',
      timeout: routerTimeout,
      memorySize: 512,
      reservedConcurrentExecutions: props.reservedConcurrency?.router,
      environment: {
        TABLE_NAME: this.table.table.tableName,
        EVENT_BUS_NAME: this.bus.eventBus.eventBusName,
        // The router marks a record `failed` on the queue's last receive, and adopts with these.
        MAX_RECEIVE_COUNT: String(this.queue.maxReceiveCount),
        DEDUPE_WINDOW_SECONDS: String(dedupeWindow.toSeconds()),
        RETENTION_DAYS: retentionDays,
        // Longer than an invocation can run, so a claim still held is never taken over.
        CLAIM_LEASE_SECONDS: String(routerTimeout.toSeconds() * 2),
        // The counts of plain publishes feed the dashboard only: written with it (docs/costs.md).
        PUBLISHED_COUNTS: String(props.dashboard ?? false),
      },
    });
    this.table.grantReadAndUpdate(this.router.function);
    this.bus.grantPutEvents(this.router.function);
    // The mapping without SqsEventSource, whose grant adds sqs:GetQueueUrl and
    // sqs:ChangeMessageVisibility, which the event source mapping never calls.
    this.router.function.addEventSourceMapping(
      `SqsEventSource:${Names.nodeUniqueId(this.queue.queue.node)}`,
      {
        eventSourceArn: this.queue.queue.queueArn,
        batchSize: props.routerBatchSize ?? 10,
        maxBatchingWindow: props.routerMaxBatchingWindow,
        maxConcurrency: props.routerMaxConcurrency,
        reportBatchItemFailures: true,
      },
    );
    this.queue.grantEventSourceMapping(this.router.function);

    this.api = new WebhookApi(this, 'Api', {
      ingestFunction: this.ingest.function,
      providers,
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      accessLogRetention: functionDefaults.logRetention,
      accessLogRemovalPolicy: keep,
      ...(props.domainName && props.certificateArn
        ? {
            domain: {
              domainName: props.domainName,
              certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            },
          }
        : {}),
    });

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      namePrefix: this.stackName,
      httpApi: this.api.httpApi,
      ingestFunction: this.ingest.function,
      routerFunction: this.router.function,
      queue: this.queue.queue,
      deadLetterQueue: this.queue.deadLetterQueue,
      table: this.table.table,
      metricsNamespace,
      signatureFailureThreshold: props.signatureFailureThreshold,
      dashboard: props.dashboard ?? false,
      alarmEmail: props.alarmEmail,
      ...(props.alarmTopicArn
        ? { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) }
        : {}),
    });
    if (!props.alarmEmail && !props.alarmTopicArn) {
      Validations.of(this.alarms).acknowledge({
        id: guardRule('cloudwatch_alarm_action_check'),
        reason:
          'No alarmEmail or alarmTopicArn is set, so the alarms have nobody to notify: they still change ' +
          'state on the dashboard. Setting either gives every alarm an ALARM and OK action, and this ' +
          'acknowledgement disappears (docs/deploy.md recommends one for any shared stage).',
      });
    }

    this.outputs(props);
  }

  private outputs(props: WebhookPipelineStackProps): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('PlaidWebhookUrl', this.api.webhookUrls.plaid ?? '', 'Webhook URL to register with Plaid');
    output('ArgyleWebhookUrl', this.api.webhookUrls.argyle ?? '', 'Webhook URL to register with Argyle');
    output('EventBusName', this.bus.eventBus.eventBusName, 'Event bus the webhook events are published on');
    output('EventBusArn', this.bus.eventBus.eventBusArn, 'ARN of the event bus');
    if (this.bus.registries.size > 0) {
      output(
        'SchemaRegistryNames',
        Fn.join(
          ',',
          [...this.bus.registries.values()].map((r) => r.attrRegistryName),
        ),
        'Schema registries of the event contract (one per provider, split past 80 schemas)',
      );
    }
    output('TableName', this.table.table.tableName, 'DynamoDB table of received webhooks');
    output('QueueUrl', this.queue.queue.queueUrl, 'Queue between ingest and router');
    output('DeadLetterQueueUrl', this.queue.deadLetterQueue.queueUrl, 'Dead-letter queue of the router');
    output('PlaidSecretArn', this.secrets.plaid.secretArn, 'Secret with the Plaid API credentials');
    output('ArgyleSecretArn', this.secrets.argyle.secretArn, 'Secret with the Argyle webhook secrets');
    if (this.alarms.dashboardName) output('DashboardName', this.alarms.dashboardName, 'CloudWatch dashboard');
    if (this.alarms.topic) output('AlarmTopicArn', this.alarms.topic.topicArn, 'SNS topic of the alarms');
    if (this.api.domainName && props.domainName) {
      output(
        'CustomDomainTarget',
        this.api.domainName.regionalDomainName,
        `DNS target (CNAME or alias) for ${props.domainName}`,
      );
    }
  }
}

/** The event contract as registry schemas: one draft-04 JSON Schema per detail-type. */
const contractSchemas = (): EventSchemaDefinition[] => {
  const schemas = eventJsonSchemas('draft-04');
  return DETAIL_TYPES.map(({ source, detailType }) => {
    const schema = schemas[detailType];
    if (!schema) throw new Error(`the event contract has no JSON Schema for ${detailType}`);
    return { source, detailType, schema };
  });
};
