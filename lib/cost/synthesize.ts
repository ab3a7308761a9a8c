import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Json } from '../preflight/resolve-template.js';
import { parseStackSettings } from '../stack-settings.js';
import { WebhookPipelineStack } from '../webhook-pipeline-stack.js';

/** The repository root, where `cdk.json` is. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The context of `cdk.json` (feature flags, and any settings kept there), as `cdk synth` reads it. */
export const cdkJsonContext = (root = PROJECT_ROOT): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> })
    .context ?? {};

/** A synthesized stack: its id and its CloudFormation template. */
export interface SynthesizedStack {
  readonly stackId: string;
  readonly template: Json;
}

/**
 * The template `cdk synth -c key=value …` would deploy, synthesized in this process: `cdk.json`'s
 * context, then `settings` over it, checked by the same `parseStackSettings` as `bin/app.ts` (an
 * invalid or unknown setting throws its `SettingsError`). The function bundles are not built
 * (nothing the bill reads depends on them).
 */
export const synthesizeStack = (
  settings: Readonly<Record<string, unknown>> = {},
  root = PROJECT_ROOT,
): SynthesizedStack => {
  const context = { ...cdkJsonContext(root), ...settings };
  const { stackId, props } = parseStackSettings(context);
  const app = new App({
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const stack = new WebhookPipelineStack(app, stackId, props);
  return { stackId, template: Template.fromStack(stack).toJSON() };
};
