/**
 * `@webhook-pipeline/events/cdk`: typed subscriptions to webhook-pipeline's events for consumer
 * stacks. Needs `aws-cdk-lib` and `constructs` (optional peer dependencies of the package); the
 * package's other entry points never load this one.
 */
export { type PipelineBus, pipelineBusOf, ruleArnOn } from './pipeline-bus.js';
export { WebhookSubscription, type WebhookSubscriptionProps } from './webhook-subscription.js';
