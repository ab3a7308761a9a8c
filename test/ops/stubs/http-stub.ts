import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a stub received it, for field-by-field assertions. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  readonly body: unknown;
}

/** A stub's answer. */
export interface StubReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Sent as is (an HTML gateway page) instead of JSON. */
  readonly text?: string;
}

/** A loopback HTTP server that records every request and answers through `handle`. */
export interface HttpStub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** Starts a stub on a free loopback port. `delayMs` holds each answer (to observe concurrency). */
export const startHttpStub = async (
  handle: (request: RecordedRequest) => Promise<StubReply> | StubReply,
  delayMs = 0,
): Promise<HttpStub> => {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = rawBody ? JSON.parse(rawBody) : undefined;
        } catch {
          body = undefined;
        }
        const parsed = new URL(req.url ?? '/', 'http://stub');
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          url: req.url ?? '/',
          path: parsed.pathname,
          query: parsed.searchParams,
          headers: Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [
              k.toLowerCase(),
              Array.isArray(v) ? v.join(',') : (v ?? ''),
            ]),
          ),
          rawBody,
          body,
        };
        requests.push(recorded);
        const reply = await handle(recorded);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        if (reply.text !== undefined) {
          res.writeHead(reply.status, { 'content-type': 'text/html', ...reply.headers });
          res.end(reply.text);
        } else if (reply.body === undefined) {
          res.writeHead(reply.status, reply.headers);
          res.end();
        } else {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(JSON.stringify(reply.body));
        }
      } catch (error) {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`stub failure: ${(error as Error).message}`);
      } finally {
        inFlight -= 1;
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
