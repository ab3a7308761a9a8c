import { DETAIL_TYPES, EVENT_SOURCES } from '@webhook-pipeline/events';
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { AWS_LIMITS } from '../preflight/aws-limits.js';
import { ACCOUNT_ID, MAX_CONSUMER_ACCOUNTS } from '../value-patterns.js';
import type { ConsumerAccess, WebhookEventSource } from '../webhook-pipeline-props.js';

/** What one consumer account may do on the bus, with the defaults applied. */
export interface ConsumerGrant {
  readonly account: string;
  /** The sources its rules may match (at least one). */
  readonly sources: readonly WebhookEventSource[];
  /** The detail-types its rules may match; undefined: every detail-type of its sources. */
  readonly detailTypes?: readonly string[];
}

/** Every event source the pipeline publishes. */
export const ALL_SOURCES = Object.values(EVENT_SOURCES) as readonly WebhookEventSource[];

/** The longest detail-type EventBridge takes. */
const MAX_DETAIL_TYPE = 128;

/**
 * The consumers of the `consumers` prop (and the deprecated `consumerAccountIds`) as grants: a bare
 * account id is every source. Problems (a malformed account, an unknown source, an account twice,
 * a catalogue detail-type of a source the account is not given…) are pushed to `problems`, naming
 * the prop.
 */
export const normalizeConsumers = (
  consumers: readonly (string | ConsumerAccess)[] | undefined,
  consumerAccountIds: readonly string[] | undefined,
  problems: string[],
): ConsumerGrant[] => {
  if (consumers !== undefined && consumerAccountIds !== undefined) {
    problems.push('consumers and consumerAccountIds: set one (consumerAccountIds is the deprecated form)');
    return [];
  }
  const prop = consumerAccountIds !== undefined ? 'consumerAccountIds' : 'consumers';
  const given = consumers ?? consumerAccountIds ?? [];
  if (given.length > MAX_CONSUMER_ACCOUNTS) {
    problems.push(`${prop}: at most ${MAX_CONSUMER_ACCOUNTS} accounts, got ${given.length}`);
  }
  const sourceOf = new Map(DETAIL_TYPES.map((d) => [d.detailType as string, d.source as string]));
  const seen = new Set<string>();
  const grants: ConsumerGrant[] = [];
  for (const entry of given) {
    const access: ConsumerAccess = typeof entry === 'string' ? { account: entry } : entry;
    const { account } = access;
    if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) {
      problems.push(`${prop}: "${String(account)}" is not a 12-digit account id`);
      continue;
    }
    if (seen.has(account)) {
      problems.push(
        `${prop}: account ${account} is listed twice (give each account once, with all it needs)`,
      );
      continue;
    }
    seen.add(account);
    const sources = [...new Set(access.sources ?? ALL_SOURCES)];
    const unknown = sources.filter((s) => !ALL_SOURCES.includes(s));
    if (sources.length === 0 || unknown.length > 0) {
      problems.push(
        `${prop}: account ${account} sources must be some of ${ALL_SOURCES.join(', ')}, got ${JSON.stringify(access.sources)}`,
      );
      continue;
    }
    let detailTypes: string[] | undefined;
    if (access.detailTypes !== undefined) {
      detailTypes = [...new Set(access.detailTypes)];
      if (detailTypes.length === 0) {
        problems.push(
          `${prop}: account ${account} detailTypes is empty (leave it out for every detail-type of its sources)`,
        );
        continue;
      }
      const bad = detailTypes.filter(
        (t) => typeof t !== 'string' || t.length === 0 || t.length > MAX_DETAIL_TYPE,
      );
      if (bad.length > 0) {
        problems.push(
          `${prop}: account ${account} detailTypes must be 1–${MAX_DETAIL_TYPE} characters, got ${JSON.stringify(bad[0])}`,
        );
        continue;
      }
      // A catalogue detail-type of a source the account is not given could never match its rules.
      const elsewhere = detailTypes.filter((t) => {
        const source = sourceOf.get(t);
        return source !== undefined && !sources.includes(source as WebhookEventSource);
      });
      if (elsewhere.length > 0) {
        problems.push(
          `${prop}: account ${account} detailTypes ${elsewhere.join(', ')} belong to ${sourceOf.get(elsewhere[0] as string)}, which is not among its sources (${sources.join(', ')})`,
        );
        continue;
      }
    }
    grants.push({ account, sources, ...(detailTypes ? { detailTypes } : {}) });
  }
  return grants;
};

/** Pushes a problem when the consumers' statements would not fit the bus policy. */
export const checkBusPolicySize = (
  prop: string,
  busName: string,
  grants: readonly ConsumerGrant[],
  problems: string[],
): void => {
  const size = estimateBusPolicyCharacters(busName, grants);
  const max = AWS_LIMITS.busPolicySize.limit;
  if (size > max) {
    problems.push(
      `${prop}: the bus policy would be ${size} characters, over EventBridge's ${max}: each distinct ` +
        'set of sources and detail-types adds a statement, so give accounts that need the same events ' +
        'the same sources and detailTypes (or fewer detail-types)',
    );
  }
};

/** IAM replaces this with the account of the caller: one statement serves every account of a group. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JavaScript template
export const PRINCIPAL_ACCOUNT_VARIABLE = '${aws:PrincipalAccount}';

/** Rule actions a consumer account needs on its own rules, besides creating them and adding targets. */
export const CONSUMER_RULE_MANAGEMENT_ACTIONS = [
  'events:DeleteRule',
  'events:RemoveTargets',
  'events:DescribeRule',
  'events:ListTargetsByRule',
  'events:EnableRule',
  'events:DisableRule',
  'events:ListTagsForResource',
  'events:TagResource',
  'events:UntagResource',
] as const;

/** Consumers with the same sources and detail-types, so that one statement serves them all. */
const groupsOf = (grants: readonly ConsumerGrant[]): ConsumerGrant[][] => {
  const groups = new Map<string, ConsumerGrant[]>();
  for (const grant of grants) {
    const key = JSON.stringify([
      [...grant.sources].sort(),
      grant.detailTypes ? [...grant.detailTypes].sort() : null,
    ]);
    groups.set(key, [...(groups.get(key) ?? []), grant]);
  }
  return [...groups.values()];
};

/** How the statements name things: CDK tokens in the template, literals for the size estimate. */
interface StatementNames {
  /** The ARN pattern of every rule of this bus. */
  readonly rules: string;
  /** The ARN pattern of every event bus of the caller's account in this region. */
  readonly ownBuses: string;
  /** The principal ARN of an account. */
  readonly principal: (account: string) => string;
}

/**
 * The bus policy statements for the consumers, as policy JSON:
 *
 * - per group of accounts with the same access, `PutRule` only with a `source` among the group's
 *   sources (`ForAllValues:StringEquals events:source` and `Null events:source false`, so a pattern
 *   without a source is refused) and, when detail-types are given, a `detail-type` among them (the
 *   same pair of conditions);
 * - for every consumer, the other actions on its rules, with `PutTargets` only to an event bus of the
 *   caller's own account in this region (`ForAllValues:StringLike events:TargetArn`: the key holds
 *   every target of the call, and each must be such a bus). Another account's rule on this bus can only target an event bus anyway (research.md
 *   B2); this keeps it to the consumer's own.
 *
 * Each names the rules of this bus only and carries `StringEqualsIfExists events:creatorAccount =
 * ${aws:PrincipalAccount}`: an account manages only the rules it created. The caller's account is a
 * policy variable rather than statements per account, and the accounts are listed twice only, so
 * 100 accounts fit the bus policy's 10,240 characters (checked at synth by
 * {@link estimateBusPolicyCharacters}, and on every shape by the quota preflight).
 */
const statementDocuments = (
  grants: readonly ConsumerGrant[],
  names: StatementNames,
): Record<string, unknown>[] => {
  if (grants.length === 0) return [];
  const ownRules = { 'events:creatorAccount': PRINCIPAL_ACCOUNT_VARIABLE };
  const principalsOf = (group: readonly ConsumerGrant[]) => {
    const arns = group.map((g) => names.principal(g.account));
    return { AWS: arns.length === 1 ? arns[0] : arns };
  };
  const createRules = groupsOf(grants).map((group, i) => {
    const { sources, detailTypes } = group[0] as ConsumerGrant;
    return {
      Sid: `ConsumersCreateRules${i + 1}`,
      Effect: 'Allow',
      Principal: principalsOf(group),
      Action: 'events:PutRule',
      Resource: names.rules,
      Condition: {
        StringEqualsIfExists: ownRules,
        'ForAllValues:StringEquals': {
          'events:source': [...sources],
          ...(detailTypes ? { 'events:detail-type': [...detailTypes] } : {}),
        },
        Null: { 'events:source': 'false', ...(detailTypes ? { 'events:detail-type': 'false' } : {}) },
      },
    };
  });
  return [
    ...createRules,
    {
      Sid: 'ConsumersManageTheirRules',
      Effect: 'Allow',
      Principal: principalsOf(grants),
      Action: ['events:PutTargets', ...CONSUMER_RULE_MANAGEMENT_ACTIONS],
      Resource: names.rules,
      Condition: {
        StringEqualsIfExists: ownRules,
        // Only PutTargets carries the key (always: a call has at least one target); for the other
        // actions ForAllValues over no value holds, so one statement serves them all. StringLike
        // rather than ArnLike: with the partition, region and account spelled out and one trailing
        // `*` they match the same ARNs, and the IAM simulator that proves this statement splits an
        // ARN pattern at its colons before it substitutes `${aws:PrincipalAccount}` (whose name has one).
        'ForAllValues:StringLike': { 'events:TargetArn': names.ownBuses },
      },
    },
  ];
};

/** The bus policy statements for the consumers (see {@link statementDocuments}). */
export const consumerBusStatements = (
  scope: IConstruct,
  busName: string,
  grants: readonly ConsumerGrant[],
): PolicyStatement[] => {
  const stack = Stack.of(scope);
  const documents = statementDocuments(grants, {
    rules: stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${busName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    ownBuses: `arn:${Aws.PARTITION}:events:${stack.region}:${PRINCIPAL_ACCOUNT_VARIABLE}:event-bus/*`,
    principal: (account) => new AccountPrincipal(account).arn,
  });
  return documents.map((document) => PolicyStatement.fromJson(document));
};

/**
 * The size the consumers' statements give the bus policy, with names at their longest (partition
 * `aws-us-gov`, the longest region name): the synth-time check that the policy fits, before the
 * quota preflight measures the real template.
 */
export const estimateBusPolicyCharacters = (busName: string, grants: readonly ConsumerGrant[]): number => {
  const partition = 'aws-us-gov';
  const region = 'ap-southeast-5';
  const documents = statementDocuments(grants, {
    rules: `arn:${partition}:events:${region}:123456789012:rule/${busName}/*`,
    ownBuses: `arn:${partition}:events:${region}:${PRINCIPAL_ACCOUNT_VARIABLE}:event-bus/*`,
    principal: (account) => `arn:${partition}:iam::${account}:root`,
  });
  return documents.length ? JSON.stringify({ Version: '2012-10-17', Statement: documents }).length : 0;
};

/** The accounts that may read the schemas of a source: those given that source. */
export const schemaReadersOf = (grants: readonly ConsumerGrant[], source: string): string[] =>
  grants.filter((g) => g.sources.includes(source as WebhookEventSource)).map((g) => g.account);
