/**
 * Every error the event contract raises on purpose. One file, so that a consumer imports the classes
 * it catches from one place (`@webhook-pipeline/events` re-exports them all).
 */

/** One field that failed its schema: where it is in the event, and why. */
export interface WebhookEventIssue {
  /** Dotted path from the event's top, e.g. `detail.data.item_id` or `resources[0]`. */
  readonly path: string;
  readonly message: string;
}

/** Base class of the errors about an incoming event; never thrown directly. */
export class WebhookEventError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookEventError';
  }
}

/**
 * The event's `detail-type` is not in this version of the catalogue: a code the provider added after
 * this package was built, or an event that is not ours. A consumer may ignore it
 * (`if (error instanceof UnknownDetailTypeError) return;`) or update the package.
 */
export class UnknownDetailTypeError extends WebhookEventError {
  public constructor(
    /** The detail-type as received (`undefined` when the event has none). */
    public readonly detailType: string | undefined,
    /** The event's `source`, when it has one. */
    public readonly source: string | undefined,
  ) {
    super(
      detailType === undefined
        ? 'the event has no "detail-type" string'
        : `unknown detail-type "${detailType.slice(0, 128)}"${source ? ` (source ${source.slice(0, 64)})` : ''}: not in this version of @webhook-pipeline/events`,
    );
    this.name = 'UnknownDetailTypeError';
  }
}

/** An event of a known detail-type whose fields do not match its schema; the message names them. */
export class InvalidWebhookEventError extends WebhookEventError {
  public constructor(
    public readonly detailType: string,
    public readonly issues: readonly WebhookEventIssue[],
  ) {
    const listed = issues.slice(0, 5).map((i) => `${i.path || '(the event)'}: ${i.message}`);
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
    super(`${detailType} event does not match its schema: ${listed.join('; ')}${more}`);
    this.name = 'InvalidWebhookEventError';
  }

  /** The paths of the failing fields. */
  public get fields(): string[] {
    return this.issues.map((i) => i.path);
  }
}

/** A `WebhookSubscription` (the `./cdk` subpath) that cannot be built as configured. */
export class WebhookSubscriptionError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'WebhookSubscriptionError';
  }
}
