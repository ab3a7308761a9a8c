/** The providers the pipeline serves; also the path segment of their route. */
export const ProviderName = { Plaid: 'plaid', Argyle: 'argyle' } as const;
export type ProviderName = (typeof ProviderName)[keyof typeof ProviderName];

export const PROVIDER_NAMES: readonly ProviderName[] = Object.values(ProviderName);

/** Narrows a path segment to a provider name. */
export const isProviderName = (value: string): value is ProviderName =>
  (PROVIDER_NAMES as readonly string[]).includes(value);

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
