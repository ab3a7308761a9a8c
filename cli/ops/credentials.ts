import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseArgyleSecrets } from '../../lambdas/shared/adapters/secret-values.js';
import { splitSecrets } from '../../lambdas/shared/provider-credentials.js';
import { readDevKeys } from '../../local/dev-keys.js';
import { UsageError } from '../cli-error.js';
import type { PipelineTarget } from './target.js';

/** The region of a Secrets Manager ARN (`arn:aws:secretsmanager:<region>:…`). */
const regionOfArn = (arn: string): string | undefined => arn.split(':')[3] || undefined;

/** Reads a secret's string value through the SDK (the usual AWS credential chain). */
export const readSecretString = async (arn: string, region?: string): Promise<string> => {
  const resolvedRegion = regionOfArn(arn) ?? region;
  const client = new SecretsManagerClient(resolvedRegion ? { region: resolvedRegion } : {});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('the secret has no string value');
    return out.SecretString;
  } catch (error) {
    throw new Error(`cannot read secret ${arn}: ${(error as Error).message}`);
  } finally {
    client.destroy();
  }
};

const parseJsonSecret = <T>(arn: string, text: string, schema: z.ZodType<T>, shape: string): T => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`secret ${arn} must be JSON ${shape}`);
  return parsed.data;
};

/** Plaid API credentials and where they came from (never the values themselves). */
export interface PlaidCredentials {
  readonly clientId: string;
  readonly secret: string;
  readonly source: string;
}

/**
 * Plaid API credentials: `PLAID_CLIENT_ID` + `PLAID_SECRET`; else the secret named by
 * `PLAID_SECRET_ARN`; else, with `--stack`, the stack's Plaid secret (`{"client_id","secret"}`).
 */
export const plaidCredentials = async (
  env: NodeJS.ProcessEnv,
  target?: PipelineTarget,
): Promise<PlaidCredentials> => {
  if (env.PLAID_CLIENT_ID && env.PLAID_SECRET) {
    return {
      clientId: env.PLAID_CLIENT_ID,
      secret: env.PLAID_SECRET,
      source: 'PLAID_CLIENT_ID/PLAID_SECRET',
    };
  }
  const arn = env.PLAID_SECRET_ARN ?? target?.plaidSecretArn;
  if (!arn) {
    throw new UsageError(
      'no Plaid credentials: set PLAID_CLIENT_ID and PLAID_SECRET, or PLAID_SECRET_ARN, or use --stack <name>',
    );
  }
  const value = parseJsonSecret(
    arn,
    await readSecretString(arn, target?.region),
    z.object({ client_id: z.string().min(1), secret: z.string().min(1) }),
    '{"client_id": "…", "secret": "…"}',
  );
  return { clientId: value.client_id, secret: value.secret, source: `Secrets Manager ${arn}` };
};

/** Argyle API key (Basic auth) and where it came from. */
export interface ArgyleApiKey {
  readonly keyId: string;
  readonly keySecret: string;
  readonly source: string;
}

/**
 * Argyle API key: `ARGYLE_API_KEY_ID` + `ARGYLE_API_KEY_SECRET`; else the secret named by
 * `ARGYLE_API_KEY_ARN` (`{"api_key_id","api_key_secret"}`). The stack keeps no Argyle API key.
 */
export const argyleApiKey = async (env: NodeJS.ProcessEnv, region?: string): Promise<ArgyleApiKey> => {
  if (env.ARGYLE_API_KEY_ID && env.ARGYLE_API_KEY_SECRET) {
    return {
      keyId: env.ARGYLE_API_KEY_ID,
      keySecret: env.ARGYLE_API_KEY_SECRET,
      source: 'ARGYLE_API_KEY_ID/ARGYLE_API_KEY_SECRET',
    };
  }
  const arn = env.ARGYLE_API_KEY_ARN;
  if (!arn) {
    throw new UsageError(
      'no Argyle API key: set ARGYLE_API_KEY_ID and ARGYLE_API_KEY_SECRET, or ARGYLE_API_KEY_ARN',
    );
  }
  const value = parseJsonSecret(
    arn,
    await readSecretString(arn, region),
    z.object({ api_key_id: z.string().min(1), api_key_secret: z.string().min(1) }),
    '{"api_key_id": "…", "api_key_secret": "…"}',
  );
  return { keyId: value.api_key_id, keySecret: value.api_key_secret, source: `Secrets Manager ${arn}` };
};

/** The secret new Argyle subscriptions get, and every secret the pipeline accepts. */
export interface WebhookSecrets {
  /** Given to new subscriptions: the pipeline verifies with it. */
  readonly secret: string;
  /** Every secret the pipeline verifies with (an existing subscription with another one is not counted). */
  readonly accepted: readonly string[];
  readonly source: string;
}

/**
 * The Argyle webhook secret: `--secret`; else the first of `ARGYLE_WEBHOOK_SECRETS`; else, with
 * `--stack`, the first of the stack's Argyle secret; else, with `--local`, the dev secret from
 * `.local/dev-keys.json`.
 */
export const argyleWebhookSecrets = async (
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  target?: PipelineTarget,
): Promise<WebhookSecrets> => {
  const configured = env.ARGYLE_WEBHOOK_SECRETS ? splitSecrets(env.ARGYLE_WEBHOOK_SECRETS) : [];
  if (flag) return { secret: flag, accepted: [flag, ...configured], source: '--secret' };
  if (configured[0]) return { secret: configured[0], accepted: configured, source: 'ARGYLE_WEBHOOK_SECRETS' };
  if (target?.kind === 'stack' && target.argyleSecretArn) {
    const secrets = parseArgyleSecrets(await readSecretString(target.argyleSecretArn, target.region));
    if (!secrets[0]) throw new Error(`secret ${target.argyleSecretArn} holds no Argyle webhook secret`);
    return { secret: secrets[0], accepted: secrets, source: `Secrets Manager ${target.argyleSecretArn}` };
  }
  if (target?.kind === 'local' && target.localDir) {
    const keys = await readDevKeys(join(target.localDir, 'dev-keys.json'));
    if (!keys)
      throw new UsageError(`no dev keys in ${target.localDir}: start the local pipeline once (npm run dev)`);
    return { secret: keys.argyleSecret, accepted: [keys.argyleSecret], source: 'local dev secret' };
  }
  throw new UsageError(
    'no webhook secret for Argyle to sign with: pass --secret, set ARGYLE_WEBHOOK_SECRETS, or use --stack/--local',
  );
};
