import * as z from 'zod';

// The answers of Plaid's `/webhook_verification_key/get`. Kept apart from
// verification-key-client.ts, which imports this module with its first key fetch, so that zod is not
// loaded at cold start.

/** Plaid's `JWKPublicKey`, as returned by `/webhook_verification_key/get`. */
export const PlaidJwkSchema = z.looseObject({
  alg: z.literal('ES256'),
  crv: z.literal('P-256'),
  kty: z.literal('EC'),
  kid: z.string().min(1),
  use: z.string().optional(),
  x: z.string().min(1),
  y: z.string().min(1),
  created_at: z.number().optional(),
  expired_at: z.number().nullable(),
});
export type PlaidJwk = z.infer<typeof PlaidJwkSchema>;

/** The endpoint's answer to a known key id. */
export const KeyResponseSchema = z.looseObject({ key: PlaidJwkSchema, request_id: z.string().optional() });
export type KeyResponse = z.infer<typeof KeyResponseSchema>;

/** Plaid's error body (`PlaidError`); every field optional, as a proxy or an outage may answer anything. */
const PlaidErrorSchema = z.looseObject({
  error_type: z.string().optional(),
  error_code: z.string().optional(),
  request_id: z.string().optional(),
});

/** Plaid's error body, or undefined when the text is not one. */
export const parsePlaidError = (text: string) => {
  try {
    const parsed = PlaidErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
