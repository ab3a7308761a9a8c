import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { DeclaredGrant } from '../../../lib/iam/declared-grants.js';
import {
  type DeploymentTarget,
  type Json,
  resolveTemplate,
} from '../../../lib/preflight/resolve-template.js';
import type { RecordedResource } from '../../../local/call-recorder.js';

/** The account and region the stack is deployed to. */
export type Account = Pick<DeploymentTarget, 'account' | 'region'>;

/** One action of a function in reports/iam-calls.json. */
export interface RecordedAction {
  readonly action: string;
  readonly resource: RecordedResource;
  readonly calls: number;
}

/** reports/iam-calls.json. */
export interface CallRecording {
  readonly recordedBy: string;
  readonly tests: readonly string[];
  readonly sources: string;
  readonly functions: Readonly<Record<string, { calls: number; actions: readonly RecordedAction[] }>>;
}

export const readRecording = (path: string): CallRecording => JSON.parse(readFileSync(path, 'utf8'));

/** A function of the resolved template: its role's policy documents and its environment. */
export interface DeployedFunction {
  readonly service: string;
  readonly roleArn: string;
  readonly policies: { name: string; policy: Json }[];
  readonly environment: Readonly<Record<string, string>>;
}

/** The policies of a role of the template, resolved as deployed: inline and attached. */
export const rolePolicies = (
  template: Json,
  roleId: string,
  target: DeploymentTarget,
): { name: string; policy: Json }[] => {
  const resolved = resolveTemplate(template, target);
  const resources = template.Resources as Record<string, Json>;
  const inline = (resources[roleId]?.Properties.Policies ?? []).map((p: Json) => ({
    name: p.PolicyName,
    policy: resolved.resolve(p.PolicyDocument),
  }));
  const attached = Object.entries(resources)
    .filter(([, p]) => p.Type === 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
    .map(([policyId, p]) => ({ name: policyId, policy: resolved.resolve(p.Properties.PolicyDocument) }));
  return [...inline, ...attached];
};

/** Every function of a template as deployed to `target`, in template order (several may share a service). */
export const deployedFunctionList = (template: Json, target: DeploymentTarget): DeployedFunction[] => {
  const resolved = resolveTemplate(template, target);
  const resources = template.Resources as Record<string, Json>;
  const functions: DeployedFunction[] = [];
  for (const fn of Object.values(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const environment = resolved.resolve(fn.Properties.Environment?.Variables ?? {}) as Record<
      string,
      string
    >;
    const service = environment.POWERTOOLS_SERVICE_NAME;
    if (!service) continue;
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    functions.push({
      service,
      roleArn: resolved.arnOf(roleId),
      policies: rolePolicies(template, roleId, target),
      environment: { ...environment, ROLE_NAME: resolved.physicalName(roleId) },
    });
  }
  return functions;
};

/** Every function of a template, keyed by `POWERTOOLS_SERVICE_NAME`, as deployed to `target`. */
export const deployedFunctions = (template: Json, target: DeploymentTarget): Map<string, DeployedFunction> =>
  new Map(deployedFunctionList(template, target).map((fn) => [fn.service, fn]));

/**
 * The ARN the deployed function's call names: built from the function's own environment variable
 * (table name, queue URL, bus name, secret ARN), as the stack sets it.
 */
export const arnOf = (resource: RecordedResource, fn: DeployedFunction, target: Account): string => {
  const value = resource.env ? fn.environment[resource.env] : undefined;
  if (value === undefined) {
    throw new Error(
      `${fn.service}: a call names ${JSON.stringify(resource)}, which is no variable of the function`,
    );
  }
  const { region, account } = target;
  switch (resource.kind) {
    case 'dynamodb-table':
      return `arn:aws:dynamodb:${region}:${account}:table/${value}${resource.index ? `/index/${resource.index}` : ''}`;
    case 'sqs-queue':
      return `arn:aws:sqs:${region}:${account}:${value.split('/').pop()}`;
    case 'event-bus':
      return `arn:aws:events:${region}:${account}:event-bus/${value}`;
    case 'secret':
      return value;
    default:
      throw new Error(`${fn.service}: a call names an unknown resource ${JSON.stringify(resource)}`);
  }
};

/** A call to evaluate: an action on an ARN, with the request context IAM would see. */
export interface SimulatedCall {
  readonly action: string;
  readonly arn: string;
  readonly context?: Readonly<Record<string, string>>;
  /** The resource's own policy, when the service checks one (a KMS key policy). */
  readonly resourcePolicy?: Json;
  /** Why the call happens, for messages (`recorded`, or the call it derives from). */
  readonly origin: string;
}

/** Evaluates one call against identity policies with iam-simulate: `Allowed`, or why not. */
export const decide = async (
  call: SimulatedCall,
  policies: readonly { name: string; policy: Json }[],
  principal: string,
  account: string,
): Promise<string> => {
  const response = await runSimulation(
    {
      request: {
        principal,
        action: call.action,
        resource: { resource: call.arn, accountId: account },
        contextVariables: { ...(call.context ?? {}) },
      },
      identityPolicies: policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(call.resourcePolicy ? { resourcePolicy: call.resourcePolicy } : {}),
    },
    {},
  );
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.overallResult;
};

/**
 * The default key policy of a KMS key: it lets the account's IAM policies grant the key, without
 * which no identity policy can (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export const defaultKeyPolicy = (account: string): Json => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

/** The session principal of a Lambda function's role. */
export const sessionOf = (fn: DeployedFunction, account: string): string =>
  `arn:aws:sts::${account}:assumed-role/${fn.environment.ROLE_NAME}/${fn.service}`;

/** Each (statement, action, resource) a role grants. */
export const grantsOf = (fn: DeployedFunction): { action: string; resource: string; statement: Json }[] =>
  fn.policies.flatMap(({ policy }) =>
    (policy.Statement as Json[]).flatMap((statement) =>
      [statement.Action]
        .flat()
        .flatMap((action: string) =>
          [statement.Resource].flat().map((resource: string) => ({ action, resource, statement })),
        ),
    ),
  );

/**
 * Granted (action, resource) pairs of `policies` that no call uses and `explained` does not list. A
 * grant is used when a call with its action is allowed by that statement alone.
 */
export const unusedGrantsOf = async (
  policies: readonly { name: string; policy: Json }[],
  principal: string,
  calls: readonly SimulatedCall[],
  explained: readonly string[],
  account: string,
): Promise<string[]> => {
  const unused: string[] = [];
  for (const grant of grantsOf({ policies } as DeployedFunction)) {
    if (explained.includes(grant.action)) continue;
    const single = [
      {
        name: 'one-grant',
        policy: {
          Version: '2012-10-17',
          Statement: [{ ...grant.statement, Action: grant.action, Resource: grant.resource }],
        },
      },
    ];
    let used = false;
    for (const call of calls.filter((c) => c.action === grant.action)) {
      if ((await decide(call, single, principal, account)) === 'Allowed') {
        used = true;
        break;
      }
    }
    if (!used) unused.push(`${grant.action} on ${grant.resource}`);
  }
  return unused;
};

/**
 * Granted (action, resource) pairs of a function's role that no call uses and no declared grant
 * explains.
 */
export const unusedGrants = async (
  fn: DeployedFunction,
  calls: readonly SimulatedCall[],
  declared: readonly DeclaredGrant[],
  target: Account,
): Promise<string[]> =>
  unusedGrantsOf(
    fn.policies,
    sessionOf(fn, target.account),
    calls,
    declared.filter((d) => d.functions === '*' || d.functions.includes(fn.service)).flatMap((d) => d.actions),
    target.account,
  );
