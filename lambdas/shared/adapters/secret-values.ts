import * as z from 'zod';
import { VerificationUnavailableError } from '../errors.js';
import { type PlaidCredentials, splitSecrets } from '../provider-credentials.js';

// The values read from Secrets Manager, validated with zod. Kept apart from secrets.ts, which
// imports this module when it first reads a secret, so that zod is not loaded at cold start.

const PlaidSecretSchema = z.object({ client_id: z.string().min(1), secret: z.string().min(1) });
const ArgyleSecretsSchema = z.union([
  z.array(z.string()),
  z.object({ secrets: z.array(z.string()) }).transform((v) => v.secrets),
]);

const tryParseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Reads the Plaid secret: JSON `{"client_id": "…", "secret": "…"}`. */
export const parsePlaidSecret = (value: string): PlaidCredentials => {
  const parsed = PlaidSecretSchema.safeParse(tryParseJson(value));
  if (!parsed.success) {
    throw new VerificationUnavailableError('the Plaid secret must be JSON {"client_id": "…", "secret": "…"}');
  }
  return { clientId: parsed.data.client_id, secret: parsed.data.secret };
};

/** Reads an Argyle secret value: a JSON array, `{"secrets": […]}`, or a comma-separated list. */
export const parseArgyleSecrets = (value: string): string[] => {
  const trimmed = value.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return ArgyleSecretsSchema.parse(JSON.parse(trimmed)).filter(Boolean);
    } catch (error) {
      throw new VerificationUnavailableError('the Argyle secret is not a JSON list of secrets', {
        cause: error,
      });
    }
  }
  return splitSecrets(trimmed);
};
