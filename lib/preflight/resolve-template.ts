/**
 * Resolves a synthesized CloudFormation template into the concrete values a deployment would
 * produce, offline: physical names as CloudFormation generates them (`<stack>-<logicalId>-<suffix>`,
 * cut to the resource's name limit), ARNs, queue URLs and pseudo parameters. The quota preflight
 * measures sizes on the result (environment variables, policies) and the IAM simulation reads the
 * role policies and the functions' resource ARNs from it. Hand-written: no library resolves
 * CloudFormation intrinsics offline, and the template uses only a handful.
 */

/** Untyped CloudFormation JSON. */
// biome-ignore lint/suspicious/noExplicitAny: templates have no static type
export type Json = any;

/** Where the resolved stack lives. */
export interface DeploymentTarget {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
}

/** The default target: a long region name, so measured lengths are the worst case. */
export const PREFLIGHT_TARGET: Omit<DeploymentTarget, 'stackName'> = {
  account: '123456789012',
  region: 'ap-southeast-5',
};

/** The random suffix CloudFormation appends to generated names (12–13 characters). */
const SUFFIX = 'A1B2C3D4E5F6G';

/** Generated name limits by resource type (longest name CloudFormation generates for it). */
const NAME_LIMITS: Readonly<Record<string, number>> = {
  'AWS::Lambda::Function': 64,
  'AWS::IAM::Role': 64,
  'AWS::IAM::Policy': 128,
  'AWS::SQS::Queue': 80,
  'AWS::Events::Rule': 64,
  'AWS::Events::Archive': 48,
  'AWS::SNS::Topic': 256,
  'AWS::DynamoDB::Table': 255,
  'AWS::Logs::LogGroup': 512,
  'AWS::EventSchemas::Registry': 64,
  'AWS::SecretsManager::Secret': 256,
};

/** The name CloudFormation gives a resource without an explicit name. */
const generatedName = (target: DeploymentTarget, logicalId: string, type: string): string => {
  const limit = NAME_LIMITS[type] ?? 128;
  const name = `${target.stackName}-${logicalId}-${SUFFIX}`;
  if (name.length <= limit) return name;
  // CloudFormation shortens the stack name and logical id parts and keeps the suffix.
  const room = limit - SUFFIX.length - 2;
  const stackPart = target.stackName.slice(0, Math.ceil(room / 2));
  return `${stackPart}-${logicalId.slice(0, room - stackPart.length)}-${SUFFIX}`;
};

/** An explicit name property per type, when the template sets one. */
const NAME_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::EventSchemas::Registry': 'RegistryName',
  'AWS::EventSchemas::Schema': 'SchemaName',
  'AWS::SecretsManager::Secret': 'Name',
};

/** A resolved template: the same JSON with every intrinsic replaced by its value. */
export interface ResolvedTemplate {
  readonly template: Json;
  /** Resolves any fragment of the original template. */
  resolve(fragment: Json): Json;
  /** The physical name (Ref of a named resource) of a logical id. */
  physicalName(logicalId: string): string;
  /** `Fn::GetAtt [logicalId, 'Arn']`. */
  arnOf(logicalId: string): string;
  /** The name the template sets for a resource, resolved; undefined when CloudFormation generates it. */
  explicitName(logicalId: string): string | undefined;
}

/** Resolves `template` as deployed to `target`. */
export const resolveTemplate = (template: Json, target: DeploymentTarget): ResolvedTemplate => {
  const { account, region } = target;
  const resources: Record<string, Json> = template.Resources ?? {};
  const names = new Map<string, string>();

  const physicalName = (id: string): string => {
    const known = names.get(id);
    if (known !== undefined) return known;
    const resource = resources[id];
    if (!resource) throw new Error(`no resource ${id} in the template`);
    const property = NAME_PROPERTY[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    // Set before resolving: an explicit name never refers back to its own resource.
    names.set(id, generatedName(target, id, resource.Type));
    const name =
      explicit === undefined ? generatedName(target, id, resource.Type) : String(resolve(explicit));
    names.set(id, name);
    return name;
  };

  const arnOf = (id: string): string => {
    const resource = resources[id];
    const name = physicalName(id);
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${region}:${account}:event-bus/${name}`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${region}:${account}:rule/${name}`;
      case 'AWS::Events::Archive':
        return `arn:aws:events:${region}:${account}:archive/${name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${name}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${name}`;
      case 'AWS::EventSchemas::Registry':
        return `arn:aws:schemas:${region}:${account}:registry/${name}`;
      default:
        return `arn:aws:cloudformation:${region}:${account}:resource/${id}`;
    }
  };

  const ref = (id: string): string => {
    switch (id) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return target.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${region}:${account}:stack/${target.stackName}/00000000-0000-0000-0000-000000000000`;
    }
    const parameter = template.Parameters?.[id];
    if (parameter) return String(parameter.Default ?? '');
    const resource = resources[id];
    switch (resource?.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${physicalName(id)}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return arnOf(id);
      case 'AWS::ApiGatewayV2::Api':
        return 'a1b2c3d4e5';
      default:
        return physicalName(id);
    }
  };

  const getAtt = (id: string, attribute: string): string => {
    const type = resources[id]?.Type;
    if (attribute === 'Arn' || attribute.endsWith('Arn')) {
      if (type === 'AWS::SNS::Topic' || type === 'AWS::SecretsManager::Secret') return ref(id);
      return arnOf(id);
    }
    if (attribute === 'QueueUrl') return ref(id);
    if (attribute === 'ApiEndpoint') return `https://${ref(id)}.execute-api.${region}.amazonaws.com`;
    if (attribute === 'RegionalDomainName') return `d-a1b2c3d4e5.execute-api.${region}.amazonaws.com`;
    if (attribute === 'RegionalHostedZoneId') return 'Z1UJRXOUMOOFQ8';
    return physicalName(id);
  };

  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = value[key];
      switch (key) {
        case 'Ref':
          return arg === 'AWS::NoValue' ? NO_VALUE : ref(arg);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
          return getAtt(id, attribute);
        }
        case 'Fn::Join':
          return (resolve(arg[1]) as unknown[]).join(arg[0]);
        case 'Fn::Select':
          return (resolve(arg[1]) as unknown[])[Number(resolve(arg[0]))];
        case 'Fn::Split':
          return String(resolve(arg[1])).split(arg[0]);
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
            if (vars[name] !== undefined) return String(resolve(vars[name]));
            const [id, attribute] = name.split(/\.(.*)/);
            return attribute ? getAtt(id as string, attribute) : ref(id as string);
          });
        }
      }
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = resolve(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  };

  const explicitName = (id: string): string | undefined => {
    const resource = resources[id];
    const property = resource ? NAME_PROPERTY[resource.Type] : undefined;
    return property && resource.Properties?.[property] !== undefined ? physicalName(id) : undefined;
  };

  return {
    template: { ...template, Resources: resolve(resources), Outputs: resolve(template.Outputs ?? {}) },
    resolve,
    physicalName,
    arnOf,
    explicitName,
  };
};

const NO_VALUE = Symbol('AWS::NoValue');
