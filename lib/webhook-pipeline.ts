import { DETAIL_TYPES, EVENT_SOURCES, eventJsonSchemas } from '@webhook-pipeline/events';
import { CfnOutput, Duration, Fn, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type EventSchemaDefinition, WebhookEventBus } from './constructs/event-bus.js';
import { functionCode } from './constructs/function-code.js';
import { PipelineAlarms } from './constructs/pipeline-alarms.js';
import { PipelineFunction, type PipelineFunctionDefaults } from './constructs/pipeline-function.js';
import { ProviderSecrets } from './constructs/provider-secrets.js';
import { WebhookApi } from './constructs/webhook-api.js';
import { WebhookQueue } from './constructs/webhook-queue.js';
import { WebhookTable } from './constructs/webhook-table.js';
import { WebhookPipelineError } from './errors.js';
import { guardRule } from './guard-rules.js';
import { grantOperator } from './operator-grants.js';
import { ServiceName } from './pipeline-metrics.js';
import { resolvePipelineProps } from './props-validation.js';
import type { WebhookPipelineProps } from './webhook-pipeline-props.js';

/** The stack outputs the CLI's `--stack` reads (cli/ops/target.ts), by their exact keys. */
export const STACK_OUTPUTS = [
  'PlaidWebhookUrl',
  'ArgyleWebhookUrl',
  'EventBusName',
  'EventBusArn',
  'SchemaRegistryNames',
  'TableName',
  'QueueUrl',
  'DeadLetterQueueUrl',
  'PlaidSecretArn',
  'ArgyleSecretArn',
  'DashboardName',
  'AlarmTopicArn',
  'CustomDomainTarget',
] as const;

/** The mark a pipeline with `stackOutputs` leaves on its stack: only one may claim the keys. */
const OUTPUTS_OWNER = 'webhook-pipeline:stack-outputs';

/**
 * The webhook pipeline, in any stack of a CDK app: HTTP API → ingest function → SQS + DynamoDB →
 * router function → EventBridge bus (archive, schema registries, consumer access), with the provider
 * secrets, alarms and (with `dashboard`) a dashboard. No reconciler: ingest sends before it writes, so nothing is stored
 * without a message (docs/storage-layout.md).
 *
 * Every name it gives a resource starts with `name`, so two pipelines live side by side in one stack
 * and the same one in two stages, accounts or regions never collides. In production
 * (`production: true`) every stateful resource is retained and the stack protected; see the
 * production checklist in docs/deploy.md.
 *
 * ```ts
 * const webhooks = new WebhookPipeline(this, 'Webhooks', {
 *   production: true,
 *   name: 'webhooks-prod',
 *   alarmEmail: 'oncall@example.com',
 *   consumers: [{ account: '111111111111', sources: ['webhooks.plaid'] }],
 * });
 * webhooks.grantReplay(operatorRole);
 * ```
 */
export class WebhookPipeline extends Construct {
  /** The prefix of every name the pipeline gives a resource. */
  public readonly pipelineName: string;
  /** Whether the pipeline was built as production (retain, protect, alarm destination). */
  public readonly production: boolean;
  /** The custom bus the events are published on; consumers put their rules here. */
  public readonly bus: EventBus;
  /** The bus archive of every published event (for `replay --archive`). */
  public readonly archive: Archive;
  /** The HTTP API of the two webhook routes. */
  public readonly api: HttpApi;
  /** The URL to register with Plaid. */
  public readonly plaidWebhookUrl: string;
  /** The URL to register with Argyle. */
  public readonly argyleWebhookUrl: string;
  /** The webhook table (docs/storage-layout.md). */
  public readonly table: Table;
  /** The queue between ingest and router. */
  public readonly queue: Queue;
  /** The router's dead-letter queue. */
  public readonly deadLetterQueue: Queue;
  /** The ingest function (verifies, stores, enqueues). */
  public readonly ingestFunction: NodejsFunction;
  /** The router function (publishes queued webhooks to the bus). */
  public readonly routerFunction: NodejsFunction;
  /** The Plaid API credentials secret. */
  public readonly plaidSecret: ISecret;
  /** The Argyle webhook secrets secret. */
  public readonly argyleSecret: ISecret;
  /** Every alarm, by short name (`deadLetterQueue`, `ingest5xx`, `apiThrottled`, `routerThrottles`…). */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  /** The topic the alarms notify, when there is one. */
  public readonly alarmTopic?: ITopic;
  /** The CloudWatch dashboard's name (`<name>-<region>`), with `dashboard: true`. */
  public readonly dashboardName?: string;
  /** The CloudWatch namespace of the pipeline's own metrics. */
  public readonly metricsNamespace: string;
  /** The schema registries' names (one per provider, split past 80 schemas). */
  public readonly schemaRegistryNames: readonly string[];

  private readonly webhookApi: WebhookApi;
  private readonly secretsKmsKeyArn?: string;

  public constructor(scope: Construct, id: string, props: WebhookPipelineProps) {
    super(scope, id);
    const settings = resolvePipelineProps(
      props,
      // 48 characters leave room for the suffixes (`-plaid-1`, `-RouterRecordsFailed`).
      Names.uniqueResourceName(this, { maxLength: 48, separator: '-', allowedSpecialCharacters: '-' }),
    );
    this.pipelineName = settings.name;
    this.production = settings.production;
    this.metricsNamespace = settings.metricsNamespace;
    this.secretsKmsKeyArn = props.secretsKmsKeyArn;
    const stack = Stack.of(this);
    if (settings.terminationProtection) stack.terminationProtection = true;
    const keep = settings.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const retentionDays = String(settings.retention.toDays());
    const functionDefaults: PipelineFunctionDefaults = {
      logRetention: settings.logRetention,
      logRemovalPolicy: keep,
      logLevel: settings.logLevel,
      metricsNamespace: settings.metricsNamespace,
      tracing: props.tracing ?? false,
    };

    const table = new WebhookTable(this, 'Table', {
      removalPolicy: keep,
      deletionProtection: settings.production,
    });
    const secrets = new ProviderSecrets(this, 'Secrets', {
      plaidSecretArn: props.plaidSecretArn,
      argyleSecretArn: props.argyleSecretArn,
      secretsKmsKeyArn: props.secretsKmsKeyArn,
      removalPolicy: keep,
    });
    const queue = new WebhookQueue(this, 'Queue', {
      consumerTimeout: settings.routerTimeout,
      batchingWindow: settings.routerMaxBatchingWindow,
      maxReceiveCount: 5,
      removalPolicy: keep,
    });
    const events = new WebhookEventBus(this, 'Events', {
      eventBusName: settings.name,
      eventSources: Object.values(EVENT_SOURCES),
      archiveRetention: props.archiveRetention,
      consumers: settings.consumers,
      schemas: contractSchemas(),
      registryNamePrefix: settings.name,
      removalPolicy: keep,
    });

    const ingest = new PipelineFunction(this, 'Ingest', {
      ...functionDefaults,
      code: functionCode('ingest'),
      serviceName: ServiceName.Ingest,
      description: 'Verifies, stores and enqueues Plaid and Argyle webhooks',
      // Plaid counts a reply slower than 10 s as failed; a stuck call must end before that.
      timeout: Duration.seconds(8),
      memorySize: 1024,
      reservedConcurrentExecutions: props.reservedConcurrency?.ingest,
      environment: {
        TABLE_NAME: table.table.tableName,
        QUEUE_URL: queue.queue.queueUrl,
        PLAID_ENV: settings.plaidEnv,
        ...(props.plaidBaseUrl ? { PLAID_BASE_URL: props.plaidBaseUrl } : {}),
        PLAID_SECRET_ARN: secrets.plaid.secretArn,
        ARGYLE_SECRET_ARN: secrets.argyle.secretArn,
        MAX_BODY_BYTES: String(props.maxBodyBytes ?? 256 * 1024),
        ...(props.plaidKeyFetchesPerMinute
          ? { PLAID_KEY_FETCHES_PER_MINUTE: String(props.plaidKeyFetchesPerMinute) }
          : {}),
        ...(props.plaidAllowedSourceIps?.length
          ? { PLAID_ALLOWED_SOURCE_IPS: props.plaidAllowedSourceIps.join(',') }
          : {}),
        DEDUPE_WINDOW_SECONDS: String(settings.dedupeWindow.toSeconds()),
        RETENTION_DAYS: retentionDays,
      },
    });
    table.grantConditionalWrites(ingest.function);
    queue.grantSend(ingest.function);
    secrets.grantRead(ingest.function);

    const router = new PipelineFunction(this, 'Router', {
      ...functionDefaults,
      code: functionCode('router'),
      serviceName: ServiceName.Router,
      description: 'Publishes queued webhooks to the event bus',
      timeout: settings.routerTimeout,
      memorySize: 512,
      reservedConcurrentExecutions: props.reservedConcurrency?.router,
      environment: {
        TABLE_NAME: table.table.tableName,
        EVENT_BUS_NAME: events.eventBus.eventBusName,
        // The router marks a record `failed` on the queue's last receive, and adopts with these.
        MAX_RECEIVE_COUNT: String(queue.maxReceiveCount),
        DEDUPE_WINDOW_SECONDS: String(settings.dedupeWindow.toSeconds()),
        RETENTION_DAYS: retentionDays,
        // Longer than an invocation can run, so a claim still held is never taken over.
        CLAIM_LEASE_SECONDS: String(settings.routerTimeout.toSeconds() * 2),
        // The counts of plain publishes feed the dashboard only: written with it (docs/costs.md).
        PUBLISHED_COUNTS: String(props.dashboard ?? false),
      },
    });
    table.grantReadAndUpdate(router.function);
    events.grantPutEvents(router.function);
    // The mapping without SqsEventSource, whose grant adds sqs:GetQueueUrl and
    // sqs:ChangeMessageVisibility, which the event source mapping never calls. Its maximum
    // concurrency keeps a backlog from scaling the router until it starves ingest.
    router.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(queue.queue.node)}`, {
      eventSourceArn: queue.queue.queueArn,
      batchSize: settings.routerBatchSize,
      maxBatchingWindow: settings.routerMaxBatchingWindow,
      maxConcurrency: settings.routerMaxConcurrency,
      reportBatchItemFailures: true,
    });
    queue.grantEventSourceMapping(router.function);

    const api = new WebhookApi(this, 'Api', {
      apiName: settings.name,
      ingestFunction: ingest.function,
      providers: Object.keys(EVENT_SOURCES),
      throttleRateLimit: props.throttleRateLimit,
      throttleBurstLimit: props.throttleBurstLimit,
      accessLogRetention: settings.logRetention,
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

    const alarms = new PipelineAlarms(this, 'Alarms', {
      namePrefix: settings.name,
      httpApi: api.httpApi,
      accessLogGroup: api.accessLogGroup,
      ingestFunction: ingest.function,
      routerFunction: router.function,
      queue: queue.queue,
      deadLetterQueue: queue.deadLetterQueue,
      table: table.table,
      metricsNamespace: settings.metricsNamespace,
      signatureFailureThreshold: props.signatureFailureThreshold,
      serverErrorAlarmPercent: props.serverErrorAlarmPercent,
      latencyAlarmThreshold: props.latencyAlarmThreshold,
      throttledRequestsAlarmThreshold: props.throttledRequestsAlarmThreshold,
      dashboard: props.dashboard ?? false,
      alarmEmail: props.alarmEmail,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      ...(props.alarmTopicArn
        ? { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) }
        : {}),
    });
    if (!alarms.topic) {
      Validations.of(alarms).acknowledge({
        id: guardRule('cloudwatch_alarm_action_check'),
        reason:
          'No alarmEmail, alarmTopicArn or alarmTopic is set on this non-production pipeline, so the ' +
          'alarms have nobody to notify: they still change state on the dashboard. A production pipeline ' +
          'refuses to synthesize without one; setting one gives every alarm an ALARM and OK action.',
      });
    }

    this.webhookApi = api;
    this.bus = events.eventBus;
    this.archive = events.archive;
    this.api = api.httpApi;
    this.plaidWebhookUrl = api.webhookUrls.plaid ?? '';
    this.argyleWebhookUrl = api.webhookUrls.argyle ?? '';
    this.table = table.table;
    this.queue = queue.queue;
    this.deadLetterQueue = queue.deadLetterQueue;
    this.ingestFunction = ingest.function;
    this.routerFunction = router.function;
    this.plaidSecret = secrets.plaid;
    this.argyleSecret = secrets.argyle;
    this.alarms = alarms.alarms;
    if (alarms.topic) this.alarmTopic = alarms.topic;
    if (alarms.dashboardName) this.dashboardName = alarms.dashboardName;
    this.schemaRegistryNames = [...events.registries.values()].map((r) => r.attrRegistryName);

    if (props.stackOutputs) this.addStackOutputs(props.domainName);
  }

  /**
   * Gives `grantee` exactly what `webhook-pipeline replay` calls on this pipeline, from the table
   * (DescribeStacks of its stack, DescribeTable and Scan, SendMessage to the queue) and with
   * `--archive` (DescribeEventBus, ListArchives, DescribeArchive, ListTargetsByRule on the bus's
   * rules, its temporary `wp-replay-*` rules created, given targets and deleted, StartReplay,
   * DescribeReplay and CancelReplay of `wp-replay-*` replays). A replay can only be started from
   * this pipeline's archive to its bus; replays are named per account, not per bus, so the grant
   * can describe or cancel any `wp-replay-*` replay of the account.
   */
  public grantReplay(grantee: IGrantable): Grant {
    return grantOperator(grantee, 'replay', this.operatorResources());
  }

  /**
   * Gives `grantee` exactly what `webhook-pipeline redrive-dlq` calls on this pipeline:
   * DescribeStacks of its stack; ReceiveMessage, DeleteMessage and ChangeMessageVisibility on the
   * DLQ; SendMessage to the queue.
   */
  public grantRedriveDlq(grantee: IGrantable): Grant {
    return grantOperator(grantee, 'redrive-dlq', this.operatorResources());
  }

  /**
   * Gives `grantee` exactly what `webhook-pipeline requeue` (and `requeue-quarantined`) call on this
   * pipeline: DescribeStacks of its stack; Query of the table's `exceptions` index and BatchGetItem
   * on the table; SendMessage to the queue.
   */
  public grantRequeue(grantee: IGrantable): Grant {
    return grantOperator(grantee, 'requeue', this.operatorResources());
  }

  /**
   * Gives `grantee` exactly what `webhook-pipeline reconcile plaid --recover` calls on this pipeline:
   * DescribeStacks of its stack; GetSecretValue of the Plaid secret (and kms:Decrypt through
   * Secrets Manager with `secretsKmsKeyArn`); Scan and PutItem on the table; SendMessage to the queue.
   */
  public grantReconcile(grantee: IGrantable): Grant {
    return grantOperator(grantee, 'reconcile', this.operatorResources());
  }

  private operatorResources() {
    return {
      scope: this,
      table: this.table,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      bus: this.bus,
      archive: this.archive,
      plaidSecret: this.plaidSecret,
      ...(this.secretsKmsKeyArn ? { secretsKmsKeyArn: this.secretsKmsKeyArn } : {}),
    };
  }

  /** The outputs the CLI's `--stack` reads, under their exact keys (one pipeline per stack). */
  private addStackOutputs(domainName: string | undefined): void {
    const stack = Stack.of(this);
    const claimed = stack.node.metadata.find((m) => m.type === OUTPUTS_OWNER);
    if (claimed) {
      throw new WebhookPipelineError([
        `stackOutputs: ${claimed.data} already has the stack outputs of ${stack.node.path}; one pipeline per stack may have them`,
      ]);
    }
    stack.node.addMetadata(OUTPUTS_OWNER, this.node.path);
    const output = (key: (typeof STACK_OUTPUTS)[number], value: string, description: string) => {
      const created = new CfnOutput(this, key, { value, description });
      created.overrideLogicalId(key);
    };
    const api = this.webhookApi;
    output('PlaidWebhookUrl', this.plaidWebhookUrl, 'Webhook URL to register with Plaid');
    output('ArgyleWebhookUrl', this.argyleWebhookUrl, 'Webhook URL to register with Argyle');
    output('EventBusName', this.bus.eventBusName, 'Event bus the webhook events are published on');
    output('EventBusArn', this.bus.eventBusArn, 'ARN of the event bus');
    if (this.schemaRegistryNames.length > 0) {
      output(
        'SchemaRegistryNames',
        Fn.join(',', [...this.schemaRegistryNames]),
        'Schema registries of the event contract (one per provider, split past 80 schemas)',
      );
    }
    output('TableName', this.table.tableName, 'DynamoDB table of received webhooks');
    output('QueueUrl', this.queue.queueUrl, 'Queue between ingest and router');
    output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Dead-letter queue of the router');
    output('PlaidSecretArn', this.plaidSecret.secretArn, 'Secret with the Plaid API credentials');
    output('ArgyleSecretArn', this.argyleSecret.secretArn, 'Secret with the Argyle webhook secrets');
    if (this.dashboardName) output('DashboardName', this.dashboardName, 'CloudWatch dashboard');
    if (this.alarmTopic) output('AlarmTopicArn', this.alarmTopic.topicArn, 'SNS topic of the alarms');
    if (api.domainName && domainName) {
      output(
        'CustomDomainTarget',
        api.domainName.regionalDomainName,
        `DNS target (CNAME or alias) for ${domainName}`,
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
