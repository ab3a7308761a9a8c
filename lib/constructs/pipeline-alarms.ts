import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { BillingMode, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefaultDashboardFactory, MetricStatistic, MonitoringFacade } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import {
  DEFAULT_METRICS_NAMESPACE,
  PipelineMetric as Metric,
  MetricDimensions,
  type PipelineMetric,
  ServiceName,
} from '../pipeline-metrics.js';

/** Properties of {@link PipelineAlarms}. */
export interface PipelineAlarmsProps {
  /**
   * Prefix of every alarm name and of the dashboard name (`<prefix>-<region>`: dashboards are
   * account-wide, so the region keeps the same pipeline in two regions apart).
   */
  readonly namePrefix: string;
  /** The webhook HTTP API. */
  readonly httpApi: IHttpApi;
  /** The API stage's access log group: a metric filter counts its 429 answers. */
  readonly accessLogGroup: ILogGroup;
  /** The ingest function. */
  readonly ingestFunction: IFunction;
  /** The router function. */
  readonly routerFunction: IFunction;
  /** The queue between ingest and router. */
  readonly queue: IQueue;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: IQueue;
  /** The webhook table. */
  readonly table: ITable;
  /**
   * CloudWatch namespace of the custom metrics.
   * @default 'WebhookPipeline'
   */
  readonly metricsNamespace?: string;
  /**
   * Refused signatures in five minutes, across providers and reasons, that raise the alarm.
   * A few are normal (scanners, a provider's test button with an old secret).
   * @default 10
   */
  readonly signatureFailureThreshold?: number;
  /**
   * Age of the oldest queued message that raises the alarm.
   * @default Duration.minutes(10)
   */
  readonly oldestMessageAgeThreshold?: Duration;
  /**
   * Build the CloudWatch dashboard. Off by default: a dashboard is $3.00 a month beyond an account's
   * first three, most of the fixed bill of a quiet stage (docs/costs.md); the alarms, and every AWS
   * metric in the console, are there without it.
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * Share of requests answered 5xx, in percent, that raises `Ingest5xx` over three periods in a row.
   * @default 5
   */
  readonly serverErrorAlarmPercent?: number;
  /**
   * p99 API latency that raises `ApiLatency` over three periods in a row.
   * @default Duration.seconds(5)
   */
  readonly latencyAlarmThreshold?: Duration;
  /**
   * 429 answers in five minutes that raise `ApiThrottled` in two periods of three.
   * @default 10
   */
  readonly throttledRequestsAlarmThreshold?: number;
  /**
   * An email address subscribed to a new alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic to notify instead of creating one.
   * @default - a topic is created when `alarmEmail` is set, else alarms notify nobody
   */
  readonly alarmTopic?: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The metric the access-log filter writes for each request the stage throttled (429). */
export const API_THROTTLED_METRIC = 'ApiThrottled';

/**
 * The pipeline's alarms and its CloudWatch dashboard.
 *
 * Alarms: dead-letter queue not empty, webhooks quarantined, the share of 5xx answers over three
 * periods, 429 answers (counted from the access log: HTTP APIs have no 429 metric), p99 latency
 * near the providers' timeouts, signature failures above a threshold, Plaid's key endpoint failing,
 * router errors, records the router failed (a batch whose every record failed does not make the
 * function fail), webhooks marked `failed`, age of the oldest queued message, and Lambda throttles
 * of either function. Counts emitted with varying dimensions (provider, reason) are summed by a
 * Metrics Insights query of the pipeline's own namespace, so a provider or reason added later is
 * covered without a change here and another pipeline's metrics never count. Alarms notify an SNS
 * topic when one is configured, on ALARM and on OK.
 *
 * The dashboard is built with cdk-monitoring-constructs: the alarm states, the API, the two
 * functions, the queue with its DLQ, the table, and the webhook outcomes by provider.
 */
export class PipelineAlarms extends Construct {
  /** Every alarm, by short name. */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  /** The topic alarms notify, when there is one. */
  public readonly topic?: ITopic;
  /** The name of the dashboard. */
  public readonly dashboardName?: string;
  /** Counts the stage's 429 answers from its access log, into the pipeline's namespace. */
  public readonly throttledRequests: MetricFilter;

  private readonly namespace: string;

  public constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const signatureThreshold = props.signatureFailureThreshold ?? 10;
    const ageThreshold = props.oldestMessageAgeThreshold ?? Duration.minutes(10);
    const serverErrorPercent = props.serverErrorAlarmPercent ?? 5;
    const latencyThreshold = props.latencyAlarmThreshold ?? Duration.seconds(5);
    const throttledThreshold = props.throttledRequestsAlarmThreshold ?? 10;
    // HTTP APIs have no 429 metric (research.md D): each throttled request's access log line is counted.
    this.throttledRequests = new MetricFilter(this, 'ApiThrottledFilter', {
      logGroup: props.accessLogGroup,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: this.namespace,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
    });
    if (!Number.isInteger(signatureThreshold) || signatureThreshold < 1) {
      throw new Error(`signatureFailureThreshold must be a positive integer, got ${signatureThreshold}`);
    }

    if (props.alarmTopic) {
      this.topic = props.alarmTopic;
    } else if (props.alarmEmail) {
      const topic = new Topic(this, 'AlarmTopic', {
        displayName: `${props.namePrefix} alarms`,
        enforceSSL: true,
      });
      topic.addSubscription(new EmailSubscription(props.alarmEmail));
      this.topic = topic;
    }

    const alarm = (
      name: string,
      metric: IMetric,
      description: string,
      options: { threshold?: number; evaluationPeriods?: number; datapointsToAlarm?: number } = {},
    ): Alarm => {
      const created = new Alarm(this, name, {
        alarmName: `${props.namePrefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold: options.threshold ?? 1,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        ...(options.datapointsToAlarm ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (this.topic) {
        created.addAlarmAction(new SnsAction(this.topic));
        created.addOkAction(new SnsAction(this.topic));
      }
      return created;
    };

    this.alarms = {
      deadLetterQueue: alarm(
        'DeadLetterQueueNotEmpty',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: Stats.MAXIMUM,
          period: FIVE_MINUTES,
        }),
        'Webhooks the router failed to publish after every retry are in the dead-letter queue. ' +
          'Find the cause in the router logs, then redrive the queue (webhook-pipeline redrive-dlq).',
      ),
      quarantined: alarm(
        'WebhooksQuarantined',
        this.insightsSum(Metric.Quarantined, MetricDimensions.ByProvider),
        'A verified webhook did not match its schema and was stored as quarantined, without an event. ' +
          'The provider may have changed a payload: check the logged issues, adjust the schema, then ' +
          'requeue the records (webhook-pipeline requeue-quarantined).',
      ),
      ingest5xx: alarm(
        'Ingest5xx',
        new MathExpression({
          // No request in a period: no datapoint, which is not breaching.
          expression: '100 * FILL(errors, 0) / requests',
          usingMetrics: {
            errors: props.httpApi.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
            requests: props.httpApi.metricCount({ period: FIVE_MINUTES }),
          },
          period: FIVE_MINUTES,
          label: '5xx share of requests (%)',
        }),
        `At least ${serverErrorPercent} % of the webhook requests were answered 5xx for 15 minutes: the ` +
          'table, the queue or a provider key endpoint is failing, or the ingest function crashes or is ' +
          'throttled. Providers retry a 503 (nothing is lost yet); check the ingest logs. A single 503 ' +
          'is part of the design and never raises this alarm.',
        { threshold: serverErrorPercent, evaluationPeriods: 3, datapointsToAlarm: 3 },
      ),
      apiThrottled: alarm(
        'ApiThrottled',
        this.throttledRequests.metric({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        `The API stage answered 429 to at least ${throttledThreshold} requests in five minutes, in two ` +
          'periods of three: webhooks arrive faster than throttleRateLimit / throttleBurstLimit allow ' +
          '(or someone floods the endpoint). Providers retry; raise the throttle if the traffic is ' +
          'theirs. API Gateway may not log every 429 when there are very many, so Lambda throttles and ' +
          'the 5xx share are alarmed too.',
        { threshold: throttledThreshold, evaluationPeriods: 3, datapointsToAlarm: 2 },
      ),
      apiLatency: alarm(
        'ApiLatency',
        props.httpApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
        `The p99 latency of the webhook endpoint was at least ${latencyThreshold.toHumanString()} for 15 ` +
          'minutes. Plaid counts an answer after 10 s as failed and ingest answers 503 at 6 s: a ' +
          'dependency (the table, the queue, Plaid key fetches, Secrets Manager) or cold starts are ' +
          'eating that budget. Check the ingest logs and traces.',
        { threshold: latencyThreshold.toMilliseconds(), evaluationPeriods: 3, datapointsToAlarm: 3 },
      ),
      signatureFailures: alarm(
        'SignatureFailures',
        this.insightsSum(Metric.SignatureFailure, MetricDimensions.ByProviderAndReason, ServiceName.Ingest),
        `At least ${signatureThreshold} webhooks in five minutes were refused for their signature. ` +
          'A secret may have rotated at the provider without being updated here, or someone probes ' +
          'the endpoint; the reason dimension tells which.',
        { threshold: signatureThreshold },
      ),
      plaidKeyEndpoint: alarm(
        'PlaidKeyEndpointFailing',
        this.insightsSum(
          Metric.PlaidKeyFetchFailed,
          MetricDimensions.ByProviderAndReason,
          ServiceName.Ingest,
        ),
        "Plaid's webhook verification key endpoint gave no key, so Plaid webhooks are answered 503 and " +
          'retried by Plaid (for up to 24 hours). The reason dimension tells which: invalid_request or ' +
          'unauthorized is our configuration (the Plaid credentials secret, plaidEnv); rate_limited, ' +
          'server_error, timeout or network is Plaid; fetch_cap is a flood of unknown key ids. The ' +
          "ingest logs carry Plaid's error_code and request_id.",
      ),
      routerErrors: alarm(
        'RouterErrors',
        props.routerFunction.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        'The router function failed: a whole batch could not be published (EventBridge or DynamoDB ' +
          'unavailable) or it crashed. SQS retries the messages, then moves them to the DLQ.',
      ),
      oldestMessage: alarm(
        'OldestMessageAge',
        props.queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: FIVE_MINUTES }),
        `A webhook has waited in the queue for over ${ageThreshold.toHumanString()}: the router is ` +
          'failing, throttled or not consuming.',
        { threshold: ageThreshold.toSeconds() },
      ),
      routerRecordsFailed: alarm(
        'RouterRecordsFailed',
        this.insightsSum(Metric.PublishFailed, MetricDimensions.ByProvider, ServiceName.Router),
        'The router failed records of a batch (reported to SQS as batch item failures, which the ' +
          'function error count does not see). SQS retries them; after the last receive they are ' +
          'marked failed and moved to the DLQ. Check the router logs.',
      ),
      webhooksFailed: alarm(
        'WebhooksFailed',
        this.insightsSum(Metric.WebhooksFailed, MetricDimensions.ByProvider, ServiceName.Router),
        'A webhook failed on its last receive: its record is marked failed (terminal) and its message ' +
          'is in the DLQ. Fix the cause, then bring it back (webhook-pipeline requeue or redrive-dlq).',
      ),
      ingestThrottles: alarm(
        'IngestThrottles',
        props.ingestFunction.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        'Lambda throttled the ingest function: no concurrency was left (its reserved concurrency, or ' +
          "the account's unreserved pool, e.g. taken by another function). Those webhooks were answered " +
          '5xx and providers retry; raise reservedConcurrency.ingest or the account quota.',
      ),
      routerThrottles: alarm(
        'RouterThrottles',
        props.routerFunction.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        'Lambda throttled the router function. A throttled batch uses up a receive of each message, so ' +
          'throttling sends messages to the DLQ without their records marked failed. Keep ' +
          'reservedConcurrency.router at least routerMaxConcurrency and check the account pool.',
      ),
    };

    // Dashboards are account-wide: the region keeps the same pipeline in two regions apart.
    if (props.dashboard === true) {
      this.dashboardName = `${props.namePrefix}-${Stack.of(this).region}`;
      this.buildDashboard(props, this.dashboardName);
    }
  }

  /**
   * The sum of one metric over every value of its varying dimensions, as a Metrics Insights query
   * (an alarm cannot use SEARCH, and a math expression would need every provider and reason listed).
   */
  private insightsSum(
    metric: PipelineMetric,
    dimensions: readonly string[],
    service?: string,
  ): MathExpression {
    const where = service === undefined ? '' : ` WHERE service = '${service}'`;
    return new MathExpression({
      expression: `SELECT SUM(${metric}) FROM SCHEMA("${this.namespace}", ${dimensions.join(', ')})${where}`,
      usingMetrics: {},
      period: FIVE_MINUTES,
      label: metric,
    });
  }

  private buildDashboard(props: PipelineAlarmsProps, dashboardName: string): void {
    // One line per provider (and reason): SEARCH is fine on a dashboard, only alarms refuse it.
    const byProvider = (metric: PipelineMetric, service: string, withReason = false) => {
      const varying = withReason ? ['provider', 'reason'] : ['provider'];
      return {
        namespace: this.namespace,
        searchQuery: `MetricName="${metric}"`,
        // Keys without a value are part of the schema but match any value.
        dimensionsMap: Object.fromEntries([['service', service], ...varying.map((k) => [k, undefined])]),
        statistic: MetricStatistic.SUM,
        label: `${metric} ${varying.map((k) => `\${PROP('Dim.${k}')}`).join(' ')}`,
        period: FIVE_MINUTES,
      };
    };

    const facade = new MonitoringFacade(this, 'Monitoring', {
      alarmFactoryDefaults: { alarmNamePrefix: props.namePrefix, actionsEnabled: false },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: dashboardName,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });
    facade
      .addLargeHeader('Webhook pipeline')
      .addWidget(
        new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 4 }),
      )
      .monitorCustom({
        alarmFriendlyName: 'Webhooks',
        humanReadableName: 'Webhooks by provider',
        metricGroups: [
          {
            title: 'Ingest outcomes',
            metrics: [
              // Ingest writes no count per accepted webhook (log bytes): the router's count is it.
              byProvider(Metric.EventsPublished, ServiceName.Router),
              byProvider(Metric.Duplicate, ServiceName.Ingest),
              byProvider(Metric.Quarantined, ServiceName.Ingest),
              byProvider(Metric.UnknownWebhookCode, ServiceName.Ingest),
            ],
          },
          {
            title: 'Ingest refusals and failures',
            metrics: [
              byProvider(Metric.SignatureFailure, ServiceName.Ingest, true),
              byProvider(Metric.InvalidPayload, ServiceName.Ingest),
              byProvider(Metric.PayloadTooLarge, ServiceName.Ingest),
              byProvider(Metric.IngestUnavailable, ServiceName.Ingest),
            ],
          },
          {
            title: 'Router',
            metrics: [
              byProvider(Metric.EventsPublished, ServiceName.Router),
              byProvider(Metric.AlreadyPublished, ServiceName.Router),
              byProvider(Metric.Quarantined, ServiceName.Router),
              byProvider(Metric.PublishFailed, ServiceName.Router),
              byProvider(Metric.WebhooksFailed, ServiceName.Router),
              byProvider(Metric.WebhooksAdopted, ServiceName.Router),
            ],
          },
        ],
      })
      .monitorApiGatewayV2HttpApi({
        api: props.httpApi,
        humanReadableName: 'Webhook API',
        alarmFriendlyName: 'Api',
      })
      .monitorLambdaFunction({
        lambdaFunction: props.ingestFunction,
        humanReadableName: 'Ingest function',
        alarmFriendlyName: 'Ingest',
      })
      .monitorSqsQueueWithDlq({
        queue: props.queue,
        deadLetterQueue: props.deadLetterQueue,
        humanReadableName: 'Webhook queue',
        alarmFriendlyName: 'Queue',
      })
      .monitorLambdaFunction({
        lambdaFunction: props.routerFunction,
        humanReadableName: 'Router function',
        alarmFriendlyName: 'Router',
      })
      .monitorDynamoTable({
        table: props.table,
        billingMode: BillingMode.PAY_PER_REQUEST,
        humanReadableName: 'Webhook table',
        alarmFriendlyName: 'Table',
      });
  }
}
