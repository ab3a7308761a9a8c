import { Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { GUARD_PLUGIN, pipelineGuardValidator } from '../../lib/guard-validation.js';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import { devProps, productionProps, testApp } from './synth.js';

/** The app mode in which a failed validation throws from `synth()` with the report. */
const IN_MEMORY = { '@aws-cdk/core:appMode': 'inmemory' };

/** Every Guard acknowledgement in the tree: rule name, construct path and reason. */
const guardAcknowledgements = (root: IConstruct) =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .filter(([id]) => id.startsWith(`${GUARD_PLUGIN}::`))
      .map(([id, reason]) => ({
        path: construct.node.path,
        rule: id.slice(GUARD_PLUGIN.length + 2),
        reason,
      })),
  );

// The default stack (no alarm target), a dev stack and a production stack, checked as bin/app.ts does.
const app = testApp({ context: IN_MEMORY });
new WebhookPipelineStack(app, 'WebhookPipeline-default', { stage: 'default', production: false });
new WebhookPipelineStack(app, 'WebhookPipeline-dev', devProps);
new WebhookPipelineStack(app, 'WebhookPipeline-prod', productionProps);
Validations.of(app).addPlugins(pipelineGuardValidator());

describe('AWS Guard rules (Control Tower proactive controls) at synth', () => {
  // cfn-guard runs as a process per stack: slow on a busy machine.
  it('finds nothing unacknowledged in the default, dev and production stacks', { timeout: 120_000 }, () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges only the reviewed rules, each with a reason, on the construct concerned', () => {
    const acknowledgements = guardAcknowledgements(app);
    expect([...new Set(acknowledgements.map((a) => a.rule))].sort()).toEqual([
      'api_gw_v2_authorization_type_configured_check',
      'cloudwatch_alarm_action_check',
      'cloudwatch_log_group_encrypted_check',
      'cloudwatch_log_group_retention_period_check',
      'lambda_function_public_access_prohibited_check',
      'lambda_inside_vpc_check',
    ]);
    for (const { path, reason } of acknowledgements) {
      expect(reason.length, path).toBeGreaterThan(80);
      expect(path.split('/').length, path).toBeGreaterThan(1);
    }
    // Alarms without a target are acknowledged only in the stack that has none.
    expect([
      ...new Set(
        acknowledgements.filter((a) => a.rule === 'cloudwatch_alarm_action_check').map((a) => a.path),
      ),
    ]).toEqual(['WebhookPipeline-default/Default/Alarms']);
    // A year of logs passes the retention rule: the production stack needs no acknowledgement for it.
    expect(
      acknowledgements.filter(
        (a) =>
          a.path.startsWith('WebhookPipeline-prod/') &&
          a.rule === 'cloudwatch_log_group_retention_period_check',
      ),
    ).toEqual([]);
  });

  it('fails synth on a finding nobody acknowledged', { timeout: 120_000 }, () => {
    const failing = testApp({ context: IN_MEMORY });
    // Encrypted and TLS-only, but with no dead-letter queue: Guard's CT.SQS.PR.1.
    new Queue(new Stack(failing, 'Careless'), 'NoDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(failing).addPlugins(pipelineGuardValidator());
    expect(() => failing.synth()).toThrow(/CT\.SQS\.PR\.1/);
  });
});
