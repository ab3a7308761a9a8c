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

/** Another message holds the claim of this webhook and may still be publishing it: try again later. */
export class ClaimHeldError extends WebhookError {
  public constructor(public readonly webhookId: string) {
    super(`another message is publishing ${webhookId}; retried after its claim is confirmed or lapses`);
    this.name = 'ClaimHeldError';
  }
}

/** The router's batch ran out of time before this record's work was done (it is retried by SQS). */
export class RouterDeadlineError extends WebhookError {
  public constructor(public readonly phase: string) {
    super(`the batch ran out of time while ${phase}`);
    this.name = 'RouterDeadlineError';
  }
}

/** The environment of a function is missing or has invalid settings; raised at cold start. */
export class ConfigError extends WebhookError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Why Plaid's key endpoint gave no key; the `reason` dimension of the PlaidKeyFetchFailed metric. */
export const PlaidKeyFailureReason = {
  /** HTTP 400 other than an unknown key id: INVALID_API_KEYS, INVALID_FIELD… (our configuration). */
  InvalidRequest: 'invalid_request',
  /** HTTP 401 or 403. */
  Unauthorized: 'unauthorized',
  /** HTTP 429. */
  RateLimited: 'rate_limited',
  /** HTTP 5xx. */
  ServerError: 'server_error',
  /** Any other status. */
  UnexpectedStatus: 'unexpected_status',
  /** No answer within the key fetch's share of the ingest budget. */
  Timeout: 'timeout',
  /** The connection failed. */
  Network: 'network',
  /** HTTP 200 without a usable key. */
  UnusableAnswer: 'unusable_answer',
  /** The Plaid API credentials could not be read. */
  Credentials: 'credentials',
  /** This function instance used its key fetches for the minute (a flood of unknown kids). */
  FetchCap: 'fetch_cap',
} as const;
export type PlaidKeyFailureReason = (typeof PlaidKeyFailureReason)[keyof typeof PlaidKeyFailureReason];

/** What Plaid said when its key endpoint failed: logged, never the credentials. */
export interface PlaidKeyFailureDetails {
  readonly reason: PlaidKeyFailureReason;
  readonly status?: number | undefined;
  readonly errorType?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly requestId?: string | undefined;
}

/**
 * Plaid's key endpoint gave no key for a reason that is our configuration or Plaid's availability,
 * not a forgery: answered 503 so Plaid retries. Only Plaid's documented answer for a key id it does
 * not know (HTTP 400 `INVALID_WEBHOOK_VERIFICATION_KEY_ID`) is a refused signature.
 */
export class PlaidKeyUnavailableError extends VerificationUnavailableError {
  public constructor(
    message: string,
    public readonly details: PlaidKeyFailureDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PlaidKeyUnavailableError';
  }
}

/** The ingest path ran past its budget (a dependency hung): answered 503 well before Plaid's 10 s. */
export class IngestBudgetExceededError extends WebhookError {
  public constructor(public readonly budgetMs: number) {
    super(`the webhook was not stored within ${budgetMs} ms`);
    this.name = 'IngestBudgetExceededError';
  }
}

/** A webhook from a source address outside the provider's configured allowlist (403, before verification). */
export class SourceAddressRefusedError extends WebhookError {
  public constructor(
    public readonly provider: string,
    public readonly sourceIp: string,
  ) {
    super(`${provider} webhooks are accepted only from the provider's published source addresses`);
    this.name = 'SourceAddressRefusedError';
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
