import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebhookPipeline } from './webhook-pipeline.js';
import type { WebhookPipelineProps } from './webhook-pipeline-props.js';

export { MIN_DEDUPE_WINDOW_SECONDS } from './value-patterns.js';
export type { ReservedConcurrency } from './webhook-pipeline-props.js';

/** Properties of a {@link WebhookPipelineStack}: the construct's, named by the stage. */
export interface WebhookPipelineStackProps
  extends StackProps,
    Omit<WebhookPipelineProps, 'name' | 'stackOutputs' | 'alarmTopic'> {
  /**
   * Deployment stage, e.g. `dev` or `prod`: the pipeline's name is `webhook-pipeline-<stage>` (bus,
   * registries, alarms, dashboard, metrics namespace), and the app names the stack
   * `WebhookPipeline-<stage>`.
   */
  readonly stage: string;
}

/**
 * This repository's stack: one {@link WebhookPipeline} with the outputs the CLI's `--stack` reads.
 * `bin/app.ts` creates it from the CDK context (`lib/stack-settings.ts`); in your own app, use the
 * construct in any stack instead.
 */
export class WebhookPipelineStack extends Stack {
  /** The pipeline. */
  public readonly pipeline: WebhookPipeline;

  public constructor(scope: Construct, id: string, props: WebhookPipelineStackProps) {
    const { stage, ...pipelineProps } = props;
    super(scope, id, props);
    // "Default" is left out of logical ids: the resources keep the ids they had when the stack built
    // them itself, so deploying this over an existing stack replaces nothing.
    this.pipeline = new WebhookPipeline(this, 'Default', {
      ...pipelineProps,
      name: `webhook-pipeline-${stage}`,
      stackOutputs: true,
    });
  }
}
