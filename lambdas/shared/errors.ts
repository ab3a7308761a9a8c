/**
 * Every error the pipeline raises on purpose. HTTP status codes are decided by the ingest handler,
 * not here, so the same classes serve the router and the CLI.
 */

/** Base class; never thrown directly. */
export class WebhookError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookError';
  }
}

/** The path names a provider the pipeline does not serve. */
export class UnknownProviderError extends WebhookError {
  public constructor(public readonly provider: string) {
    super(`unknown provider "${provider.slice(0, 40)}"; use /webhooks/plaid or /webhooks/argyle`);
    this.name = 'UnknownProviderError';
  }
}

/** The body is larger than the configured limit. */
export class PayloadTooLargeError extends WebhookError {
  public constructor(
    public readonly size: number,
    public readonly limit: number,
  ) {
    super(`body of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Why a signature was refused; also the `reason` dimension of the SignatureFailure metric. */
export const SignatureFailureReason = {
  MissingSignature: 'missing_signature',
  MalformedSignature: 'malformed_signature',
  UnsupportedAlgorithm: 'unsupported_algorithm',
  UnknownKey: 'unknown_key',
  ExpiredKey: 'expired_key',
  BadSignature: 'bad_signature',
  StaleToken: 'stale_token',
  FutureToken: 'future_token',
  BodyMismatch: 'body_mismatch',
  NoSecretConfigured: 'no_secret_configured',
} as const;
export type SignatureFailureReason = (typeof SignatureFailureReason)[keyof typeof SignatureFailureReason];

/** The request is not signed by the provider. The message never contains a secret, key or token. */
export class SignatureVerificationError extends WebhookError {
  public constructor(
    public readonly provider: string,
    public readonly reason: SignatureFailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SignatureVerificationError';
  }
}

/** Verification could not be completed because a dependency (Plaid's key endpoint, the secret store) failed. */
export class VerificationUnavailableError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VerificationUnavailableError';
  }
}

/** A verified body that is not a JSON object (empty, not JSON, invalid UTF-8, an array or a scalar). */
export class InvalidPayloadError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidPayloadError';
  }
}

/** Our own store failed; the provider is asked to retry. */
export class StoreUnavailableError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Our own queue failed after the record was written; the provider's retry enqueues it again. */
export class QueueUnavailableError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

/** A queue message that does not match the queue message contract. */
export class QueueMessageError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueMessageError';
  }
}

/** PutEvents failed for one or more entries. */
export class EventPublishError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventPublishError';
  }
}

/** The environment of a function is missing or has invalid settings; raised at cold start. */
export class ConfigError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * An EventBridge event pattern that `PutRule` would refuse; `reason` says why and `path` where
 * (dotted field path inside the pattern, empty at the top).
 */
export class InvalidEventPatternError extends WebhookError {
  public constructor(
    public readonly reason: string,
    public readonly path = '',
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` (at ${path})` : ''}`);
    this.name = 'InvalidEventPatternError';
  }
}
