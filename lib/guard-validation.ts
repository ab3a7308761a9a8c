import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** The plugin name the Guard acknowledgements are prefixed with. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** The acknowledgement id of a Guard rule: `cdk-validator-cfnguard::<rule name>`. */
export const guardRule = (ruleName: string): string => `${GUARD_PLUGIN}::${ruleName}`;

/**
 * AWS's Guard rules (the Control Tower proactive controls bundled with cfn-guard) as a CDK policy
 * validation plugin. No rule is disabled: a finding is fixed, or acknowledged with its reason on
 * the construct it concerns (`Validations.of(construct).acknowledge`), as cdk-nag findings are.
 */
export const pipelineGuardValidator = (): CfnGuardValidator =>
  new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 16 * 1024 * 1024 });
