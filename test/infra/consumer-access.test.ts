import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  estimateBusPolicyCharacters,
  normalizeConsumers,
  PRINCIPAL_ACCOUNT_VARIABLE,
} from '../../lib/constructs/consumer-access.js';
import { measureTemplate } from '../../lib/preflight/quota-preflight.js';
import { resolveTemplate } from '../../lib/preflight/resolve-template.js';
import type { ConsumerAccess } from '../../lib/webhook-pipeline-props.js';
import { pipelineProblems, synthPipeline, TEST_ENV } from './construct-synth.js';
import type { Json } from './template-helpers.js';

// Three consumer accounts: one with every source, one with Plaid only, one with two Plaid
// detail-types. The bus policy is read from the template and evaluated as EventBridge would, for
// calls each account's team makes from its own account.
const EVERYTHING = '111111111111';
const PLAID_ONLY = '222222222222';
const TWO_TYPES = '333333333333';
const STRANGER = '444444444444';
const CONSUMERS: ConsumerAccess[] = [
  { account: EVERYTHING },
  { account: PLAID_ONLY, sources: ['webhooks.plaid'] },
  {
    account: TWO_TYPES,
    sources: ['webhooks.plaid'],
    detailTypes: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'],
  },
];
const { template, pipeline } = synthPipeline(
  { production: false, name: 'webhooks', consumers: CONSUMERS },
  { stackProps: { env: TEST_ENV } },
);
const json = template.toJSON();
const target = { ...TEST_ENV, stackName: 'PlatformStack' };
const resolved = resolveTemplate(json, target);
const resources = Object.values(json.Resources as Record<string, Json>);
const busPolicy = {
  Version: '2012-10-17',
  Statement: resources
    .filter((r) => r.Type === 'AWS::Events::EventBusPolicy')
    .map((r) => resolved.resolve(r.Properties.Statement)),
};
const RULES = `arn:aws:events:eu-west-1:123456789012:rule/webhooks`;

/** A call from a team's role in `account`, which its own account lets do anything on EventBridge. */
const call = async (
  account: string,
  action: string,
  context: Record<string, string | string[]> = {},
  resource = `${RULES}/their-rule`,
): Promise<string> => {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:role/team`,
        action,
        resource: { resource, accountId: '123456789012' },
        contextVariables: { 'aws:PrincipalAccount': account, ...context },
      },
      identityPolicies: [
        {
          name: 'team',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'events:*', Resource: '*' }],
          },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: busPolicy,
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
};
const bus = (account: string, region = 'eu-west-1') =>
  `arn:aws:events:${region}:${account}:event-bus/team-bus`;

describe('the bus policy', () => {
  it('has a rule-creating statement per set of access, and one for the rest of every consumer’s rules', () => {
    expect(busPolicy.Statement.map((s: Json) => [s.Sid, s.Action])).toEqual([
      ['cdk-ConsumersCreateRules1', 'events:PutRule'],
      ['cdk-ConsumersCreateRules2', 'events:PutRule'],
      ['cdk-ConsumersCreateRules3', 'events:PutRule'],
      [
        'cdk-ConsumersManageTheirRules',
        [
          'events:PutTargets',
          'events:DeleteRule',
          'events:RemoveTargets',
          'events:DescribeRule',
          'events:ListTargetsByRule',
          'events:EnableRule',
          'events:DisableRule',
          'events:ListTagsForResource',
          'events:TagResource',
          'events:UntagResource',
        ],
      ],
    ]);
    for (const statement of busPolicy.Statement) {
      expect(statement.Resource).toBe(`${RULES}/*`);
      expect(statement.Condition.StringEqualsIfExists).toEqual({
        'events:creatorAccount': PRINCIPAL_ACCOUNT_VARIABLE,
      });
    }
  });

  it('limits rule patterns to the sources and detail-types each account is given', () => {
    const [all, plaid, types] = busPolicy.Statement;
    expect(all.Principal).toEqual({ AWS: `arn:aws:iam::${EVERYTHING}:root` });
    expect(all.Condition).toMatchObject({
      'ForAllValues:StringEquals': { 'events:source': ['webhooks.plaid', 'webhooks.argyle'] },
      Null: { 'events:source': 'false' },
    });
    expect(plaid.Principal).toEqual({ AWS: `arn:aws:iam::${PLAID_ONLY}:root` });
    expect(plaid.Condition['ForAllValues:StringEquals']).toEqual({ 'events:source': ['webhooks.plaid'] });
    expect(types.Principal).toEqual({ AWS: `arn:aws:iam::${TWO_TYPES}:root` });
    expect(types.Condition).toMatchObject({
      'ForAllValues:StringEquals': {
        'events:source': ['webhooks.plaid'],
        'events:detail-type': ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE', 'ITEM.ERROR'],
      },
      Null: { 'events:source': 'false', 'events:detail-type': 'false' },
    });
  });

  it('limits targets to event buses of the caller’s own account in this region', () => {
    const manage = busPolicy.Statement[3];
    expect(manage.Principal.AWS).toEqual(
      [EVERYTHING, PLAID_ONLY, TWO_TYPES].map((a) => `arn:aws:iam::${a}:root`),
    );
    expect(manage.Condition['ForAllValues:StringLike']).toEqual({
      'events:TargetArn': `arn:aws:events:eu-west-1:${PRINCIPAL_ACCOUNT_VARIABLE}:event-bus/*`,
    });
  });

  it('fits under the synth-time estimate, which assumes the longest names, and not far under', () => {
    const measured = measureTemplate(json, target).find((m) => m.limit === 'busPolicySize')?.used ?? 0;
    const estimate = estimateBusPolicyCharacters('webhooks', normalizeConsumers(CONSUMERS, undefined, []));
    expect(measured).toBeGreaterThan(0);
    expect(estimate).toBeGreaterThanOrEqual(measured);
    expect(estimate).toBeLessThan(measured * 1.25);
  });
});

describe('simulated: what each consumer account may do on the bus', () => {
  it('creates rules for its sources only, never a pattern without a source', async () => {
    expect(await call(EVERYTHING, 'events:PutRule', { 'events:source': ['webhooks.argyle'] })).toBe(
      'Allowed',
    );
    expect(
      await call(EVERYTHING, 'events:PutRule', { 'events:source': ['webhooks.plaid', 'webhooks.argyle'] }),
    ).toBe('Allowed');
    expect(await call(PLAID_ONLY, 'events:PutRule', { 'events:source': ['webhooks.plaid'] })).toBe('Allowed');
    expect(await call(PLAID_ONLY, 'events:PutRule', { 'events:source': ['webhooks.argyle'] })).toBe(
      'ImplicitlyDenied',
    );
    expect(
      await call(PLAID_ONLY, 'events:PutRule', { 'events:source': ['webhooks.plaid', 'webhooks.argyle'] }),
    ).toBe('ImplicitlyDenied');
    expect(await call(PLAID_ONLY, 'events:PutRule', {})).toBe('ImplicitlyDenied');
    expect(await call(EVERYTHING, 'events:PutRule', {})).toBe('ImplicitlyDenied');
  });

  it('creates rules for its detail-types only, when it is given some', async () => {
    const plaid = { 'events:source': ['webhooks.plaid'] };
    expect(await call(TWO_TYPES, 'events:PutRule', { ...plaid, 'events:detail-type': ['ITEM.ERROR'] })).toBe(
      'Allowed',
    );
    expect(
      await call(TWO_TYPES, 'events:PutRule', { ...plaid, 'events:detail-type': ['ITEM.LOGIN_REPAIRED'] }),
    ).toBe('ImplicitlyDenied');
    expect(await call(TWO_TYPES, 'events:PutRule', plaid)).toBe('ImplicitlyDenied');
    expect(
      await call(PLAID_ONLY, 'events:PutRule', { ...plaid, 'events:detail-type': ['ITEM.LOGIN_REPAIRED'] }),
    ).toBe('Allowed');
  });

  it('changes only the rules it created itself', async () => {
    const source = { 'events:source': ['webhooks.plaid'] };
    expect(await call(PLAID_ONLY, 'events:PutRule', { ...source, 'events:creatorAccount': PLAID_ONLY })).toBe(
      'Allowed',
    );
    expect(await call(PLAID_ONLY, 'events:PutRule', { ...source, 'events:creatorAccount': EVERYTHING })).toBe(
      'ImplicitlyDenied',
    );
    for (const action of ['events:DeleteRule', 'events:DisableRule', 'events:ListTargetsByRule']) {
      expect(await call(PLAID_ONLY, action, { 'events:creatorAccount': PLAID_ONLY }), action).toBe('Allowed');
      expect(await call(PLAID_ONLY, action, { 'events:creatorAccount': '123456789012' }), action).toBe(
        'ImplicitlyDenied',
      );
    }
  });

  it('targets only event buses of its own account in this region', async () => {
    const own = { 'events:creatorAccount': PLAID_ONLY };
    expect(
      await call(PLAID_ONLY, 'events:PutTargets', { ...own, 'events:TargetArn': [bus(PLAID_ONLY)] }),
    ).toBe('Allowed');
    for (const targets of [
      [bus(EVERYTHING)],
      [bus(PLAID_ONLY, 'us-east-1')],
      [`arn:aws:sqs:eu-west-1:${PLAID_ONLY}:their-queue`],
      [`arn:aws:lambda:eu-west-1:${PLAID_ONLY}:function:their-function`],
      [bus(PLAID_ONLY), bus(EVERYTHING)],
    ]) {
      expect(
        await call(PLAID_ONLY, 'events:PutTargets', { ...own, 'events:TargetArn': targets }),
        targets.join(),
      ).toBe('ImplicitlyDenied');
    }
  });

  it('gives an account it does not list nothing, and nothing on another bus’s rules', async () => {
    expect(await call(STRANGER, 'events:PutRule', { 'events:source': ['webhooks.plaid'] })).toBe(
      'ImplicitlyDenied',
    );
    expect(await call(STRANGER, 'events:DescribeRule')).toBe('ImplicitlyDenied');
    expect(
      await call(
        EVERYTHING,
        'events:PutRule',
        { 'events:source': ['webhooks.plaid'] },
        'arn:aws:events:eu-west-1:123456789012:rule/another-bus/their-rule',
      ),
    ).toBe('ImplicitlyDenied');
  });
});

describe('schema registries', () => {
  const readers = (registry: string) => {
    const policy = resources.find(
      (r) =>
        r.Type === 'AWS::EventSchemas::RegistryPolicy' &&
        resolved.resolve(r.Properties.RegistryName) === `webhooks-${registry}`,
    );
    return [resolved.resolve(policy?.Properties.Policy.Statement[0].Principal.AWS)].flat().sort();
  };

  it('are read by the accounts given their source only', () => {
    const root = (a: string) => `arn:aws:iam::${a}:root`;
    expect(readers('argyle')).toEqual([root(EVERYTHING)]);
    for (const registry of ['plaid-1', 'plaid-2']) {
      expect(readers(registry)).toEqual([EVERYTHING, PLAID_ONLY, TWO_TYPES].map(root));
    }
    expect(pipeline.schemaRegistryNames).toHaveLength(3);
  });
});

describe('consumers that cannot be', () => {
  it('refuses each with a message naming the prop and the account', () => {
    expect(
      pipelineProblems({
        production: false,
        consumers: [
          '12345',
          EVERYTHING,
          EVERYTHING,
          { account: PLAID_ONLY, sources: [] },
          { account: TWO_TYPES, sources: ['webhooks.argyle'], detailTypes: ['ITEM.ERROR'] },
          { account: STRANGER, detailTypes: [] },
        ],
      }),
    ).toEqual([
      'consumers: "12345" is not a 12-digit account id',
      `consumers: account ${EVERYTHING} is listed twice (give each account once, with all it needs)`,
      `consumers: account ${PLAID_ONLY} sources must be some of webhooks.plaid, webhooks.argyle, got []`,
      `consumers: account ${TWO_TYPES} detailTypes ITEM.ERROR belong to webhooks.plaid, which is not among its sources (webhooks.argyle)`,
      `consumers: account ${STRANGER} detailTypes is empty (leave it out for every detail-type of its sources)`,
    ]);
  });

  it('refuses more than 100 accounts, and a policy over the bus’s 10,240 characters', () => {
    const accounts = (n: number, first = 100_000_000_000) =>
      Array.from({ length: n }, (_, i) => String(first + i));
    expect(pipelineProblems({ production: false, consumers: accounts(101) })[0]).toBe(
      'consumers: at most 100 accounts, got 101',
    );
    // 40 accounts, each with detail-types of its own: 40 statements.
    const scoped = accounts(40).map((account, i) => ({
      account,
      sources: ['webhooks.plaid' as const],
      detailTypes: [`CUSTOM.TYPE_${i}`],
    }));
    expect(pipelineProblems({ production: false, consumers: scoped })).toEqual([
      expect.stringMatching(
        /^consumers: the bus policy would be \d+ characters, over EventBridge's 10240: each distinct set of sources/,
      ),
    ]);
  });

  it('keeps consumerAccountIds as the deprecated form of bare accounts, but not with consumers', () => {
    const old = synthPipeline({ production: false, name: 'webhooks', consumerAccountIds: [EVERYTHING] });
    const current = synthPipeline({ production: false, name: 'webhooks', consumers: [EVERYTHING] });
    const policies = (t: typeof template) => t.findResources('AWS::Events::EventBusPolicy');
    expect(policies(old.template)).toEqual(policies(current.template));
    expect(
      pipelineProblems({ production: false, consumers: [EVERYTHING], consumerAccountIds: [PLAID_ONLY] }),
    ).toEqual(['consumers and consumerAccountIds: set one (consumerAccountIds is the deprecated form)']);
  });
});
