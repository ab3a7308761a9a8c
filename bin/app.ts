/**
 * The CDK app: reads the settings from the CDK context (cdk.json or `-c key=value`), creates one
 * WebhookPipelineStack (the WebhookPipeline construct with the outputs the CLI reads) and runs the
 * cdk-nag AwsSolutions checks and AWS's Guard rules (the Control Tower proactive controls, through
 * cfn-guard) on it. Synth fails on any finding that is not acknowledged, with its reason, next to
 * the construct it concerns.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SettingsError, WebhookPipelineError } from '../lib/errors.js';
import { pipelineGuardValidator } from '../lib/guard-validation.js';
import { parseStackSettings } from '../lib/stack-settings.js';
import { WebhookPipelineStack } from '../lib/webhook-pipeline-stack.js';

const app = new App();

let settings: ReturnType<typeof parseStackSettings>;
try {
  settings = parseStackSettings(app.node.getAllContext());
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}

try {
  new WebhookPipelineStack(app, settings.stackId, settings.props);
} catch (error) {
  // Settings the context parser takes but the construct refuses together (e.g. production without
  // an alarm destination): the construct's message names each prop.
  if (!(error instanceof WebhookPipelineError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), pipelineGuardValidator());
