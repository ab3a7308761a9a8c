import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import { devProps, productionProps, testApp } from './synth.js';

/** The app mode in which a failed validation throws from `synth()` with the report. */
const IN_MEMORY = { '@aws-cdk/core:appMode': 'inmemory' };

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(…).acknowledge()` in the tree, as recorded in construct metadata. */
const acknowledgementsIn = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

// Both stage variants in one app, checked the way bin/app.ts checks them.
const app = testApp({ context: IN_MEMORY });
new WebhookPipelineStack(app, 'WebhookPipeline-dev', devProps);
new WebhookPipelineStack(app, 'WebhookPipeline-prod', productionProps);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the dev and production stacks', () => {
    expect(() => app.synth()).not.toThrow();
    // The same pack run directly, so a failure lists the findings.
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('acknowledges only the reviewed rules, each with a reason, next to the construct concerned', () => {
    const acknowledgements = acknowledgementsIn(app).filter((a) => a.id.startsWith('AwsSolutions-'));
    expect([...new Set(acknowledgements.map((a) => a.id))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SMG4',
    ]);
    for (const { path, reason } of acknowledgements) {
      expect(reason.length, path).toBeGreaterThan(80);
      // Never the whole stack or app: each acknowledgement sits on the construct it concerns.
      expect(path.split('/').length, path).toBeGreaterThan(1);
    }
  });

  it('fails synth on a finding nobody acknowledged', () => {
    const failing = testApp({ context: IN_MEMORY });
    new Queue(new Stack(failing, 'Careless'), 'PlainQueue');
    Validations.of(failing).addPlugins(new AwsSolutionsChecks(failing));
    expect(() => failing.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
