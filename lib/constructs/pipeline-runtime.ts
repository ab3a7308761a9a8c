import { Runtime } from 'aws-cdk-lib/aws-lambda';

/**
 * The Lambda runtime of every function: the newest Node.js runtime aws-cdk-lib knows.
 * cdk-nag's AwsSolutions-L1 compares against the same list, so an upgrade of aws-cdk-lib that adds a
 * newer runtime shows up as a finding until this line moves.
 */
export const PIPELINE_RUNTIME = Runtime.NODEJS_24_X;

/** The runtime's Node.js major version, the target of the bundles (`nodejs24.x`: 24). */
export const PIPELINE_NODE_MAJOR = Number(/^nodejs(\d+)/.exec(PIPELINE_RUNTIME.name)?.[1]);
