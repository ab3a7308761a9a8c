import { AWS_LIMITS, type AwsLimitId } from './aws-limits.js';
import { type DeploymentTarget, type Json, resolveTemplate } from './resolve-template.js';

/** One measured use of a limit in a template. */
export interface Measurement {
  readonly limit: AwsLimitId;
  /** What was measured, e.g. a resource's logical id or "stack". */
  readonly subject: string;
  readonly used: number;
}

/** A measurement held against its limit. */
export interface Finding extends Measurement {
  readonly max: number;
  /** used / max. */
  readonly ratio: number;
  readonly level: 'ok' | 'warn' | 'fail';
}

/** Above this share of a limit the preflight warns. */
export const WARN_RATIO = 0.8;

const byType = (template: Json, type: string): [string, Json][] =>
  Object.entries(template.Resources ?? {}).filter(([, r]) => (r as Json).Type === type) as [string, Json][];

/** Policy size as IAM counts it: the JSON without whitespace outside strings. */
const policySize = (document: Json): number => JSON.stringify(document).length;

/**
 * Measures a synthesized template against every measured limit of {@link AWS_LIMITS}. Names, ARNs
 * and URLs are resolved as CloudFormation would generate them for `target`, at their longest.
 */
export const measureTemplate = (template: Json, target: DeploymentTarget): Measurement[] => {
  const resolved = resolveTemplate(template, target);
  const t = resolved.template;
  const m: Measurement[] = [];
  const add = (limit: AwsLimitId, subject: string, used: number) => m.push({ limit, subject, used });
  // Generated names are cut to their limit by CloudFormation: only names the template sets can break one.
  const named = (limit: AwsLimitId, id: string) => {
    const name = resolved.explicitName(id);
    if (name !== undefined) add(limit, id, name.length);
  };

  add('cfnResources', 'stack', Object.keys(template.Resources ?? {}).length);
  add('cfnTemplateSize', 'stack', Buffer.byteLength(JSON.stringify(template, undefined, 1)));
  add('cfnOutputs', 'stack', Object.keys(template.Outputs ?? {}).length);
  add('cfnParameters', 'stack', Object.keys(template.Parameters ?? {}).length);
  add('cfnMappings', 'stack', Object.keys(template.Mappings ?? {}).length);

  const registries = byType(t, 'AWS::EventSchemas::Registry');
  add('schemaRegistries', 'stack', registries.length);
  const schemas = byType(t, 'AWS::EventSchemas::Schema');
  for (const [, registry] of registries) {
    const name = registry.Properties.RegistryName;
    add('schemasPerRegistry', name, schemas.filter(([, s]) => s.Properties.RegistryName === name).length);
  }
  for (const [id, schema] of schemas) {
    add('schemaContent', id, String(schema.Properties.Content).length);
    add('schemaName', id, String(schema.Properties.SchemaName).length);
  }

  const buses = byType(t, 'AWS::Events::EventBus');
  const rules = byType(t, 'AWS::Events::Rule');
  const archives = byType(t, 'AWS::Events::Archive');
  for (const [id, bus] of buses) {
    const name = bus.Properties.Name;
    const busArn = resolved.arnOf(id);
    const onBus = rules.filter(
      ([, r]) => r.Properties.EventBusName === name || r.Properties.EventBusName === busArn,
    );
    add(
      'rulesPerBus',
      name,
      onBus.length + archives.filter(([, a]) => a.Properties.SourceArn === busArn).length,
    );
    add('busName', id, String(name).length);
    const statements = byType(t, 'AWS::Events::EventBusPolicy')
      .filter(([, p]) => p.Properties.EventBusName === name)
      .map(([, p]) => p.Properties.Statement ?? p.Properties.Policy?.Statement);
    if (statements.length) {
      add('busPolicySize', name, policySize({ Version: '2012-10-17', Statement: statements.flat() }));
    }
  }
  for (const [id, rule] of rules) {
    add('targetsPerRule', id, (rule.Properties.Targets ?? []).length);
    named('ruleName', id);
    if (rule.Properties.EventPattern)
      add('eventPattern', id, JSON.stringify(rule.Properties.EventPattern).length);
  }
  for (const [id, archive] of archives) {
    if (archive.Properties.EventPattern) {
      add('eventPattern', id, JSON.stringify(archive.Properties.EventPattern).length);
    }
  }

  let reserved = 0;
  for (const [id, fn] of byType(t, 'AWS::Lambda::Function')) {
    const variables: Record<string, unknown> = fn.Properties.Environment?.Variables ?? {};
    const size = Object.entries(variables).reduce(
      (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
      0,
    );
    add('lambdaEnvironment', id, size);
    named('functionName', id);
    reserved += Number(fn.Properties.ReservedConcurrentExecutions ?? 0);
  }
  add('lambdaConcurrency', 'stack', reserved);
  for (const [id, mapping] of byType(t, 'AWS::Lambda::EventSourceMapping')) {
    const max = mapping.Properties.ScalingConfig?.MaximumConcurrency;
    if (max !== undefined) add('esmMaxConcurrency', id, Number(max));
  }

  const policies = byType(t, 'AWS::IAM::Policy');
  for (const [id, role] of byType(t, 'AWS::IAM::Role')) {
    const name = resolved.physicalName(id);
    named('roleName', id);
    const inline = [
      ...(role.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument),
      ...policies
        .filter(([, p]) => (p.Properties.Roles ?? []).includes(name))
        .map(([, p]) => p.Properties.PolicyDocument),
    ];
    add(
      'roleInlinePolicies',
      id,
      inline.reduce((sum: number, d: Json) => sum + policySize(d), 0),
    );
  }
  for (const [id, policy] of byType(t, 'AWS::IAM::ManagedPolicy')) {
    add('managedPolicySize', id, policySize(policy.Properties.PolicyDocument));
  }

  for (const [id, queue] of byType(t, 'AWS::SQS::Queue')) {
    named('queueName', id);
    add('sqsVisibilityTimeout', id, Number(queue.Properties.VisibilityTimeout ?? 30));
  }
  for (const [id] of byType(t, 'AWS::Logs::LogGroup')) named('logGroupName', id);
  for (const [id, alarm] of byType(t, 'AWS::CloudWatch::Alarm')) {
    if (alarm.Properties.AlarmName) add('alarmName', id, String(alarm.Properties.AlarmName).length);
  }
  for (const [id] of byType(t, 'AWS::ApiGatewayV2::Api')) {
    add('apiRoutes', id, byType(t, 'AWS::ApiGatewayV2::Route').length);
  }
  for (const [id, stage] of byType(t, 'AWS::ApiGatewayV2::Stage')) {
    const settings = stage.Properties.DefaultRouteSettings ?? {};
    if (settings.ThrottlingRateLimit !== undefined)
      add('apiThrottleRate', id, Number(settings.ThrottlingRateLimit));
    if (settings.ThrottlingBurstLimit !== undefined)
      add('apiThrottleBurst', id, Number(settings.ThrottlingBurstLimit));
  }
  for (const [id, table] of byType(t, 'AWS::DynamoDB::Table')) {
    add('tableGsis', id, (table.Properties.GlobalSecondaryIndexes ?? []).length);
  }
  return m;
};

/** Holds measurements against their limits: `fail` above the limit, `warn` above 80 % of it. */
export const evaluateMeasurements = (measurements: readonly Measurement[]): Finding[] =>
  measurements.map((measurement) => {
    const max = AWS_LIMITS[measurement.limit].limit;
    const ratio = measurement.used / max;
    const level = ratio > 1 ? 'fail' : ratio > WARN_RATIO ? 'warn' : 'ok';
    return { ...measurement, max, ratio, level };
  });

/** The highest use of each limit over many findings (for the figures in docs/deploy.md). */
export const highestUse = (findings: readonly Finding[]): Map<AwsLimitId, Finding> => {
  const top = new Map<AwsLimitId, Finding>();
  for (const f of findings) {
    const current = top.get(f.limit);
    if (!current || f.ratio > current.ratio) top.set(f.limit, f);
  }
  return top;
};
