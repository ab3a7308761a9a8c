import type { ProviderName } from '@webhook-pipeline/events/sources';

/** A webhook delivery as it reached us, before anything was parsed. */
export interface SignedRequest {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body bytes, exactly as sent. */
  readonly body: Buffer;
  /** Lowercase hex SHA-256 of `body`, computed once per request. */
  readonly bodySha256: string;
}

/** What a verified, parsed body is, according to the provider's catalogue. */
export type Classification =
  /** A known webhook whose body passed its schema. */
  | { readonly kind: 'valid'; readonly detailType: string }
  /** A webhook type the catalogue does not have yet: accepted and routed under its natural name. */
  | { readonly kind: 'unknown'; readonly detailType: string }
  /** A known webhook whose body failed its schema, or a body without the provider's envelope. */
  | { readonly kind: 'invalid'; readonly detailType: string; readonly issues: readonly string[] };

/** Everything that differs between providers. */
export interface WebhookProvider {
  readonly name: ProviderName;
  /** Checks the signature over the raw bytes; throws `SignatureVerificationError` or `VerificationUnavailableError`. */
  verify(request: SignedRequest): Promise<void>;
  /** Places a parsed JSON object in the catalogue. Never throws for a bad shape. */
  classify(payload: Record<string, unknown>): Classification;
}

/** The `detail-type` given to bodies whose envelope is unreadable (they are quarantined, never published). */
export const UNRECOGNISED_DETAIL_TYPE = 'UNRECOGNISED';
