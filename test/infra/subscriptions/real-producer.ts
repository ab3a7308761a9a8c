import { type App, Stack } from 'aws-cdk-lib';
import type { ConsumerAccess } from '../../../lib/index.js';
import { WebhookPipeline } from '../../../lib/webhook-pipeline.js';

/** Options of {@link realProducer}. */
export interface RealProducerProps {
  readonly env: { readonly account: string; readonly region: string };
  readonly eventBusName: string;
  readonly consumers: readonly (string | ConsumerAccess)[];
}

/**
 * The pipeline's account as the consumer side meets it, built by the real `WebhookPipeline`
 * construct: its bus and the bus policy its `consumers` prop writes.
 */
export const realProducer = (app: App, id: string, props: RealProducerProps) => {
  const stack = new Stack(app, id, { env: props.env });
  const pipeline = new WebhookPipeline(stack, 'Webhooks', {
    name: props.eventBusName,
    production: false,
    consumers: props.consumers,
  });
  const { region, account } = props.env;
  return {
    stack,
    pipeline,
    eventBusArn: `arn:aws:events:${region}:${account}:event-bus/${props.eventBusName}`,
  };
};
