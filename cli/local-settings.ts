import { join, resolve } from 'node:path';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { splitSecrets } from '../lambdas/shared/provider-credentials.js';
import { readDevKeys } from '../local/dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../local/signing.js';
import { UsageError } from './cli-error.js';
import { readLiveDevRecord } from './dev-record.js';

/** Where local state lives: `--local-dir`, `LOCAL_DIR`, or `.local` in the current folder. */
export const localDir = (env: NodeJS.ProcessEnv, flag?: string): string =>
  resolve(flag ?? env.LOCAL_DIR ?? '.local');

/** The events log: `EVENTS_LOG`, or `events.ndjson` in the local folder. */
export const eventsLogPath = (env: NodeJS.ProcessEnv, dir: string, flag?: string): string =>
  resolve(flag ?? env.EVENTS_LOG ?? join(dir, 'events.ndjson'));

/** Where a command found the local pipeline's port. */
export type PortSource = '--port' | 'PORT' | 'dev.json' | 'default';

/** The local pipeline as another terminal sees it. */
export interface LocalPipeline {
  /** `http://127.0.0.1:<port>` (or the dev process's own address when it listens on one host). */
  readonly url: string;
  readonly port: number;
  readonly source: PortSource;
  /** The events log of the running dev process, when its record names it. */
  readonly eventsLog?: string;
}

const DEFAULT_PORT = 3000;

/** A dev process listening on every address is reached on loopback. */
const reachable = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = '127.0.0.1';
  return parsed.origin;
};

/**
 * Finds the local pipeline's port, in order: `--port`, `PORT`, the record of a dev process that
 * is still running (`<local dir>/dev.json`, written by `npm run dev`), then 3000. So `PORT=3917
 * npm run dev` in one terminal and `npx webhook-pipeline fire …` in another meet.
 */
export const findLocalPipeline = (env: NodeJS.ProcessEnv, dir: string, portFlag?: number): LocalPipeline => {
  const at = (port: number, source: PortSource): LocalPipeline => ({
    url: `http://127.0.0.1:${port}`,
    port,
    source,
  });
  if (portFlag !== undefined) return at(portFlag, '--port');
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new UsageError(`PORT must be a port number, got "${env.PORT}"`);
    return at(port, 'PORT');
  }
  const record = readLiveDevRecord(dir);
  if (record)
    return { url: reachable(record.url), port: record.port, source: 'dev.json', eventsLog: record.eventsLog };
  return at(DEFAULT_PORT, 'default');
};

/** The local endpoint of a provider: `<local pipeline>/webhooks/<provider>` (see {@link findLocalPipeline}). */
export const localWebhookUrl = (
  env: NodeJS.ProcessEnv,
  provider: ProviderName,
  dir: string = localDir(env),
  portFlag?: number,
): string => `${findLocalPipeline(env, dir, portFlag).url}/webhooks/${provider}`;

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

/** Where `fire` and `send` deliver, as their flags say: `--url`, `--port`, `--local-dir`. */
export interface DeliveryFlags {
  readonly url?: string | undefined;
  readonly port?: number | undefined;
  readonly localDir?: string | undefined;
}

/**
 * Signs a body with the local dev key or secret and POSTs it to `--url`, else to the local
 * pipeline's endpoint for the provider (found by {@link findLocalPipeline}).
 */
export const deliverSigned = async (
  provider: ProviderName,
  body: Buffer,
  env: NodeJS.ProcessEnv,
  flags: DeliveryFlags,
): Promise<{ url: string; status: number; statusText: string; text: string }> => {
  const dir = localDir(env, flags.localDir);
  const url = flags.url ?? localWebhookUrl(env, provider, dir, flags.port);
  const headers = await signForLocal(provider, body, env, dir);
  return { url, ...(await postWebhook(url, body, headers)) };
};
