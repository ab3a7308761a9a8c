import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebhookSubscriptionError } from '../errors.js';

/** The pipeline's bus, from its ARN: where it is decides how a stack subscribes to it. */
export interface PipelineBus {
  readonly arn: string;
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  /** True when the bus is in another account than the subscribing stack. */
  readonly crossAccount: boolean;
}

/**
 * Reads the bus ARN and compares it with the stack's environment. Both must be known when the app is
 * synthesized: the wiring differs between the pipeline's own account and another one, and rules,
 * their dead-letter queues and the buses they deliver to must share a Region.
 */
export const pipelineBusOf = (scope: Construct, eventBusArn: string): PipelineBus => {
  if (Token.isUnresolved(eventBusArn)) {
    throw new WebhookSubscriptionError(
      'eventBusArn must be the ARN itself (the EventBusArn output of the webhook-pipeline stack), not a token: its account decides how the subscription is wired',
    );
  }
  let parts: ReturnType<typeof Arn.split>;
  try {
    parts = Arn.split(eventBusArn, ArnFormat.SLASH_RESOURCE_NAME);
  } catch {
    throw new WebhookSubscriptionError(`eventBusArn "${eventBusArn}" is not an ARN`);
  }
  const { partition, service, resource, resourceName, account, region } = parts;
  if (service !== 'events' || resource !== 'event-bus' || !resourceName || !account || !region) {
    throw new WebhookSubscriptionError(
      `eventBusArn "${eventBusArn}" is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)`,
    );
  }
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new WebhookSubscriptionError(
      `the stack ${stack.node.path} needs a concrete account and region (env: { account, region }) to subscribe to ${eventBusArn}: the pipeline's own account and another one are wired differently`,
    );
  }
  if (stack.region !== region) {
    throw new WebhookSubscriptionError(
      `the pipeline's bus is in ${region} and the stack ${stack.node.path} in ${stack.region}: subscribe from a stack in ${region} (a rule's dead-letter queue must be in the rule's Region)`,
    );
  }
  return {
    arn: eventBusArn,
    partition: partition ?? 'aws',
    account,
    region,
    name: resourceName,
    crossAccount: account !== stack.account,
  };
};

/** The ARN of a rule on the pipeline's bus: rules belong to the bus's account, whoever created them. */
export const ruleArnOn = (bus: PipelineBus, ruleName: string): string =>
  `arn:${bus.partition}:events:${bus.region}:${bus.account}:rule/${bus.name}/${ruleName}`;
