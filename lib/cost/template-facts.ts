import type { Json } from '../preflight/resolve-template.js';
import type { UnpricedResource } from './errors.js';

/**
 * What the cost model needs from a synthesized template, read by resource type and properties
 * (never by construct id): the functions and what invokes them, the API stage and its access log,
 * the queue a function consumes, the table, the archive, log groups, alarms, secrets and keys.
 * Whatever the model cannot price is collected as {@link UnpricedResource}s.
 */

/** One resource of the template. */
export interface TemplateResource {
  readonly id: string;
  readonly type: string;
  readonly properties: Json;
}

/** The logical ids a fragment refers to with `Ref` or `Fn::GetAtt`. */
export const referencedIds = (fragment: Json, found = new Set<string>()): Set<string> => {
  if (Array.isArray(fragment)) {
    for (const item of fragment) referencedIds(item, found);
  } else if (fragment !== null && typeof fragment === 'object') {
    for (const [key, value] of Object.entries(fragment)) {
      if (key === 'Ref' && typeof value === 'string') found.add(value);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(value) ? value[0] : String(value).split('.')[0];
        if (typeof target === 'string') found.add(target);
      } else referencedIds(value, found);
    }
  }
  return found;
};

/** Literal strings of a fragment that look like ARNs of `service` (imported resources). */
const literalArns = (fragment: Json, service: string): string[] =>
  [fragment]
    .flat()
    .filter((v): v is string => typeof v === 'string' && v.startsWith('arn:') && v.split(':')[2] === service);

/** How a function is invoked. */
export type Trigger =
  | { readonly kind: 'api'; readonly integrationIds: readonly string[] }
  | {
      readonly kind: 'queue';
      readonly mappingId: string;
      readonly queueId: string;
      readonly batchSize: number;
      readonly batchingWindowSeconds: number;
    };

/** A Lambda function as the model prices it. */
export interface FunctionFacts {
  readonly id: string;
  /** `POWERTOOLS_SERVICE_NAME`: the key of its measured profile. */
  readonly service: string | undefined;
  readonly memoryMb: number;
  readonly architecture: string;
  readonly tracing: boolean;
  /** `LoggingConfig.SystemLogLevel`: WARN and ERROR drop Lambda's START, END and REPORT lines. */
  readonly systemLogLevel: string | undefined;
  /** `LOG_SAMPLE_RATE` (1 when unset: every request line). */
  readonly logSampleRate: number;
  readonly environment: Readonly<Record<string, Json>>;
  /** Its log group in the template, or undefined for Lambda's own (`/aws/lambda/<name>`, never expiring). */
  readonly logGroupId: string | undefined;
  readonly trigger: Trigger | undefined;
  /** Secrets it may read: created in the template, and imported by ARN. */
  readonly secrets: { readonly created: readonly string[]; readonly imported: readonly string[] };
  /** Customer managed keys it may decrypt with: in the template, and imported by ARN. */
  readonly keys: { readonly created: readonly string[]; readonly imported: readonly string[] };
}

/** The HTTP API stage's access log. */
export interface AccessLogFacts {
  readonly stageId: string;
  readonly logGroupId: string | undefined;
  readonly format: string;
}

/** Everything the model reads from a template. */
export interface TemplateFacts {
  readonly resources: readonly TemplateResource[];
  readonly functions: readonly FunctionFacts[];
  readonly accessLogs: readonly AccessLogFacts[];
  /** Routes of HTTP APIs with detailed (per-route) metrics, by stage. */
  readonly detailedMetricRoutes: number;
  /** Properties of known types that the model does not price. */
  readonly unpricedProperties: readonly UnpricedResource[];
}

const ofType = (resources: readonly TemplateResource[], type: string) =>
  resources.filter((r) => r.type === type);

/** Every statement of the IAM policies attached to a role (inline in the role or separate). */
const statementsOfRole = (resources: readonly TemplateResource[], roleId: string): Json[] => {
  const role = resources.find((r) => r.id === roleId);
  const documents: Json[] = [
    ...((role?.properties.Policies ?? []) as Json[]).map((p) => p.PolicyDocument),
    ...ofType(resources, 'AWS::IAM::Policy')
      .filter((p) => referencedIds(p.properties.Roles ?? []).has(roleId))
      .map((p) => p.properties.PolicyDocument),
  ];
  return documents.flatMap((d) => [d?.Statement ?? []].flat());
};

const allows = (statement: Json, action: string): boolean =>
  statement.Effect === 'Allow' && [statement.Action].flat().includes(action);

/** Reads the facts of a synthesized template. */
export const readTemplateFacts = (template: Json): TemplateFacts => {
  const resources: TemplateResource[] = Object.entries(template?.Resources ?? {}).map(([id, r]) => ({
    id,
    type: String((r as Json).Type),
    properties: (r as Json).Properties ?? {},
  }));
  const unpricedProperties: UnpricedResource[] = [];
  const unpriced = (r: TemplateResource, reason: string) =>
    unpricedProperties.push({ logicalId: r.id, type: r.type, reason });

  const integrations = ofType(resources, 'AWS::ApiGatewayV2::Integration');
  const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping');
  for (const api of ofType(resources, 'AWS::ApiGatewayV2::Api')) {
    if (api.properties.ProtocolType !== 'HTTP') unpriced(api, `a ${api.properties.ProtocolType} API`);
  }
  for (const mapping of mappings) {
    if (mapping.properties.ProvisionedPollerConfig) unpriced(mapping, 'provisioned pollers');
  }
  for (const queue of ofType(resources, 'AWS::SQS::Queue')) {
    if (queue.properties.KmsMasterKeyId) unpriced(queue, 'encrypted with a KMS key (data key requests)');
    if (queue.properties.FifoQueue) unpriced(queue, 'a FIFO queue');
  }
  for (const table of ofType(resources, 'AWS::DynamoDB::Table')) {
    if (table.properties.BillingMode !== 'PAY_PER_REQUEST') unpriced(table, 'provisioned capacity');
    if ((table.properties.TableClass ?? 'STANDARD') !== 'STANDARD')
      unpriced(table, `table class ${table.properties.TableClass}`);
    if (table.properties.StreamSpecification) unpriced(table, 'a stream');
    if (table.properties.Replicas) unpriced(table, 'replicas');
  }
  for (const group of ofType(resources, 'AWS::Logs::LogGroup')) {
    if ((group.properties.LogGroupClass ?? 'STANDARD') !== 'STANDARD')
      unpriced(group, `log class ${group.properties.LogGroupClass}`);
  }
  for (const bus of ofType(resources, 'AWS::Events::EventBus')) {
    if (bus.properties.KmsKeyIdentifier) unpriced(bus, 'a customer managed key');
  }

  const functions: FunctionFacts[] = ofType(resources, 'AWS::Lambda::Function').map((fn) => {
    const p = fn.properties;
    const environment: Record<string, Json> = p.Environment?.Variables ?? {};
    const api = integrations.filter((i) => referencedIds(i.properties.IntegrationUri).has(fn.id));
    const mapping = mappings.find((m) => referencedIds(m.properties.FunctionName).has(fn.id));
    let trigger: Trigger | undefined;
    if (api.length > 0) trigger = { kind: 'api', integrationIds: api.map((i) => i.id) };
    else if (mapping) {
      const [queueId] = [...referencedIds(mapping.properties.EventSourceArn)];
      const queue = resources.find((r) => r.id === queueId && r.type === 'AWS::SQS::Queue');
      if (queue) {
        trigger = {
          kind: 'queue',
          mappingId: mapping.id,
          queueId: queue.id,
          batchSize: Number(mapping.properties.BatchSize ?? 10),
          batchingWindowSeconds: Number(mapping.properties.MaximumBatchingWindowInSeconds ?? 0),
        };
      } else unpriced(fn, 'invoked by an event source that is not a queue of the template');
    }
    if (!trigger && !mapping)
      unpriced(fn, 'invoked by nothing the model knows (not an API route, not a queue)');
    const [roleId] = [...referencedIds(p.Role)];
    const statements = roleId ? statementsOfRole(resources, roleId) : [];
    const resourcesOf = (action: string) =>
      statements.filter((s) => allows(s, action)).map((s) => s.Resource);
    const secretRefs = resourcesOf('secretsmanager:GetSecretValue');
    const keyRefs = resourcesOf('kms:Decrypt');
    const idsOf = (fragment: Json, type: string) =>
      [...referencedIds(fragment)].filter((id) => resources.some((r) => r.id === id && r.type === type));
    const [logGroupId] = [...referencedIds(p.LoggingConfig?.LogGroup ?? [])];
    const rate = Number(environment.LOG_SAMPLE_RATE ?? 1);
    return {
      id: fn.id,
      service:
        typeof environment.POWERTOOLS_SERVICE_NAME === 'string'
          ? environment.POWERTOOLS_SERVICE_NAME
          : undefined,
      memoryMb: Number(p.MemorySize ?? 128),
      architecture: String(p.Architectures?.[0] ?? 'x86_64'),
      tracing: p.TracingConfig?.Mode === 'Active',
      systemLogLevel: p.LoggingConfig?.SystemLogLevel,
      logSampleRate: Number.isFinite(rate) ? Math.min(1, Math.max(0, rate)) : 1,
      environment,
      logGroupId,
      trigger,
      secrets: {
        created: [...new Set(idsOf(secretRefs, 'AWS::SecretsManager::Secret'))],
        imported: [...new Set(secretRefs.flatMap((f) => literalArns(f, 'secretsmanager')))],
      },
      keys: {
        created: [...new Set(idsOf(keyRefs, 'AWS::KMS::Key'))],
        imported: [...new Set(keyRefs.flatMap((f) => literalArns(f, 'kms')))],
      },
    };
  });

  const accessLogs: AccessLogFacts[] = [];
  let detailedMetricRoutes = 0;
  for (const stage of ofType(resources, 'AWS::ApiGatewayV2::Stage')) {
    const settings = stage.properties.AccessLogSettings;
    if (settings?.Format) {
      const [logGroupId] = [...referencedIds(settings.DestinationArn ?? [])];
      accessLogs.push({ stageId: stage.id, logGroupId, format: String(settings.Format) });
    }
    if (stage.properties.DefaultRouteSettings?.DetailedMetricsEnabled === true) {
      const apis = referencedIds(stage.properties.ApiId);
      detailedMetricRoutes += ofType(resources, 'AWS::ApiGatewayV2::Route').filter((r) =>
        [...referencedIds(r.properties.ApiId)].some((id) => apis.has(id)),
      ).length;
    }
  }
  return { resources, functions, accessLogs, detailedMetricRoutes, unpricedProperties };
};
