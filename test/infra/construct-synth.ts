import { type App, Stack, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WebhookPipelineError } from '../../lib/errors.js';
import { WebhookPipeline } from '../../lib/webhook-pipeline.js';
import type { WebhookPipelineProps } from '../../lib/webhook-pipeline-props.js';
import { testApp } from './synth.js';

/** The account and region of the test stacks that have an environment. */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** A pipeline in a user's stack, as a user's app would build it, and the template. */
export const synthPipeline = (
  props: WebhookPipelineProps,
  options: { app?: App; stackId?: string; stackProps?: StackProps } = {},
): { stack: Stack; pipeline: WebhookPipeline; template: Template } => {
  const stack = new Stack(options.app ?? testApp(), options.stackId ?? 'PlatformStack', options.stackProps);
  const pipeline = new WebhookPipeline(stack, 'Webhooks', props);
  return { stack, pipeline, template: Template.fromStack(stack) };
};

/** The `WebhookPipelineError` problems a construction throws (fails when it throws nothing). */
export const pipelineProblems = (props: WebhookPipelineProps): readonly string[] => {
  try {
    synthPipeline(props);
  } catch (error) {
    if (error instanceof WebhookPipelineError) return error.problems;
    throw error;
  }
  throw new Error('expected a WebhookPipelineError');
};

/** The production shape: the least a production pipeline needs. */
export const PRODUCTION: WebhookPipelineProps = {
  production: true,
  name: 'webhooks-prod',
  alarmEmail: 'oncall@example.com',
};

/** The default shape: not production, nothing else set. */
export const DEFAULT: WebhookPipelineProps = { production: false };
