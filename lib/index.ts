/**
 * The CDK side of webhook-pipeline, for a platform team's own CDK app: the `WebhookPipeline`
 * construct, its props and errors. Published as `webhook-pipeline/cdk`.
 */

export { WebhookPipelineError } from './errors.js';
export { REPLAY_NAME_PREFIX } from './operator-grants.js';
export { STACK_OUTPUTS, WebhookPipeline } from './webhook-pipeline.js';
export type {
  ConsumerAccess,
  ReservedConcurrency,
  WebhookEventSource,
  WebhookPipelineProps,
} from './webhook-pipeline-props.js';
export { WebhookPipelineStack, type WebhookPipelineStackProps } from './webhook-pipeline-stack.js';
