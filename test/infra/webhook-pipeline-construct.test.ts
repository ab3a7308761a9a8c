import { resolve } from 'node:path';
import { Stack, Stage, Tags, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ManagedPolicy, PermissionsBoundary } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DECLARED_GRANTS } from '../../lib/iam/declared-grants.js';
import { evaluateMeasurements, measureTemplate } from '../../lib/preflight/quota-preflight.js';
import { PREFLIGHT_TARGET } from '../../lib/preflight/resolve-template.js';
import { WebhookPipeline } from '../../lib/webhook-pipeline.js';
import { pipelineProblems } from './construct-synth.js';
import {
  arnOf,
  type DeployedFunction,
  decide,
  deployedFunctionList,
  readRecording,
  sessionOf,
  unusedGrants,
} from './iam/role-simulation.js';
import { testApp } from './synth.js';
import type { Json } from './template-helpers.js';

/** The app mode in which a failed validation throws from `synth()` with the report. */
const IN_MEMORY = { '@aws-cdk/core:appMode': 'inmemory' };
const recording = readRecording(resolve(import.meta.dirname, '..', '..', 'reports', 'iam-calls.json'));

// A user's app: one stack holding two pipelines, checked with cdk-nag as the user's app would be.
const app = testApp({ context: IN_MEMORY });
const stack = new Stack(app, 'Platform');
const first = new WebhookPipeline(stack, 'Webhooks', { production: false, dashboard: true });
const second = new WebhookPipeline(stack, 'PartnerWebhooks', {
  production: false,
  dashboard: true,
  consumers: [{ account: '111111111111', sources: ['webhooks.argyle'] }],
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const template = Template.fromStack(stack).toJSON();
const target = { ...PREFLIGHT_TARGET, stackName: stack.stackName };

const ofType = (type: string): Json[] =>
  Object.values(template.Resources as Record<string, Json>).filter((r) => r.Type === type);

describe('two pipelines side by side in one stack', () => {
  it('derive distinct names from their ids', () => {
    expect(first.pipelineName).toMatch(/^Platform-Webhooks-[A-F0-9]{8}$/);
    expect(second.pipelineName).toMatch(/^Platform-PartnerWebhooks-[A-F0-9]{8}$/);
    expect(first.metricsNamespace).toBe(`WebhookPipeline/${first.pipelineName}`);
    expect(second.metricsNamespace).toBe(`WebhookPipeline/${second.pipelineName}`);
  });

  it('give every named resource a name of its own pipeline, never the same twice', () => {
    const namesOf = {
      'AWS::Events::EventBus': (r: Json) => r.Properties.Name,
      'AWS::EventSchemas::Registry': (r: Json) => r.Properties.RegistryName,
      'AWS::CloudWatch::Alarm': (r: Json) => r.Properties.AlarmName,
      'AWS::CloudWatch::Dashboard': (r: Json) => JSON.stringify(r.Properties.DashboardName),
      'AWS::ApiGatewayV2::Api': (r: Json) => r.Properties.Name,
    };
    const counts = { buses: 2, registries: 6, alarms: 26, dashboards: 2, apis: 2 };
    const owned = (name: string) => [first, second].filter((p) => name.includes(p.pipelineName)).length;
    Object.entries(namesOf).forEach(([type, nameOf], i) => {
      const names: string[] = ofType(type).map(nameOf);
      expect(names, type).toHaveLength(Object.values(counts)[i] as number);
      expect(new Set(names).size, type).toBe(names.length);
      for (const name of names) expect(owned(name), name).toBe(1);
    });
  });

  it('each count into its own metrics namespace and alarm on its own only', () => {
    const namespaces = new Set(
      ofType('AWS::Lambda::Function').map(
        (f) => f.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE,
      ),
    );
    expect(namespaces).toEqual(new Set([first.metricsNamespace, second.metricsNamespace]));
    for (const alarm of ofType('AWS::CloudWatch::Alarm')) {
      const pipeline = String(alarm.Properties.AlarmName).startsWith(first.pipelineName) ? first : second;
      for (const query of (alarm.Properties.Metrics ?? []).map((m: Json) => m.Expression ?? '')) {
        if (query.startsWith('SELECT')) expect(query).toContain(`SCHEMA("${pipeline.metricsNamespace}",`);
      }
    }
    for (const filter of ofType('AWS::Logs::MetricFilter')) {
      expect([first.metricsNamespace, second.metricsNamespace]).toContain(
        filter.Properties.MetricTransformations[0].MetricNamespace,
      );
    }
  });

  it('pass cdk-nag with nothing unacknowledged', () => {
    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('fit every AWS limit the quota preflight measures', () => {
    const findings = evaluateMeasurements(measureTemplate(template, target));
    expect(findings.filter((f) => f.level === 'fail')).toEqual([]);
    // Two pipelines' registries in one stack: 6 of the region's 10.
    expect(findings.find((f) => f.limit === 'schemaRegistries')?.used).toBe(6);
  });

  describe('IAM simulation of the recorded function calls', () => {
    const functions = deployedFunctionList(template, target);
    const pairs = functions.map((fn) => {
      const other = functions.find((f) => f.service === fn.service && f !== fn) as DeployedFunction;
      return [`${fn.service} of ${fn.environment.TABLE_NAME}`, fn, other] as const;
    });
    const callsOn = (fn: DeployedFunction, resources: DeployedFunction) =>
      (recording.functions[fn.service]?.actions ?? []).map((recorded) => ({
        action: recorded.action,
        arn: arnOf(recorded.resource, resources, target),
        origin: 'recorded',
      }));

    it('finds both pipelines’ functions', () => {
      expect(functions.map((f) => f.service).sort()).toEqual([
        'webhook-ingest',
        'webhook-ingest',
        'webhook-router',
        'webhook-router',
      ]);
    });

    it.each(pairs)('%s: every recorded call allowed, every grant used', async (_, fn) => {
      const calls = callsOn(fn, fn);
      for (const call of calls) {
        expect(await decide(call, fn.policies, sessionOf(fn, target.account), target.account), call.arn).toBe(
          'Allowed',
        );
      }
      expect(await unusedGrants(fn, calls, DECLARED_GRANTS, target)).toEqual([]);
    });

    it.each(pairs)(
      '%s: the same calls on the other pipeline’s resources are denied',
      async (_, fn, other) => {
        const calls = callsOn(fn, other);
        expect(calls.length).toBeGreaterThan(0);
        for (const call of calls) {
          expect(
            await decide(call, fn.policies, sessionOf(fn, target.account), target.account),
            call.arn,
          ).not.toBe('Allowed');
        }
      },
    );
  });

  it('lets one of them only have the stack outputs the CLI reads', () => {
    const shared = new Stack(testApp(), 'Shared');
    new WebhookPipeline(shared, 'One', { production: false, stackOutputs: true });
    expect(() => new WebhookPipeline(shared, 'Two', { production: false, stackOutputs: true })).toThrow(
      'WebhookPipeline: stackOutputs: Shared/One already has the stack outputs of Shared; one pipeline per stack may have them',
    );
    expect(Object.keys(Template.fromStack(shared).toJSON().Outputs)).toContain('TableName');
  });
});

describe('in a user’s app', () => {
  it('builds inside a Stage, with names that follow the stage', () => {
    const stagedApp = testApp();
    const built = ['Staging', 'Prod'].map((name) => {
      const stage = new Stage(stagedApp, name, { env: { account: '123456789012', region: 'eu-west-1' } });
      const pipeline = new WebhookPipeline(new Stack(stage, 'Webhooks'), 'Pipeline', {
        production: name === 'Prod',
        alarmEmail: 'oncall@example.com',
      });
      return { stage, pipeline };
    });
    const [staging, prod] = built.map(({ stage, pipeline }) => {
      const artifact = stage.synth().getStackByName(Stack.of(pipeline).stackName);
      return { pipeline, template: artifact.template as Json, protection: artifact.terminationProtection };
    });
    expect(staging?.pipeline.pipelineName).toMatch(/^Staging-Webhooks-Pipeline-[A-F0-9]{8}$/);
    expect(prod?.pipeline.pipelineName).toMatch(/^Prod-Webhooks-Pipeline-[A-F0-9]{8}$/);
    expect(prod?.protection).toBe(true);
    expect(staging?.protection).toBe(false);
    const busNames = [staging, prod].map(
      (s) =>
        Object.values(s?.template.Resources as Record<string, Json>).find(
          (r) => r.Type === 'AWS::Events::EventBus',
        )?.Properties.Name,
    );
    expect(busNames).toEqual([staging?.pipeline.pipelineName, prod?.pipeline.pipelineName]);
  });

  it('takes the user’s permissions boundary on every role, and the user’s tags', () => {
    const userApp = testApp();
    const userStack = new Stack(userApp, 'Platform');
    new WebhookPipeline(userStack, 'Webhooks', { production: false });
    PermissionsBoundary.of(userApp).apply(
      ManagedPolicy.fromManagedPolicyName(userStack, 'Boundary', 'platform-boundary'),
    );
    Tags.of(userApp).add('team', 'payments');
    const synthesized = Template.fromStack(userStack).toJSON();
    const resources = Object.values(synthesized.Resources as Record<string, Json>);
    const roles = resources.filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBe(2);
    for (const role of roles) {
      expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain(':policy/platform-boundary');
    }
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::SQS::Queue',
      'AWS::Lambda::Function',
      'AWS::Events::EventBus',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::IAM::Role',
      'AWS::SNS::Topic',
    ]) {
      for (const resource of resources.filter((r) => r.Type === type)) {
        expect(resource.Properties.Tags, type).toEqual(
          expect.arrayContaining([{ Key: 'team', Value: 'payments' }]),
        );
      }
    }
  });

  it('refuses props of the wrong kind with a message naming each', () => {
    expect(
      pipelineProblems({
        production: false,
        routerBatchSize: 100,
        plaidSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid',
        domainName: 'webhooks.example.com',
        dedupeWindow: undefined,
        maxBodyBytes: 512 * 1024,
        logLevel: 'chatty',
      }),
    ).toEqual([
      'plaidSecretArn must be a complete secret ARN, ending with the six-character suffix Secrets Manager adds, got "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid"',
      'domainName and certificateArn go together: set both or neither',
      'routerBatchSize above 10 (got 100) needs routerMaxBatchingWindow of at least 1 s',
      'maxBodyBytes must be an integer from 1024 to 294912, got 524288',
      'logLevel must be one of DEBUG, INFO, WARN, ERROR, SILENT, got "chatty"',
    ]);
  });
});
