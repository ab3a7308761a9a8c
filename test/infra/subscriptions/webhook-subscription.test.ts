import { runSimulation } from '@cloud-copilot/iam-simulate';
import { WebhookSubscriptionError } from '@webhook-pipeline/events';
import { WebhookSubscription } from '@webhook-pipeline/events/cdk';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { PREFLIGHT_TARGET, resolveTemplate } from '../../../lib/preflight/resolve-template.js';
import { testApp } from '../synth.js';
import { realProducer } from './real-producer.js';

// Two accounts, as a consumer team meets them: the pipeline's (111111111111) with its bus and the
// policy of the producer side's `consumers` contract, and a consumer's (222222222222) subscribing
// with WebhookSubscription. Both templates are checked, and the policies are evaluated with
// iam-simulate for the calls CloudFormation and EventBridge make.

const REGION = 'us-east-1';
const PIPELINE = '111111111111';
const CONSUMER = '222222222222';
const OTHER_CONSUMER = '333333333333';
const BUS_ARN = `arn:aws:events:${REGION}:${PIPELINE}:event-bus/webhooks`;
const SYNC_TYPES = ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'] as const;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates and policies are untyped JSON
type Json = Record<string, any>;

const build = () => {
  const app = testApp();
  const consumers = [
    {
      account: CONSUMER,
      sources: ['webhooks.plaid'] as const,
      detailTypes: [...SYNC_TYPES, 'ITEM.LOGIN_REPAIRED'],
    },
    OTHER_CONSUMER,
  ];
  // The policy the WebhookPipeline construct writes.
  const producer = realProducer(app, 'Pipeline', {
    env: { account: PIPELINE, region: REGION },
    eventBusName: 'webhooks',
    consumers,
  });
  // The consumer: a queue fed with two detail-types, and a function with one.
  const consumer = new Stack(app, 'Consumer', { env: { account: CONSUMER, region: REGION } });
  const queue = new Queue(consumer, 'SyncQueue');
  const sync = new WebhookSubscription(consumer, 'Sync', {
    eventBusArn: producer.eventBusArn,
    provider: 'plaid',
    detailTypes: [...SYNC_TYPES],
    target: queue,
  });
  const fn = new LambdaFunction(consumer, 'Repaired', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('export const handler = async () => {};'),
  });
  const repaired = new WebhookSubscription(consumer, 'RepairedItems', {
    eventBusArn: producer.eventBusArn,
    provider: 'plaid',
    detailTypes: ['ITEM.LOGIN_REPAIRED'],
    target: fn,
    retryAttempts: 10,
    maxEventAge: Duration.hours(2),
  });
  // The pipeline's own account subscribing too.
  const own = new Stack(app, 'SameAccount', { env: { account: PIPELINE, region: REGION } });
  const ownQueue = new Queue(own, 'Everything');
  new WebhookSubscription(own, 'AllArgyle', { eventBusArn: BUS_ARN, provider: 'argyle', target: ownQueue });
  return {
    producer: Template.fromStack(producer.stack).toJSON() as Json,
    consumer: Template.fromStack(consumer).toJSON() as Json,
    own: Template.fromStack(own).toJSON() as Json,
    sync,
    repaired,
  };
};

const built = build();
const resources = (template: Json, type: string): [string, Json][] =>
  Object.entries(template.Resources as Json).filter(([, r]) => r.Type === type) as [string, Json][];
const rulesOf = (template: Json) =>
  resources(template, 'AWS::Events::Rule').map(([id, r]) => ({ id, ...r.Properties }));
/** The consumer's buses, the ones the forwarding rules target: the ARN EventBridge gives each, by logical id. */
const consumerBuses = new Map(
  resources(built.consumer, 'AWS::Events::EventBus').map(
    ([id, bus]) => [id, `arn:aws:events:${REGION}:${CONSUMER}:event-bus/${bus.Properties.Name}`] as const,
  ),
);

/** Rule ARNs on the pipeline's bus, as EventBridge names rules created on it by any account. */
const pipelineRuleArn = (name: string) => `arn:aws:events:${REGION}:${PIPELINE}:rule/webhooks/${name}`;

const forwardingRules = rulesOf(built.consumer).filter((r) => r.EventBusName === BUS_ARN);
const deliveryRules = rulesOf(built.consumer).filter((r) => consumerBuses.has(r.EventBusName?.Ref));
/** The logical id of the bus a forwarding rule delivers to, and its ARN. */
const busOf = (rule: Json): { id: string; arn: string } => {
  const id = rule.Targets[0].Arn['Fn::GetAtt'][0] as string;
  return { id, arn: consumerBuses.get(id) as string };
};

/** The statements of the bus policies of a template (AWS::Events::EventBusPolicy), partitions resolved. */
const busPolicy = (template: Json): Json => ({
  Version: '2012-10-17',
  Statement: resources(template, 'AWS::Events::EventBusPolicy').map(([, r]) =>
    JSON.parse(
      JSON.stringify(r.Properties.Statement)
        .replace(
          /\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::(\d{12}):root"\]\]\}/g,
          '"arn:aws:iam::$1:root"',
        )
        .replace(/\{"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]\}/g, (ref, id: string) =>
          consumerBuses.has(id) ? `"${consumerBuses.get(id)}"` : ref,
        ),
    ),
  ),
});

/** The pipeline's bus policy as deployed to its account: every intrinsic resolved. */
const pipelinePolicy = (template: Json): Json => {
  const resolved = resolveTemplate(template, {
    ...PREFLIGHT_TARGET,
    account: PIPELINE,
    region: REGION,
    stackName: 'Pipeline',
  });
  return {
    Version: '2012-10-17',
    Statement: resources(template, 'AWS::Events::EventBusPolicy').map(([, r]) =>
      resolved.resolve(r.Properties.Statement),
    ),
  };
};

/** The bus policy of one bus of a template. */
const busPolicyOf = (template: Json, busId: string): Json => {
  const all = busPolicy(template);
  const ofBus = resources(template, 'AWS::Events::EventBusPolicy').map(
    ([, r]) => r.Properties.EventBusName?.Ref === busId,
  );
  return { ...all, Statement: (all.Statement as Json[]).filter((_, i) => ofBus[i]) };
};

const ADMIN = [
  {
    name: 'cloudformation',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
];

/** A call by `account` (its CloudFormation role, allowed everything at home) on a resource of `owner`. */
const decide = async (
  account: string,
  action: string,
  resource: string,
  resourcePolicy: Json,
  context: Record<string, string | string[]> = {},
): Promise<string> => {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${account}:assumed-role/cdk-deploy/session`,
        action,
        resource: { resource, accountId: resource.split(':')[4] ?? '' },
        // IAM sets the caller's account on every request; the simulator takes it as given.
        contextVariables: { 'aws:PrincipalAccount': account, ...context },
      },
      identityPolicies: ADMIN,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.overallResult;
};

describe('WebhookSubscription from another account', () => {
  it('puts one rule per subscription on the pipeline’s bus, named by the consumer account, forwarding to a bus of the subscription’s own', () => {
    expect(forwardingRules.map((r) => r.EventPattern)).toEqual([
      { source: ['webhooks.plaid'], 'detail-type': [...SYNC_TYPES] },
      { source: ['webhooks.plaid'], 'detail-type': ['ITEM.LOGIN_REPAIRED'] },
    ]);
    for (const rule of forwardingRules) {
      expect(rule.Name).toMatch(new RegExp(`^${CONSUMER}-[A-Za-z0-9]+$`));
      expect(rule.Name.length).toBeLessThanOrEqual(64);
      expect(rule.Targets).toHaveLength(1);
      const [target] = rule.Targets;
      // The consumer's own bus; no role (the bus policy names the pipeline account) and no input rewrite.
      expect(consumerBuses.has(target.Arn['Fn::GetAtt'][0])).toBe(true);
      expect(Object.keys(target).sort()).toEqual(['Arn', 'DeadLetterConfig', 'Id']);
    }
    // One bus each: a detail-type two subscriptions share would otherwise reach each target twice.
    expect(new Set(forwardingRules.map((r) => busOf(r).id)).size).toBe(forwardingRules.length);
    expect(built.sync.forwardingRule).toBeDefined();
    expect(built.sync.pipelineBus).toMatchObject({ account: PIPELINE, crossAccount: true, name: 'webhooks' });
  });

  it('lets only the subscription’s forwarding rule put events on its bus', () => {
    for (const rule of forwardingRules) {
      const bus = busOf(rule);
      expect(busPolicyOf(built.consumer, bus.id).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${PIPELINE}:root` },
          Action: 'events:PutEvents',
          Resource: bus.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': pipelineRuleArn(rule.Name) } },
        },
      ]);
    }
  });

  it('delivers from its bus to each target with a dead-letter queue and a retry policy', () => {
    expect(deliveryRules.map((r) => [r.EventBusName.Ref, r.EventPattern])).toEqual(
      forwardingRules.map((r) => [busOf(r).id, r.EventPattern]),
    );
    const [toQueue, toFunction] = deliveryRules.map((r) => r.Targets[0]);
    expect(toQueue.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    expect(toFunction.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
    expect(toQueue.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SyncQueue/), 'Arn'] });
    expect(toFunction.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Repaired[0-9A-F]/), 'Arn'] });
    // The function may be invoked by that rule only.
    const [[, permission]] = resources(built.consumer, 'AWS::Lambda::Permission') as [[string, Json]];
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^RepairedItemsRule/), 'Arn'] },
    });
  });

  it('gives every target of every rule a dead-letter queue that lets in exactly the rules that use it', () => {
    const queuePolicies = resources(built.consumer, 'AWS::SQS::QueuePolicy').map(([, r]) => r.Properties);
    for (const rule of rulesOf(built.consumer)) {
      for (const target of rule.Targets) {
        const dlq = target.DeadLetterConfig?.Arn?.['Fn::GetAtt']?.[0];
        expect(dlq, `${rule.id} ${target.Id}`).toBeDefined();
        const policy = queuePolicies.find((p) => p.Queues[0].Ref === dlq);
        const sources = ((policy?.PolicyDocument.Statement ?? []) as Json[])
          .filter((s) => s.Effect === 'Allow' && s.Principal.Service === 'events.amazonaws.com')
          .map((s) => s.Condition.ArnEquals['aws:SourceArn']);
        const arn =
          rule.EventBusName === BUS_ARN ? pipelineRuleArn(rule.Name) : { 'Fn::GetAtt': [rule.id, 'Arn'] };
        expect(sources, `${rule.id}'s dead-letter queue`).toContainEqual(arn);
      }
    }
  });

  it('is allowed by the pipeline’s bus policy to create, target and manage exactly these rules', async () => {
    const policy = pipelinePolicy(built.producer);
    for (const rule of forwardingRules) {
      const arn = pipelineRuleArn(rule.Name);
      const putRule = {
        'events:source': rule.EventPattern.source,
        'events:detail-type': rule.EventPattern['detail-type'],
      };
      expect(await decide(CONSUMER, 'events:PutRule', arn, policy, putRule), rule.Name).toBe('Allowed');
      expect(
        await decide(CONSUMER, 'events:PutTargets', arn, policy, {
          'events:TargetArn': busOf(rule).arn,
          'events:creatorAccount': CONSUMER,
        }),
      ).toBe('Allowed');
      for (const action of ['events:DescribeRule', 'events:DeleteRule', 'events:RemoveTargets'])
        expect(
          await decide(CONSUMER, action, arn, policy, { 'events:creatorAccount': CONSUMER }),
          action,
        ).toBe('Allowed');
    }
  });

  it('would be refused anything else by that policy: the simulation can fail', async () => {
    const policy = pipelinePolicy(built.producer);
    const arn = pipelineRuleArn('222222222222-Anything');
    const refused = [
      // Another source, a detail-type the pipeline did not grant, no source at all.
      ['events:PutRule', CONSUMER, { 'events:source': ['webhooks.argyle'] }],
      [
        'events:PutRule',
        CONSUMER,
        { 'events:source': ['webhooks.plaid'], 'events:detail-type': ['ITEM.ERROR', 'AUTH.DEFAULT_UPDATE'] },
      ],
      ['events:PutRule', CONSUMER, {}],
      ['events:PutRule', CONSUMER, { 'events:source': ['webhooks.plaid'] }],
      // A target that is not a bus of the consumer's: its queue directly, another account's bus.
      ['events:PutTargets', CONSUMER, { 'events:TargetArn': `arn:aws:sqs:${REGION}:${CONSUMER}:queue` }],
      [
        'events:PutTargets',
        CONSUMER,
        { 'events:TargetArn': `arn:aws:events:${REGION}:${OTHER_CONSUMER}:event-bus/b` },
      ],
      // A rule another account created.
      ['events:DeleteRule', CONSUMER, { 'events:creatorAccount': OTHER_CONSUMER }],
      // An account that is not a consumer.
      ['events:PutRule', '444444444444', { 'events:source': ['webhooks.plaid'] }],
    ] as const;
    for (const [action, account, context] of refused) {
      expect(
        await decide(account, action, arn, policy, context as never),
        `${action} ${JSON.stringify(context)}`,
      ).not.toBe('Allowed');
    }
  });

  it('takes events on each bus only from that subscription’s forwarding rule', async () => {
    const [sync, repaired] = forwardingRules.map((rule) => ({ rule, bus: busOf(rule) }));
    if (!sync || !repaired) throw new Error('two forwarding rules expected');
    for (const { rule, bus } of [sync, repaired]) {
      const policy = busPolicyOf(built.consumer, bus.id);
      const own = { 'aws:SourceArn': pipelineRuleArn(rule.Name) };
      expect(await decide(PIPELINE, 'events:PutEvents', bus.arn, policy, own)).toBe('Allowed');
    }
    // The other subscription's rule, another consumer's rule on the pipeline's bus, another account.
    const policy = busPolicyOf(built.consumer, sync.bus.id);
    const refused = [
      [PIPELINE, pipelineRuleArn(repaired.rule.Name)],
      [PIPELINE, pipelineRuleArn(`${OTHER_CONSUMER}-Theirs`)],
      [OTHER_CONSUMER, `arn:aws:events:${REGION}:${OTHER_CONSUMER}:rule/b/r`],
    ] as const;
    for (const [account, sourceArn] of refused) {
      const context = { 'aws:SourceArn': sourceArn };
      expect(await decide(account, 'events:PutEvents', sync.bus.arn, policy, context), sourceArn).not.toBe(
        'Allowed',
      );
    }
  });

  it('takes a bus of the consumer’s choosing, and refuses one for a subscription in the pipeline’s account', () => {
    expect(built.sync.eventBus).not.toBe(built.repaired.eventBus);
    const app = new App();
    const own = new Stack(app, 'Own', { env: { account: PIPELINE, region: REGION } });
    const other = new Stack(app, 'Other', { env: { account: CONSUMER, region: REGION } });
    const shared = new EventBus(other, 'Shared');
    const props = { eventBusArn: BUS_ARN, provider: 'plaid', eventBus: shared } as const;
    const subscription = new WebhookSubscription(other, 'S', { ...props, target: new Queue(other, 'Q') });
    expect(subscription.eventBus).toBe(shared);
    expect(() => new WebhookSubscription(own, 'S', { ...props, target: new Queue(own, 'Q') })).toThrow(
      "eventBus is for a subscription from another account; the pipeline's bus is in this stack's account",
    );
  });
});

describe('what the producer side’s policy needs, shown on plainer forms of it', () => {
  const policy = pipelinePolicy(built.producer);
  const statements = policy.Statement as Json[];
  // CDK prefixes each Sid of a bus policy with `cdk-`.
  const sid = (name: string) => statements.find((st) => st.Sid === `cdk-${name}`) as Json;
  /** The PutRule statement of the consumer's group (its sources and detail-types). */
  const createRules = () =>
    statements.find(
      (st) =>
        st.Sid.startsWith('cdk-ConsumersCreateRules') && JSON.stringify(st.Principal).includes(CONSUMER),
    ) as Json;
  const arn = pipelineRuleArn(forwardingRules[0]?.Name);
  const withStatements = (list: Json[]) => ({ ...policy, Statement: list });

  it('a single-valued StringLike on events:TargetArn (a multivalued key) refuses the consumer’s PutTargets', async () => {
    const manage = sid('ConsumersManageTheirRules');
    const plain = {
      ...manage,
      Condition: { ...manage.Condition, StringLike: manage.Condition['ForAllValues:StringLike'] },
    };
    delete plain.Condition['ForAllValues:StringLike'];
    const context = { 'events:TargetArn': busOf(forwardingRules[0] as Json).arn };
    expect(await decide(CONSUMER, 'events:PutTargets', arn, withStatements([plain]), context)).not.toBe(
      'Allowed',
    );
    expect(await decide(CONSUMER, 'events:PutTargets', arn, withStatements([manage]), context)).toBe(
      'Allowed',
    );
  });

  it('without Null events:detail-type false, a rule with no detail-type (every event) gets through', async () => {
    const putRule = createRules();
    const loose = { ...putRule, Condition: { ...putRule.Condition, Null: { 'events:source': 'false' } } };
    const everything = { 'events:source': ['webhooks.plaid'] };
    expect(await decide(CONSUMER, 'events:PutRule', arn, withStatements([loose]), everything)).toBe(
      'Allowed',
    );
    expect(await decide(CONSUMER, 'events:PutRule', arn, withStatements([putRule]), everything)).not.toBe(
      'Allowed',
    );
  });

  it('source conditions on the management actions refuse DeleteRule, which carries no events:source', async () => {
    const putRule = createRules();
    const manage = sid('ConsumersManageTheirRules');
    const together = { ...manage, Condition: putRule.Condition };
    const context = { 'events:creatorAccount': CONSUMER };
    expect(await decide(CONSUMER, 'events:DeleteRule', arn, withStatements([together]), context)).not.toBe(
      'Allowed',
    );
    expect(await decide(CONSUMER, 'events:DeleteRule', arn, withStatements([manage]), context)).toBe(
      'Allowed',
    );
  });
});

describe('WebhookSubscription in the pipeline’s own account', () => {
  it('puts one rule on the pipeline’s bus, to the target, with a dead-letter queue and a retry policy', () => {
    const rules = rulesOf(built.own);
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule?.EventBusName).toBe('webhooks');
    expect(rule?.EventPattern).toEqual({ source: ['webhooks.argyle'] });
    expect(rule?.Targets[0]).toMatchObject({
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
    });
    expect(resources(built.own, 'AWS::Events::EventBus')).toEqual([]);
    expect(resources(built.own, 'AWS::Events::EventBusPolicy')).toEqual([]);
  });
});

describe('WebhookSubscription refuses what it cannot wire, by name', () => {
  const attempt = (env: { account?: string; region?: string } | undefined, props: Json) => {
    const stack = new Stack(new App(), 'S', env ? { env } : {});
    const target = new Queue(stack, 'Q');
    try {
      new WebhookSubscription(stack, 'Sub', {
        eventBusArn: BUS_ARN,
        provider: 'plaid',
        target,
        ...props,
      } as never);
      return 'built';
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookSubscriptionError);
      return (error as Error).message;
    }
  };
  const env = { account: CONSUMER, region: REGION };

  it.each([
    [undefined, {}, 'needs a concrete account and region'],
    [
      { account: CONSUMER, region: 'eu-west-1' },
      {},
      "the pipeline's bus is in us-east-1 and the stack S in eu-west-1",
    ],
    [env, { eventBusArn: 'arn:aws:sqs:us-east-1:111111111111:q' }, 'is not an event bus ARN'],
    [env, { eventBusArn: 'webhooks' }, 'is not an ARN'],
    [env, { detailTypes: [] }, 'detailTypes is empty; leave it out to receive every plaid event'],
    [env, { retryAttempts: 186 }, 'retryAttempts is 186; EventBridge takes 0 to 185'],
    [env, { maxEventAge: Duration.seconds(30) }, 'maxEventAge is 30 s; EventBridge takes 60 s to 24 h'],
  ])('%j %j: %s', (stackEnv, props, message) => {
    expect(attempt(stackEnv as never, props)).toContain(message);
  });

  it('builds with the same props in a stack with an account and Region', () => {
    expect(attempt(env, {})).toBe('built');
  });
});
