import { join, resolve } from 'node:path';
import { readDevKeys } from '../lambdas/local/dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../lambdas/local/signing.js';
import { isProviderName, type ProviderName } from '../lambdas/providers/provider.js';
import { splitSecrets } from '../lambdas/shared/adapters/secrets.js';
import { UsageError } from './cli-error.js';

/** Where local state lives: `LOCAL_DIR`, or `.local` in the current folder. */
export const localDir = (env: NodeJS.ProcessEnv, flag?: string): string =>
  resolve(flag ?? env.LOCAL_DIR ?? '.local');

/** The events log: `EVENTS_LOG`, or `events.ndjson` in the local folder. */
export const eventsLogPath = (env: NodeJS.ProcessEnv, dir: string, flag?: string): string =>
  resolve(flag ?? env.EVENTS_LOG ?? join(dir, 'events.ndjson'));

/** The local endpoint of a provider: `http://127.0.0.1:$PORT/webhooks/<provider>` (PORT defaults to 3000). */
export const localWebhookUrl = (env: NodeJS.ProcessEnv, provider: ProviderName): string =>
  `http://127.0.0.1:${env.PORT ?? '3000'}/webhooks/${provider}`;

/** Checks a provider argument. */
export const parseProvider = (value: string | undefined): ProviderName => {
  if (value === undefined) throw new UsageError('missing provider: plaid or argyle');
  if (!isProviderName(value)) throw new UsageError(`unknown provider "${value}": use plaid or argyle`);
  return value;
};

/**
 * Signs a body as the provider would for the local pipeline: the dev Plaid key, and the first of
 * ARGYLE_WEBHOOK_SECRETS or the dev Argyle secret. The bytes are signed unchanged.
 */
export const signForLocal = async (
  provider: ProviderName,
  body: Buffer,
  env: NodeJS.ProcessEnv,
  dir: string,
): Promise<Record<string, string>> => {
  const keys = await readDevKeys(join(dir, 'dev-keys.json'));
  const configured = env.ARGYLE_WEBHOOK_SECRETS ? splitSecrets(env.ARGYLE_WEBHOOK_SECRETS)[0] : undefined;
  if (provider === 'argyle' && configured) return { 'x-argyle-signature': signArgyleBody(body, configured) };
  if (!keys) {
    throw new UsageError(
      `no dev keys in ${dir}: start the local pipeline once (npm run dev) or point LOCAL_DIR at its folder`,
    );
  }
  return provider === 'plaid'
    ? { 'plaid-verification': signPlaidBody(body, keys.plaid) }
    : { 'x-argyle-signature': signArgyleBody(body, keys.argyleSecret) };
};

/** POSTs a signed body; the answer's status and text. */
export const postWebhook = async (
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; statusText: string; text: string }> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'webhook-pipeline-cli', ...headers },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`could not reach ${url} (${reason}); is the local pipeline running (npm run dev)?`);
  }
  return { status: response.status, statusText: response.statusText, text: await response.text() };
};
