import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { guardRule } from '../guard-rules.js';
import { acknowledgeLogGroupRules } from './pipeline-function.js';

/** A custom domain for the webhook endpoints. */
export interface WebhookApiDomain {
  /** The host name, e.g. `webhooks.example.com`. */
  readonly domainName: string;
  /** A certificate for that name, in the stack's region. */
  readonly certificate: ICertificate;
}

/** Properties of a {@link WebhookApi}. */
export interface WebhookApiProps {
  /**
   * Name of the HTTP API.
   * @default - the construct's id
   */
  readonly apiName?: string;
  /** The ingest function; every route integrates with it (payload format 2.0). */
  readonly ingestFunction: IFunction;
  /** One `POST /webhooks/<provider>` route per name. */
  readonly providers: readonly string[];
  /**
   * Steady-state requests per second the stage accepts.
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * Requests the stage accepts in a burst above the rate.
   * @default 200
   */
  readonly throttleBurstLimit?: number;
  /**
   * A custom domain mapped to the stage.
   * @default - the execute-api endpoint only
   */
  readonly domain?: WebhookApiDomain;
  /**
   * How long access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * What happens to the access log group when it leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
}

/**
 * The public webhook endpoint: an HTTP API with one `POST` route per provider, all on the ingest
 * function. Anything else (another path, another method) is answered 404 by API Gateway without
 * invoking the function. The `$default` stage is throttled and writes JSON access logs without
 * headers or bodies, so signatures never reach the logs.
 */
export class WebhookApi extends Construct {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** The `$default` stage. */
  public readonly stage: HttpStage;
  /** The access log group of the stage. */
  public readonly accessLogGroup: LogGroup;
  /** The custom domain, when one is configured. */
  public readonly domainName?: DomainName;
  /** The public URL of each provider's endpoint, keyed by provider name. */
  public readonly webhookUrls: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    if (props.providers.length === 0) throw new Error('WebhookApi needs at least one provider');

    this.httpApi = new HttpApi(this, 'HttpApi', {
      ...(props.apiName ? { apiName: props.apiName } : {}),
      description: 'Plaid and Argyle webhooks',
      createDefaultStage: false,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    acknowledgeLogGroupRules(this.accessLogGroup, props.accessLogRetention ?? RetentionDays.ONE_MONTH);

    if (props.domain) {
      this.domainName = new DomainName(this, 'DomainName', {
        domainName: props.domain.domainName,
        certificate: props.domain.certificate,
      });
    }

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttleRateLimit ?? 100,
        burstLimit: props.throttleBurstLimit ?? 200,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // What only API Gateway knows of a request: who sent it, where, its answer and any error
        // of the gateway or the integration (a throttled request never reaches the function).
        // The log event carries the time; the function's own logs and metrics have the rest.
        // Each line is billed as log ingestion (docs/costs.md): 13 fields were 389 bytes a
        // request, these 7 are about 170.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLatency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
      ...(this.domainName ? { domainMapping: { domainName: this.domainName } } : {}),
    });

    const integration = new HttpLambdaIntegration('Ingest', props.ingestFunction);
    const baseUrl = this.domainName ? `https://${props.domain?.domainName}/` : this.stage.url;
    const urls: Record<string, string> = {};
    for (const provider of props.providers) {
      const path = `/webhooks/${provider}`;
      const [route] = this.httpApi.addRoutes({ path, methods: [HttpMethod.POST], integration });
      if (route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Plaid and Argyle cannot sign requests for IAM, Cognito or a JWT authorizer. The ingest ' +
            'function authenticates every request itself before using it: an ES256 JWT over the body ' +
            'hash for Plaid, an HMAC-SHA512 of the raw body for Argyle; unsigned requests get 401.',
        });
        Validations.of(route).acknowledge({
          id: guardRule('api_gw_v2_authorization_type_configured_check'),
          reason:
            'AuthorizationType NONE: Plaid and Argyle cannot sign requests for AWS_IAM, JWT or a custom ' +
            'authorizer. The ingest function verifies every body (Plaid ES256 JWT over the body hash, ' +
            'Argyle HMAC-SHA512) before using it and answers 401 otherwise.',
        });
        Validations.of(route).acknowledge({
          id: guardRule('lambda_function_public_access_prohibited_check'),
          reason:
            'The invoke permission names apigateway.amazonaws.com with the SourceArn of this route of ' +
            'this API (execute-api:<region>:<account>:<api>/*/*/webhooks/<provider>). The rule reads a ' +
            'SourceArn only as a literal string or a Ref/GetAtt, not the Fn::Join that builds it.',
        });
      }
      urls[provider] = `${baseUrl}${path.slice(1)}`;
    }
    this.webhookUrls = urls;
  }
}
