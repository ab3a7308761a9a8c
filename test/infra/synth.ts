import { readFileSync } from 'node:fs';
import { App, type AppProps, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { WebhookPipelineStack, type WebhookPipelineStackProps } from '../../lib/webhook-pipeline-stack.js';

/** The feature flags of cdk.json, so tests see the template `cdk synth` produces. */
const featureFlags = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

/**
 * An app as the CLI builds it, minus two slow steps the CI's `cdk synth` covers: esbuild bundling
 * (no stack is listed for bundling) and CDK's built-in CloudFormation template validation.
 */
export const testApp = (props: AppProps = {}): App =>
  new App({
    ...props,
    builtinCloudFormationValidation: false,
    context: { ...featureFlags(), 'aws:cdk:bundling-stacks': [], ...props.context },
  });

/** Settings that switch on the optional parts of the stack. */
export const CONSUMER_ACCOUNT = '111111111111';
export const PLAID_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid-AbCdEf';
export const ARGYLE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:argyle-GhIjKl';
export const ALARM_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
export const CERTIFICATE_ARN =
  'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

/** A dev stage with consumer accounts and an alarm email. */
export const devProps: WebhookPipelineStackProps = {
  stage: 'dev',
  production: false,
  consumerAccountIds: [CONSUMER_ACCOUNT],
  alarmEmail: 'ops@example.com',
};

/** A production stage with every option set. */
export const productionProps: WebhookPipelineStackProps = {
  stage: 'prod',
  production: true,
  env: { account: '123456789012', region: 'eu-west-1' },
  consumerAccountIds: [CONSUMER_ACCOUNT, '222222222222'],
  plaidSecretArn: PLAID_SECRET_ARN,
  argyleSecretArn: ARGYLE_SECRET_ARN,
  domainName: 'webhooks.example.com',
  certificateArn: CERTIFICATE_ARN,
  reservedConcurrency: { ingest: 50, router: 20 },
  routerBatchSize: 100,
  routerMaxBatchingWindow: Duration.seconds(5),
  routerMaxConcurrency: 20,
  archiveRetention: Duration.days(0),
  logRetention: RetentionDays.ONE_YEAR,
  alarmTopicArn: ALARM_TOPIC_ARN,
  tracing: true,
  dashboard: true,
};

/** Builds one stack in a fresh test app and returns it with its template. */
export const synthStack = (
  props: WebhookPipelineStackProps,
  id = `WebhookPipeline-${props.stage}`,
): { stack: WebhookPipelineStack; template: Template } => {
  const stack = new WebhookPipelineStack(testApp(), id, props);
  return { stack, template: Template.fromStack(stack) };
};
