import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  type Code,
  LoggingFormat,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { guardRule } from '../guard-rules.js';
import { DEFAULT_METRICS_NAMESPACE } from '../pipeline-metrics.js';
import { PIPELINE_RUNTIME } from './pipeline-runtime.js';

export { PIPELINE_NODE_MAJOR, PIPELINE_RUNTIME } from './pipeline-runtime.js';

/**
 * The `NODE_OPTIONS` a function gets: source maps applied at run time only when asked for. The
 * bench starts its cold-start processes with the same.
 */
export const functionNodeOptions = (runtimeSourceMaps: boolean): { NODE_OPTIONS?: string } =>
  runtimeSourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {};

/** The share of request INFO lines written by default (`LOG_SAMPLE_RATE`). */
const DEFAULT_LOG_SAMPLE_RATE = 0.01;

/** Lambda's application log level for a Powertools log level (Lambda has no SILENT or CRITICAL). */
const applicationLogLevel = (level = 'INFO'): ApplicationLogLevel => {
  const upper = level.toUpperCase();
  if (upper === 'SILENT' || upper === 'CRITICAL') return ApplicationLogLevel.FATAL;
  return Object.values(ApplicationLogLevel).find((l) => l === upper) ?? ApplicationLogLevel.INFO;
};

/** Settings every pipeline function shares; the stack passes one object to all of them. */
export interface PipelineFunctionDefaults {
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * `POWERTOOLS_LOG_LEVEL`.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * `POWERTOOLS_METRICS_NAMESPACE`: the CloudWatch namespace of the custom metrics.
   * @default 'WebhookPipeline'
   */
  readonly metricsNamespace?: string;
  /**
   * `LOG_SAMPLE_RATE`: the share (0 to 1) of accepted and routed webhooks whose INFO line is
   * written; every outcome is still counted, and errors and refusals are always logged.
   * @default 0.01
   */
  readonly logSampleRate?: number;
  /**
   * Set `NODE_OPTIONS=--enable-source-maps`, so that stack traces in the logs point into the
   * TypeScript sources. Off by default: Node then reads and parses the bundle's source map at every
   * cold start (docs/benchmarks.md); the map is shipped beside the bundle either way, to map a
   * logged trace afterwards.
   * @default false
   */
  readonly runtimeSourceMaps?: boolean;
  /**
   * Active X-Ray tracing. Off by default: Lambda traces the first request each second and 5 % of the
   * rest, a rate a function cannot change, so below about one request a second nearly every
   * invocation is a trace ($5.00 per million): more than the rest of the bill at 1 M webhooks a
   * month (docs/costs.md). The HTTP API cannot trace, so ingest is the root of every trace.
   * @default false
   */
  readonly tracing?: boolean;
}

/** Properties of a {@link PipelineFunction}. */
export interface PipelineFunctionProps extends PipelineFunctionDefaults {
  /** The function's code: an ESM bundle whose `index.mjs` exports `handler` (function-code.ts). */
  readonly code: Code;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of the function's metrics and its log field. */
  readonly serviceName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /**
   * Function-specific environment, merged over the Powertools variables.
   * @default - Powertools variables only
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency: the most concurrent executions, and a guarantee of as many.
   * @default - none; the function shares the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js function with the pipeline's defaults in one place: latest Node.js runtime on arm64, an
 * ESM bundle built by esbuild (minified, with source maps, AWS SDK included, split at its dynamic
 * imports: `function-bundle.ts`), X-Ray tracing when asked for (`tracing`),
 * its own log group with a retention, and a role that starts with nothing but writing to that log
 * group. Callers add grants for the table, queue or bus the function uses.
 */
export class PipelineFunction extends Construct {
  /** The Lambda function. */
  public readonly function: NodejsFunction;
  /** The execution role; it carries no AWS managed policy. */
  public readonly role: Role;
  /** The function's log group. */
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the default one, which would carry the AWSLambdaBasicExecutionRole
    // managed policy (log writes to every log group of the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      // Bundled by function-code.ts rather than by NodejsFunction's own bundling, which writes a
      // single file (esbuild's --outfile) and so cannot split the bundle (function-bundle.ts says why).
      code: props.code,
      // The `handler` export of the bundle's index.mjs.
      handler: 'index.handler',
      description: props.description,
      runtime: PIPELINE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: props.tracing === true ? Tracing.ACTIVE : Tracing.DISABLED,
      role: this.role,
      logGroup: this.logGroup,
      // JSON logs with Lambda's own lines at WARN: no START, END and REPORT line per invocation
      // (about 350 bytes each, billed as log ingestion). The application level follows
      // POWERTOOLS_LOG_LEVEL, so Lambda and Powertools filter alike.
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      applicationLogLevelV2: applicationLogLevel(props.logLevel),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        LOG_SAMPLE_RATE: String(props.logSampleRate ?? DEFAULT_LOG_SAMPLE_RATE),
        ...functionNodeOptions(props.runtimeSourceMaps ?? false),
        ...props.environment,
      },
    });

    acknowledgeLogGroupRules(this.logGroup, props.logRetention ?? RetentionDays.ONE_MONTH);
    Validations.of(this.function).acknowledge({
      id: guardRule('lambda_inside_vpc_check'),
      reason:
        'The functions reach only AWS public endpoints (DynamoDB, SQS, EventBridge, Secrets Manager) and ' +
        "Plaid's API; a VPC would add NAT gateways or interface endpoints, their cost and a cold-start " +
        'delay, and protect no private resource. Every call is signed and over TLS.',
    });
    if (props.tracing === true) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
          'resource-level permissions. Every other statement of the role names its log group, table, ' +
          'index, queue, bus or secret (checked by the infra tests).',
      });
    }
  }
}

/**
 * Acknowledges the Guard log group rules the pipeline's log groups do not follow by default, with
 * the reasons: retention is a setting (`logRetentionDays`; a year, the production default, passes), and
 * CloudWatch Logs encrypts every log group at rest with its own keys.
 */
export const acknowledgeLogGroupRules = (logGroup: LogGroup, retention: RetentionDays): void => {
  if (retention !== RetentionDays.INFINITE && retention < RetentionDays.ONE_YEAR) {
    Validations.of(logGroup).acknowledge({
      id: guardRule('cloudwatch_log_group_retention_period_check'),
      reason:
        'Retention is the logRetentionDays setting (logRetention prop): a year in production, 30 days ' +
        'otherwise to keep the cost of a dev stage low. The logs hold no webhook body or secret; the ' +
        'table and the bus archive keep the webhooks. Set 365 or more where the control is enforced.',
    });
  }
  Validations.of(logGroup).acknowledge({
    id: guardRule('cloudwatch_log_group_encrypted_check'),
    reason:
      'CloudWatch Logs encrypts every log group at rest with keys it manages. A customer managed key ' +
      'would need a key policy for the logs service and its monthly cost, for logs that never hold a ' +
      'webhook body, signature or secret (info level logs ids and outcomes only).',
  });
};
