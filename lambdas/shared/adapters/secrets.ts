import { VerificationUnavailableError } from '../errors.js';
import { type PlaidCredentials, splitSecrets } from '../provider-credentials.js';
import { type ClientTimeouts, clientTimeoutConfig } from './client-timeouts.js';

/** Where provider secrets come from: Secrets Manager ARNs in AWS, plain values locally. */
export interface SecretSourceOptions {
  readonly plaidSecretArn?: string | undefined;
  readonly plaidClientId?: string | undefined;
  readonly plaidSecret?: string | undefined;
  readonly argyleSecretArn?: string | undefined;
  readonly argyleSecrets?: string | undefined;
  readonly maxAgeSeconds: number;
  /** Timeouts of the Secrets Manager client (none: the SDK's defaults). */
  readonly timeouts?: ClientTimeouts | undefined;
}

/** Provider secrets, cached by Powertools parameters for `maxAgeSeconds`. */
export interface SecretSource {
  plaidCredentials(): Promise<PlaidCredentials>;
  argyleSecrets(): Promise<readonly string[]>;
}

type SecretsProviderInstance = InstanceType<
  typeof import('@aws-lambda-powertools/parameters/secrets')['SecretsProvider']
>;
let provider: Promise<SecretsProviderInstance> | undefined;
let providerTimeouts: ClientTimeouts | undefined;
// The parsers of secret values (zod), loaded with the first secret read from Secrets Manager.
let secretValues: typeof import('./secret-values.js') | undefined;
const loadSecretValues = async () => (secretValues ??= await import('./secret-values.js'));

const fetchSecret = async (arn: string, maxAge: number): Promise<string> => {
  try {
    // Loaded on first use: the Secrets Manager client stays out of the cold start, and locally
    // (secrets given as values) it is never loaded at all. Its client has timeouts, so a hung
    // Secrets Manager cannot hold a webhook (see lambdas/ingest/budget.ts).
    provider ??= import('@aws-lambda-powertools/parameters/secrets').then(
      ({ SecretsProvider }) => new SecretsProvider({ clientConfig: clientTimeoutConfig(providerTimeouts) }),
    );
    const value = await (await provider).get(arn, { maxAge });
    if (typeof value !== 'string' || value === '') throw new Error('the secret has no string value');
    return value;
  } catch (error) {
    throw new VerificationUnavailableError('a provider secret could not be read from Secrets Manager', {
      cause: error,
    });
  }
};

/** Builds the secret source; values given directly win over ARNs (local runs). */
export const createSecretSource = (options: SecretSourceOptions): SecretSource => {
  providerTimeouts = options.timeouts;
  const givenArgyleSecrets = options.argyleSecrets ? splitSecrets(options.argyleSecrets) : undefined;
  let lastArgyle: { raw: string; secrets: readonly string[] } = { raw: '', secrets: [] };
  return {
    async plaidCredentials() {
      if (options.plaidClientId && options.plaidSecret) {
        return { clientId: options.plaidClientId, secret: options.plaidSecret };
      }
      if (!options.plaidSecretArn)
        throw new VerificationUnavailableError('no Plaid API credentials are configured');
      const raw = await fetchSecret(options.plaidSecretArn, options.maxAgeSeconds);
      return (await loadSecretValues()).parsePlaidSecret(raw);
    },
    async argyleSecrets() {
      if (givenArgyleSecrets) return givenArgyleSecrets;
      if (!options.argyleSecretArn) return [];
      // Read for every webhook (Powertools caches the value): parsed again only when it changed.
      const raw = await fetchSecret(options.argyleSecretArn, options.maxAgeSeconds);
      if (raw !== lastArgyle.raw)
        lastArgyle = { raw, secrets: (await loadSecretValues()).parseArgyleSecrets(raw) };
      return lastArgyle.secrets;
    },
  };
};
