/** Plaid API credentials, read from Secrets Manager (or the environment locally). */
export interface PlaidCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/** Splits a comma list of Argyle webhook secrets, dropping blanks. */
export const splitSecrets = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
