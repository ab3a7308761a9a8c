import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

export { GUARD_PLUGIN, guardRule } from './guard-rules.js';

/**
 * AWS's Guard rules (the Control Tower proactive controls bundled with cfn-guard) as a CDK policy
 * validation plugin. No rule is disabled: a finding is fixed, or acknowledged with its reason on
 * the construct it concerns (`Validations.of(construct).acknowledge`), as cdk-nag findings are.
 */
export const pipelineGuardValidator = (): CfnGuardValidator =>
  new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 16 * 1024 * 1024 });
