import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlaidJwk } from '../providers/plaid/verification-key-client.js';

/** A local stand-in for Plaid's `/webhook_verification_key/get`. */
export interface PlaidKeyServer {
  /** Base URL to use as `PLAID_BASE_URL`. */
  readonly url: string;
  /** How many key requests it has answered (tests check the cache with it). */
  readonly requests: () => number;
  /** Publishes or replaces a key (e.g. to mark it expired). */
  readonly setKey: (jwk: PlaidJwk) => void;
  close(): Promise<void>;
}

/** Options of {@link startPlaidKeyServer}. */
export interface PlaidKeyServerOptions {
  readonly keys: readonly PlaidJwk[];
  readonly port?: number;
  readonly host?: string;
}

const readBody = async (req: IncomingMessage, limit = 64 * 1024): Promise<string> => {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * Serves the given public keys the way Plaid does: `{key, request_id}` for a known `key_id`,
 * HTTP 400 with Plaid's error shape otherwise.
 */
export const startPlaidKeyServer = async ({
  keys,
  port = 0,
  host = '127.0.0.1',
}: PlaidKeyServerOptions): Promise<PlaidKeyServer> => {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  let requests = 0;
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/webhook_verification_key/get') {
      send(404, { error_type: 'INVALID_REQUEST', error_code: 'NOT_FOUND', error_message: 'not found' });
      return;
    }
    requests += 1;
    let keyId: unknown;
    try {
      keyId = (JSON.parse(await readBody(req)) as { key_id?: unknown }).key_id;
    } catch {
      send(400, {
        error_type: 'INVALID_REQUEST',
        error_code: 'INVALID_BODY',
        error_message: 'body is not JSON',
      });
      return;
    }
    const key = typeof keyId === 'string' ? byKid.get(keyId) : undefined;
    if (!key) {
      send(400, {
        error_type: 'INVALID_INPUT',
        error_code: 'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
        error_message: 'unknown key_id',
      });
      return;
    }
    send(200, { key, request_id: `local-${requests}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    requests: () => requests,
    setKey: (jwk) => byKid.set(jwk.kid, jwk),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
