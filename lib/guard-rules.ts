/** The plugin name the Guard acknowledgements are prefixed with. */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/**
 * The acknowledgement id of a Guard rule: `cdk-validator-cfnguard::<rule name>`. Kept apart from
 * the validator itself (guard-validation.ts), which this repository's app runs and a user's app need
 * not install.
 */
export const guardRule = (ruleName: string): string => `${GUARD_PLUGIN}::${ruleName}`;
