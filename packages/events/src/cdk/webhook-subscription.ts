import { Annotations, Duration, Names, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import {
  CfnEventBusPolicy,
  type CfnRule,
  EventBus,
  type IEventBus,
  type IRuleTarget,
  Rule,
} from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DetailTypeOf } from '../detail-types.js';
import { WebhookSubscriptionError } from '../errors.js';
import { eventPattern, type WebhookEventPattern } from '../event-pattern.js';
import type { ProviderName } from '../sources.js';
import { type PipelineBus, pipelineBusOf, ruleArnOn } from './pipeline-bus.js';

/** Properties of a {@link WebhookSubscription}. */
export interface WebhookSubscriptionProps<P extends ProviderName = ProviderName> {
  /**
   * The pipeline's bus: the `EventBusArn` output of the webhook-pipeline stack, as a literal ARN.
   * Its account decides the wiring: the same account as this stack, a rule on it; another account,
   * a rule on it that forwards to a bus in this account (see `eventBus`).
   */
  readonly eventBusArn: string;
  /** Whose webhooks: `plaid` or `argyle`. */
  readonly provider: P;
  /**
   * The detail-types to receive. Each must be one of the provider's catalogue: another name does not
   * compile.
   * @default - every detail-type of the provider (the whole `source`, new codes included)
   */
  readonly detailTypes?: readonly DetailTypeOf<P>[];
  /** Where the events go: a standard SQS queue or a Lambda function of this stack's account and Region. */
  readonly target: IQueue | IFunction;
  /**
   * Where EventBridge puts an event it could not deliver after its retries (a standard queue).
   * @default - a new SQS queue, SQS-managed encryption, kept 14 days
   */
  readonly deadLetterQueue?: IQueue;
  /**
   * How many times EventBridge retries a failed delivery to the target (0 to 185).
   * @default 185
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying a delivery to the target (60 s to 24 h).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
  /**
   * From another account only: the bus of this account that the rule on the pipeline's bus forwards
   * to, and on which the rule to `target` is. Share one only between subscriptions whose
   * detail-types do not overlap: each forwarding rule puts its copy of an event on the bus, and every
   * rule there that matches it delivers each copy.
   * @default - a bus of the subscription's own
   */
  readonly eventBus?: IEventBus;
}

/** The EventBridge default, written out so that the template says what the retry policy is. */
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_MAX_EVENT_AGE = Duration.hours(24);

/** The rule names of this account on a shared bus start with the account, so two accounts never collide. */
const ruleNameOf = (scope: Construct, account: string): string =>
  `${account}-${Names.uniqueResourceName(scope, { maxLength: 64 - account.length - 1 })}`;

const isQueue = (target: IQueue | IFunction): target is IQueue => 'queueArn' in target;

/**
 * A target with no role and no retry policy: the pipeline's rule forwarding to this account's bus.
 * No role, because the bus policy names the pipeline's account itself (a role is required only when
 * the permission comes through an organization); no retry policy, because EventBridge's targets of
 * type event bus take none (the aws-events-targets `EventBus` target offers none for that reason).
 */
class ForwardToBus implements IRuleTarget {
  public constructor(
    private readonly bus: IEventBus,
    private readonly deadLetterQueue: IQueue,
  ) {}

  public bind() {
    return { arn: this.bus.eventBusArn, deadLetterConfig: { arn: this.deadLetterQueue.queueArn } };
  }
}

/**
 * A typed subscription to webhook-pipeline's events, from the pipeline's own account or another one,
 * with a dead-letter queue and a retry policy on every target.
 *
 * - Same account: a rule on the pipeline's bus, to `target`.
 * - Another account (listed in the pipeline's `consumers`): a rule on the pipeline's bus, created by
 *   this account, forwarding to a bus of this account whose policy lets only that rule put events;
 *   on that bus, a rule to `target`. EventBridge lets another account's rule on a bus target only an
 *   event bus, not a queue or a function directly.
 *
 * @example
 * new WebhookSubscription(this, 'Sync', {
 *   eventBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/webhooks',
 *   provider: 'plaid',
 *   detailTypes: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'],
 *   target: queue,
 * });
 */
export class WebhookSubscription<P extends ProviderName = ProviderName> extends Construct {
  /** The rule that delivers to `target`: on the pipeline's bus, or on this account's bus. */
  public readonly rule: Rule;
  /** Another account only: the rule on the pipeline's bus that forwards to {@link eventBus}. */
  public readonly forwardingRule: Rule | undefined;
  /** Another account only: the bus of this account the events are forwarded to. */
  public readonly eventBus: IEventBus | undefined;
  /** Where undeliverable events go, from either rule. */
  public readonly deadLetterQueue: IQueue;
  /** The event pattern of the rules: the provider's source and the detail-types. */
  public readonly eventPattern: WebhookEventPattern;
  /** The pipeline's bus, as read from its ARN. */
  public readonly pipelineBus: PipelineBus;

  public constructor(scope: Construct, id: string, props: WebhookSubscriptionProps<P>) {
    super(scope, id);
    this.pipelineBus = pipelineBusOf(this, props.eventBusArn);
    checkProps(this, props);

    this.eventPattern = eventPattern({ provider: props.provider, types: [...new Set(props.detailTypes)] });
    this.deadLetterQueue =
      props.deadLetterQueue ??
      new Queue(this, 'DeadLetterQueue', {
        encryption: QueueEncryption.SQS_MANAGED,
        retentionPeriod: Duration.days(14),
        enforceSSL: true,
      });
    const description = `webhook-pipeline ${props.provider} events: ${
      props.detailTypes?.length ? props.detailTypes.join(', ') : 'all'
    }`.slice(0, 512);

    let deliveryBus: IEventBus;
    if (this.pipelineBus.crossAccount) {
      // A bus of its own: events forwarded by another subscription's rule would reach this one's
      // target too, twice where their detail-types overlap.
      this.eventBus =
        props.eventBus ??
        new EventBus(this, 'EventBus', {
          description: `webhook-pipeline events forwarded from ${this.pipelineBus.arn}`.slice(0, 512),
        });
      this.forwardingRule = this.forwardToThisAccount(this.eventBus, description);
      deliveryBus = this.eventBus;
    } else {
      this.forwardingRule = undefined;
      this.eventBus = undefined;
      deliveryBus = EventBus.fromEventBusArn(this, 'PipelineBus', this.pipelineBus.arn);
    }

    const retry = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
      maxEventAge: props.maxEventAge ?? DEFAULT_MAX_EVENT_AGE,
    };
    this.rule = new Rule(this, 'Rule', {
      eventBus: deliveryBus,
      eventPattern: this.eventPattern,
      description,
      targets: [
        isQueue(props.target) ? new SqsQueue(props.target, retry) : new LambdaFunction(props.target, retry),
      ],
    });
  }

  /**
   * The rule on the pipeline's bus, created from this account (the pipeline's bus policy allows it),
   * forwarding to `bus`; the bus policy and the dead-letter queue let only that rule in.
   */
  private forwardToThisAccount(bus: IEventBus, description: string): Rule {
    const stack = Stack.of(this);
    const ruleName = ruleNameOf(this, stack.account);
    const ruleArn = ruleArnOn(this.pipelineBus, ruleName);
    const rule = new Rule(this, 'ForwardingRule', {
      ruleName,
      eventPattern: this.eventPattern,
      description: `Forwards to account ${stack.account}: ${description}`.slice(0, 512),
      targets: [new ForwardToBus(bus, this.deadLetterQueue)],
    });
    // aws-cdk-lib's Rule names its bus by name, which would be a bus of this account: the ARN puts
    // the rule on the pipeline's bus (AWS::Events::Rule takes a name or an ARN).
    (rule.node.defaultChild as CfnRule).eventBusName = this.pipelineBus.arn;

    new CfnEventBusPolicy(this, 'AllowForwardingRule', {
      eventBusName: bus.eventBusName,
      statementId: `Forward-${Names.uniqueResourceName(this, { maxLength: 56 })}`,
      statement: {
        Effect: 'Allow',
        Principal: { AWS: `arn:${this.pipelineBus.partition}:iam::${this.pipelineBus.account}:root` },
        Action: 'events:PutEvents',
        Resource: bus.eventBusArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    });
    // EventBridge writes to a dead-letter queue as events.amazonaws.com on behalf of the rule; the
    // rule is in the pipeline's account, so aws-cdk-lib does not add this statement itself.
    const added = this.deadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: `ForwardingRuleDeadLetters${Names.uniqueResourceName(this, { maxLength: 40 })}`,
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        '@webhook-pipeline/events:deadLetterQueuePolicy',
        `the dead-letter queue is imported: its owner must let events.amazonaws.com send messages with aws:SourceArn ${ruleArn}`,
      );
    }
    return rule;
  }
}

const checkProps = <P extends ProviderName>(
  scope: WebhookSubscription<P>,
  props: WebhookSubscriptionProps<P>,
): void => {
  const where = scope.node.path;
  if (props.detailTypes && props.detailTypes.length === 0) {
    throw new WebhookSubscriptionError(
      `${where}: detailTypes is empty; leave it out to receive every ${props.provider} event`,
    );
  }
  const attempts = props.retryAttempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0 || attempts > 185)) {
    throw new WebhookSubscriptionError(`${where}: retryAttempts is ${attempts}; EventBridge takes 0 to 185`);
  }
  const age = props.maxEventAge;
  if (age && !Token.isUnresolved(age.toSeconds()) && (age.toSeconds() < 60 || age.toSeconds() > 86_400)) {
    throw new WebhookSubscriptionError(
      `${where}: maxEventAge is ${age.toSeconds()} s; EventBridge takes 60 s to 24 h`,
    );
  }
  if (props.eventBus && !scope.pipelineBus.crossAccount) {
    throw new WebhookSubscriptionError(
      `${where}: eventBus is for a subscription from another account; the pipeline's bus is in this stack's account`,
    );
  }
  if (props.deadLetterQueue?.fifo) {
    throw new WebhookSubscriptionError(`${where}: the dead-letter queue must be a standard queue, not FIFO`);
  }
  if (isQueue(props.target) && props.target.fifo) {
    throw new WebhookSubscriptionError(`${where}: the target queue must be a standard queue, not FIFO`);
  }
  const stack = Stack.of(scope);
  const targetAccount = props.target.env.account;
  if (Token.compareStrings(targetAccount, stack.account) === TokenComparison.DIFFERENT) {
    throw new WebhookSubscriptionError(
      `${where}: the target is in account ${targetAccount}, the stack in ${stack.account}: subscribe from the target's account`,
    );
  }
};
