import type { Template } from 'aws-cdk-lib/assertions';

/** A template fragment: untyped CloudFormation JSON, read by path in the tests. */
// biome-ignore lint/suspicious/noExplicitAny: synthesized templates have no static type
export type Json = any;

/** A resource of a synthesized template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, Json>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The one resource of a type with its logical id; fails when there are none or several. */
export const single = (
  template: Template,
  type: string,
  props: Record<string, unknown> = {},
): [string, CfnResource] => {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, CfnResource];
};

/** The function whose `POWERTOOLS_SERVICE_NAME` is `service`. */
export const functionOf = (template: Template, service: string): [string, CfnResource] =>
  single(template, 'AWS::Lambda::Function', {
    Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } },
  });

/** The environment variables of a function, as written in the template (tokens unresolved). */
export const environmentOf = (template: Template, service: string): Record<string, unknown> =>
  functionOf(template, service)[1].Properties.Environment.Variables;

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Names for the resources IAM statements point at, so permissions read as
 * `dynamodb:PutItem on table` rather than as CloudFormation intrinsics.
 */
const resourceNames = (template: Template, services: readonly string[]): Map<string, string> => {
  const names = new Map<string, string>();
  names.set(single(template, 'AWS::DynamoDB::Table')[0], 'table');
  for (const [id, queue] of Object.entries(template.findResources('AWS::SQS::Queue'))) {
    names.set(id, queue.Properties?.RedrivePolicy ? 'queue' : 'dlq');
  }
  names.set(single(template, 'AWS::Events::EventBus')[0], 'bus');
  for (const [id, secret] of Object.entries(template.findResources('AWS::SecretsManager::Secret'))) {
    names.set(id, String(secret.Properties.Description).startsWith('Plaid') ? 'plaidSecret' : 'argyleSecret');
  }
  for (const service of services) {
    const logGroup = functionOf(template, service)[1].Properties.LoggingConfig.LogGroup.Ref;
    names.set(logGroup, `${service} logs`);
  }
  return names;
};

const describe = (resource: unknown, names: Map<string, string>): string => {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, Json>;
  if (r.Ref) return names.get(r.Ref) ?? `Ref ${r.Ref}`;
  if (r['Fn::GetAtt']?.[1] === 'Arn') return names.get(r['Fn::GetAtt'][0]) ?? `Arn ${r['Fn::GetAtt'][0]}`;
  if (r['Fn::Join']?.[0] === '')
    return (r['Fn::Join'][1] as unknown[]).map((p) => describe(p, names)).join('');
  return JSON.stringify(resource);
};

/** Every IAM policy statement of the template, with the role ids it is attached to. */
export const policyStatements = (
  template: Template,
): { roles: string[]; statement: Record<string, Json> }[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Record<string, Json>[]).map((statement) => ({
      roles: (policy.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      statement,
    })),
  );

/**
 * What a function may do, one `"<action> on <resource>"` line per pair, sorted. Statements merged
 * or split by CDK give the same list.
 */
export const permissionsOf = (template: Template, service: string, services: readonly string[]): string[] => {
  const names = resourceNames(template, services);
  const role = functionOf(template, service)[1].Properties.Role['Fn::GetAtt'][0];
  const lines = policyStatements(template)
    .filter(({ roles }) => roles.includes(role))
    .flatMap(({ statement }) => {
      if (statement.Effect !== 'Allow' || statement.Condition) {
        throw new Error(`unexpected statement ${JSON.stringify(statement)}`);
      }
      return asArray<string>(statement.Action).flatMap((action) =>
        asArray<unknown>(statement.Resource).map((resource) => `${action} on ${describe(resource, names)}`),
      );
    });
  return [...new Set(lines)].sort();
};
