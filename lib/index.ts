/**
 * `webhook-pipeline/cdk`: the CDK constructs of the pipeline, for a platform team's own CDK app.
 */
export { WebhookPipelineStack, type WebhookPipelineStackProps } from './webhook-pipeline-stack.js';
