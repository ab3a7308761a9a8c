import type { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/** The event sources the pipeline publishes, one per provider. */
export type WebhookEventSource = 'webhooks.plaid' | 'webhooks.argyle';

/** An account whose teams subscribe to the pipeline's events. */
export interface ConsumerAccess {
  /** 12-digit account id. */
  readonly account: string;
  /**
   * Event sources it may match (`webhooks.plaid`, `webhooks.argyle`).
   * @default - both
   */
  readonly sources?: readonly WebhookEventSource[];
  /**
   * Detail-types it may match.
   * @default - every detail-type of its sources
   */
  readonly detailTypes?: readonly string[];
}

/** Reserved concurrency per function. */
export interface ReservedConcurrency {
  /**
   * Reserved concurrency of the ingest function.
   * @default - none: it shares the account's unreserved pool
   */
  readonly ingest?: number;
  /**
   * Reserved concurrency of the router function; at least `routerMaxConcurrency`, or throttled
   * invocations use up receive attempts and send messages to the DLQ without marking them failed.
   * @default - none: `routerMaxConcurrency` bounds it
   */
  readonly router?: number;
}

/** Properties of a `WebhookPipeline`. */
export interface WebhookPipelineProps {
  /**
   * Whether this is a production pipeline. There is no default, and no guess from a stage name: a
   * production pipeline retains its table, queue, DLQ, bus, archive, secrets and logs when they
   * leave the stack or the stack is deleted, protects the table and the stack against deletion,
   * keeps logs a year, asks Plaid production for keys, and refuses to synthesize without an alarm
   * destination (`alarmEmail`, `alarmTopicArn` or `alarmTopic`).
   */
  readonly production: boolean;
  /**
   * Prefix of every name the pipeline gives a resource: the bus (`<name>`), the schema registries
   * (`<name>-plaid-1`…), the alarms (`<name>-<alarm>`), the dashboard (`<name>-<region>`) and the
   * metrics namespace (`WebhookPipeline/<name>`). Letters, digits and `-`, starting with a letter,
   * at most 64 characters. Set it in production: the default follows the construct's path, so
   * moving the construct in the tree would rename (replace) the bus.
   * @default - derived from the construct's unique id (its path in the app), unique per stack
   */
  readonly name?: string;
  /**
   * Turn on the termination protection of the stack that holds the pipeline.
   * @default - `production`
   */
  readonly terminationProtection?: boolean;
  /**
   * Accounts whose teams subscribe to the events: each may create and manage its own rules on the
   * bus, matching only its sources (and detail-types when given), with targets only on an event bus
   * of its own account, and read the schemas of its sources. A bare account id is every source.
   * At most 100 accounts.
   * @default - none
   */
  readonly consumers?: readonly (string | ConsumerAccess)[];
  /**
   * Accounts allowed to create rules on the bus, for every source.
   * @deprecated use `consumers`, which also takes the sources and detail-types of each account
   * @default - none
   */
  readonly consumerAccountIds?: readonly string[];
  /**
   * Plaid environment the ingest function asks for verification keys (`PLAID_ENV`).
   * @default - 'production' in production, else 'sandbox'
   */
  readonly plaidEnv?: 'sandbox' | 'production';
  /**
   * Plaid API base URL, overriding `plaidEnv` (`PLAID_BASE_URL`): an https URL, at most 1,024
   * characters (it is a function environment variable).
   * @default - from `plaidEnv`
   */
  readonly plaidBaseUrl?: string;
  /**
   * Complete ARN (with its six-character suffix) of an existing secret holding the Plaid API
   * credentials as `{"client_id": "…", "secret": "…"}`.
   * @default - a secret is created, holding a placeholder until an operator puts the value
   */
  readonly plaidSecretArn?: string;
  /**
   * Complete ARN of an existing secret holding the Argyle webhook secrets (a JSON array of strings).
   * @default - a secret is created, holding an empty list until an operator puts the value
   */
  readonly argyleSecretArn?: string;
  /**
   * Customer managed KMS key that encrypts the imported secrets: the ingest role (and
   * `grantReconcile`) get `kms:Decrypt` on it, through Secrets Manager only. The key policy must
   * allow the account's IAM policies.
   * @default - the secrets use the AWS managed key `aws/secretsmanager`
   */
  readonly secretsKmsKeyArn?: string;
  /**
   * Custom domain of the webhook endpoints; needs `certificateArn`.
   * @default - the execute-api endpoint
   */
  readonly domainName?: string;
  /**
   * ACM certificate (in the stack's region) for `domainName`; needs `domainName`.
   * @default - none
   */
  readonly certificateArn?: string;
  /**
   * Reserved concurrency of the ingest and router functions.
   * @default - none
   */
  readonly reservedConcurrency?: ReservedConcurrency;
  /**
   * Messages per router invocation, 1–10,000; above 10 needs `routerMaxBatchingWindow`.
   * @default 10
   */
  readonly routerBatchSize?: number;
  /**
   * How long the event source gathers a batch before invoking the router, 0–300 s. The queue's
   * visibility timeout covers it (six router timeouts plus this window).
   * @default Duration.seconds(0)
   */
  readonly routerMaxBatchingWindow?: Duration;
  /**
   * Most concurrent router invocations the SQS event source starts, 2–1,000. It keeps a backlog
   * from scaling the router until it starves ingest of concurrency or exceeds the PutEvents rate.
   * `reservedConcurrency.router`, when set, must be at least this.
   * @default 10
   */
  readonly routerMaxConcurrency?: number;
  /**
   * Router function timeout, 1 s to 15 minutes; the queue's visibility timeout is six times this
   * plus the batching window, and a router claim lasts twice this.
   * @default Duration.seconds(30)
   */
  readonly routerTimeout?: Duration;
  /**
   * How long the bus archive keeps events, in whole days; `Duration.days(0)` keeps them forever.
   * @default Duration.days(90)
   */
  readonly archiveRetention?: Duration;
  /**
   * Steady-state requests per second of the API stage, 1–10,000.
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst requests of the API stage, 1–5,000.
   * @default 200
   */
  readonly throttleBurstLimit?: number;
  /**
   * How long a webhook record is kept in the table (TTL), 1–3,650 whole days.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * An identical body within this window is a duplicate delivery: 330 s (the oldest accepted Plaid
   * token, 300 s, plus 30 s of clock skew) to one day.
   * @default Duration.minutes(10)
   */
  readonly dedupeWindow?: Duration;
  /**
   * Largest accepted webhook body, in bytes: 1,024 to 294,912, what one DynamoDB item stores with
   * the record's other attributes (docs/deploy.md, "Limits").
   * @default 262144
   */
  readonly maxBodyBytes?: number;
  /**
   * Plaid key fetches per ingest function instance per minute, 1–600; past it an uncached key id is
   * answered 503 (a flood of random kids costs a bounded number of Plaid calls).
   * @default 20
   */
  readonly plaidKeyFetchesPerMinute?: number;
  /**
   * Accept Plaid webhooks only from these source addresses (403 otherwise): `['plaid']` for Plaid's
   * published addresses, or addresses and CIDR blocks; 512 characters in all.
   * @default - any source address
   */
  readonly plaidAllowedSourceIps?: readonly string[];
  /**
   * Retention of the function logs and the API access logs: the one setting for every log group.
   * @default - RetentionDays.ONE_YEAR in production (an audit's year), else RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * `POWERTOOLS_LOG_LEVEL` of the functions: DEBUG, INFO, WARN, ERROR or SILENT.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * CloudWatch namespace of the custom metrics and of the 429 count. The alarms' Metrics Insights
   * queries read this namespace only, so it must be the pipeline's own.
   * @default - `WebhookPipeline/<name>`
   */
  readonly metricsNamespace?: string;
  /**
   * Refused signatures in five minutes that raise the alarm, at least 1.
   * @default 10
   */
  readonly signatureFailureThreshold?: number;
  /**
   * Active X-Ray tracing of both functions. Off by default: Lambda traces the first request of every
   * second and 5 % of the rest, and no sampling rule applies to it, so below about a webhook a second
   * nearly every webhook is traced, at about $10 a month at 1 M webhooks (docs/costs.md).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * The CloudWatch dashboard ($3.00 a month beyond an account's first three), and the router's counts
   * of plain publishes that only it reads (`PUBLISHED_COUNTS`). The alarms are there without it.
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * Share of webhook requests answered 5xx, in percent (1–100), that raises the `Ingest5xx` alarm
   * when it holds for three five-minute periods in a row. A few 503s are part of the design (a
   * provider retries them) and anyone can cause one, so a single 5xx never pages.
   * @default 5
   */
  readonly serverErrorAlarmPercent?: number;
  /**
   * p99 of the API's latency that raises the `ApiLatency` alarm when it holds for three five-minute
   * periods in a row, 1–29 s. Plaid counts an answer after 10 s as failed; ingest answers 503 at
   * 6 s whatever hangs, so a p99 past 5 s means a dependency is eating that budget.
   * @default Duration.seconds(5)
   */
  readonly latencyAlarmThreshold?: Duration;
  /**
   * Requests answered 429 by the API stage's throttle in five minutes (counted from the access
   * log: HTTP APIs have no 429 metric) that raise the `ApiThrottled` alarm in two periods of three.
   * @default 10
   */
  readonly throttledRequestsAlarmThreshold?: number;
  /**
   * An email address notified of alarms (a topic is created and subscribed).
   * @default - none
   */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic notified of alarms, by ARN.
   * @default - none
   */
  readonly alarmTopicArn?: string;
  /**
   * An existing SNS topic notified of alarms (instead of `alarmTopicArn`).
   * @default - none
   */
  readonly alarmTopic?: ITopic;
  /**
   * Add the stack outputs the CLI's `--stack` reads (`TableName`, `QueueUrl`,
   * `DeadLetterQueueUrl`, `EventBusName`, the webhook URLs, the secret ARNs…) under those exact
   * names. One pipeline per stack at most can have them.
   * @default false
   */
  readonly stackOutputs?: boolean;
}
