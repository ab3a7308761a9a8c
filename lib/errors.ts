/**
 * The errors of the CDK code (`lib/`), in one place. Each names what is wrong, so a synth that fails
 * says which prop or setting to change.
 */

/**
 * Props of a `WebhookPipeline` that do not make a valid pipeline. Thrown while the construct is
 * built (at synth); the message has one line per problem, each starting with `WebhookPipeline:` and
 * naming the prop, e.g. `WebhookPipeline: routerMaxConcurrency must be 2–1000, got 1`.
 */
export class WebhookPipelineError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(problems.map((p) => `WebhookPipeline: ${p}`).join('\n'));
    this.name = 'WebhookPipelineError';
  }
}

/** Context values that do not make a valid stack; the message lists every problem at once. */
export class SettingsError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(`invalid CDK context:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
  }
}
