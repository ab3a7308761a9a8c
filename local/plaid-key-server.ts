import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlaidJwk } from '../lambdas/providers/plaid/verification-key-client.js';
import { readBody } from './http-util.js';

/** The path of Plaid's key endpoint. */
export const PLAID_KEY_PATH = '/webhook_verification_key/get';

/** A local stand-in for Plaid's `/webhook_verification_key/get`, mountable on any server. */
export interface PlaidKeyEndpoint {
  /** Answers one request to {@link PLAID_KEY_PATH}. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** How many key requests it has answered (tests check the cache with it). */
  readonly requests: () => number;
  /** Publishes or replaces a key (e.g. to mark it expired). */
  readonly setKey: (jwk: PlaidJwk) => void;
  /**
   * Makes every request get this answer (e.g. HTTP 400 `INVALID_API_KEYS`, as Plaid answers wrong
   * credentials), or serves keys again with `undefined`.
   */
  readonly setFailure: (answer: PlaidKeyFailureAnswer | undefined) => void;
}

/** An error answer of the key endpoint, in Plaid's error shape. */
export interface PlaidKeyFailureAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Plaid's answer to wrong API credentials (plaid.com/docs/errors/invalid-request). */
export const INVALID_API_KEYS_ANSWER: PlaidKeyFailureAnswer = {
  status: 400,
  body: {
    error_type: 'INVALID_INPUT',
    error_code: 'INVALID_API_KEYS',
    error_message: 'invalid client_id or secret provided',
    display_message: null,
    request_id: 'local-invalid-keys',
  },
};

/**
 * Serves public keys the way Plaid does: `{key, request_id}` for a known `key_id`, HTTP 400 with
 * Plaid's error shape otherwise.
 */
export const createPlaidKeyEndpoint = (keys: readonly PlaidJwk[]): PlaidKeyEndpoint => {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  let requests = 0;
  let failure: PlaidKeyFailureAnswer | undefined;
  return {
    requests: () => requests,
    setKey: (jwk) => void byKid.set(jwk.kid, jwk),
    setFailure: (answer) => {
      failure = answer;
    },
    async handle(req, res) {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      requests += 1;
      if (failure) {
        send(failure.status, failure.body);
        return;
      }
      let keyId: unknown;
      try {
        keyId = (JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as { key_id?: unknown })
          .key_id;
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
    },
  };
};

/** A key endpoint on its own loopback server. */
export interface PlaidKeyServer extends Omit<PlaidKeyEndpoint, 'handle'> {
  /** Base URL to use as `PLAID_BASE_URL`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link startPlaidKeyServer}. */
export interface PlaidKeyServerOptions {
  readonly keys: readonly PlaidJwk[];
  readonly port?: number;
  readonly host?: string;
}

/** Starts a server that answers only {@link PLAID_KEY_PATH}. */
export const startPlaidKeyServer = async ({
  keys,
  port = 0,
  host = '127.0.0.1',
}: PlaidKeyServerOptions): Promise<PlaidKeyServer> => {
  const endpoint = createPlaidKeyEndpoint(keys);
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === PLAID_KEY_PATH) {
      void endpoint.handle(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error_type: 'INVALID_REQUEST', error_code: 'NOT_FOUND', error_message: 'not found' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests: endpoint.requests,
    setKey: endpoint.setKey,
    setFailure: endpoint.setFailure,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
