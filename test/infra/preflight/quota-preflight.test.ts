import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../../lib/preflight/aws-limits.js';
import {
  evaluateMeasurements,
  type Finding,
  highestUse,
  measureTemplate,
} from '../../../lib/preflight/quota-preflight.js';
import { PREFLIGHT_TARGET } from '../../../lib/preflight/resolve-template.js';
import { parseStackSettings } from '../../../lib/stack-settings.js';
import { WebhookPipelineStack } from '../../../lib/webhook-pipeline-stack.js';
import { testApp } from '../synth.js';
import { STACK_SHAPES } from './stack-shapes.js';

const percent = (f: Finding) => `${(f.ratio * 100).toFixed(1)} %`;
const line = (f: Finding) =>
  `${f.limit.padEnd(20)} ${String(f.used).padStart(9)} / ${String(f.max).padEnd(9)} ${percent(f).padStart(8)}  ${f.subject}`;

/** Synthesizes a shape through the same settings parser as bin/app.ts, and measures it. */
const preflight = (context: Readonly<Record<string, unknown>>): Finding[] => {
  const settings = parseStackSettings(context);
  const stack = new WebhookPipelineStack(testApp(), settings.stackId, settings.props);
  const template = Template.fromStack(stack).toJSON();
  return evaluateMeasurements(measureTemplate(template, { ...PREFLIGHT_TARGET, stackName: stack.stackName }));
};

const results = STACK_SHAPES.map((shape) => ({ shape, findings: preflight(shape.context) }));

describe('quota preflight: every shape of the stack against the AWS limits it can reach', () => {
  it.each(results.map((r) => [r.shape.name, r] as const))('%s: nothing above a limit', (_, { findings }) => {
    const over = findings.filter((f) => f.level === 'fail').map(line);
    expect(over).toEqual([]);
    const warnings = findings.filter((f) => f.level === 'warn');
    if (warnings.length) console.warn(`above 80 % of a limit:\n  ${warnings.map(line).join('\n  ')}`);
  });

  it('default stack: every limit at or under 80 %, and every measured limit measured', () => {
    const [defaults] = results;
    const top = highestUse(defaults?.findings ?? []);
    expect([...top.values()].filter((f) => f.level !== 'ok').map(line)).toEqual([]);
    // The figures docs/deploy.md quotes.
    console.log(`default stack, highest use of each limit:\n  ${[...top.values()].map(line).join('\n  ')}`);
    const anyShape = highestUse(results.flatMap((r) => r.findings));
    console.log(`any shape, highest use of each limit:\n  ${[...anyShape.values()].map(line).join('\n  ')}`);
    const measuredEverywhere = new Set(results.flatMap((r) => r.findings.map((f) => f.limit)));
    const expected = Object.entries(AWS_LIMITS)
      .filter(([, limit]) => limit.measured)
      .map(([id]) => id);
    // Absent only where the template has nothing to measure: no rule targets or managed policy, and
    // names CloudFormation generates (it cuts them to the limit; only names the template sets count).
    const unmeasurable = [
      'targetsPerRule',
      'ruleName',
      'managedPolicySize',
      'functionName',
      'roleName',
      'queueName',
      'logGroupName',
    ];
    expect(
      expected.filter((id) => !measuredEverywhere.has(id as never) && !unmeasurable.includes(id)),
    ).toEqual([]);
  });

  it('fails a stack with 101 schemas in one registry, and warns at 81', () => {
    const build = (count: number) => {
      const stack = new Stack(testApp(), 'Crowded');
      const registry = new CfnRegistry(stack, 'Registry', { registryName: 'crowded' });
      for (let i = 0; i < count; i++) {
        new CfnSchema(stack, `Schema${i}`, {
          registryName: registry.attrRegistryName,
          schemaName: `webhooks.test@T${i}`,
          type: 'JSONSchemaDraft4',
          content: '{"type":"object"}',
        });
      }
      const template = Template.fromStack(stack).toJSON();
      return evaluateMeasurements(
        measureTemplate(template, { ...PREFLIGHT_TARGET, stackName: 'Crowded' }),
      ).find((f) => f.limit === 'schemasPerRegistry');
    };
    expect(build(101)).toMatchObject({ used: 101, max: 100, level: 'fail' });
    expect(build(81)).toMatchObject({ used: 81, level: 'warn' });
    expect(build(80)).toMatchObject({ used: 80, level: 'ok' });
  });

  it('fails an environment over 4 KB once names and ARNs are resolved', () => {
    const long = preflight({ plaidBaseUrl: `https://plaid.example.com/${'p'.repeat(990)}` });
    const env = long.filter((f) => f.limit === 'lambdaEnvironment');
    expect(Math.max(...env.map((f) => f.used))).toBeGreaterThan(1000);
    const over = evaluateMeasurements(
      env.map((f) => ({ limit: f.limit, subject: f.subject, used: f.used + 3200 })),
    ).filter((f) => f.level === 'fail');
    expect(over.length).toBeGreaterThan(0);
  });
});
