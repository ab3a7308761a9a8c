import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { stringify } from 'lossless-json';
import { BodyTooLargeError, readBody } from '../http-util.js';
import type { LocalSubscriptions } from '../subscriptions/local-subscriptions.js';
import { type ConsoleActions, fireCatalogue } from './console-actions.js';
import type { ConsoleState } from './console-state.js';

const STATIC_DIR = join(import.meta.dirname, 'static');
const STATIC_FILES: Record<string, string> = {
  '/console': 'index.html',
  '/console/': 'index.html',
  '/console/console.js': 'console.js',
  '/console/console.css': 'console.css',
  // Declared by the page (<link rel="icon">), so the browser asks for no /favicon.ico.
  '/console/favicon.svg': 'favicon.svg',
};
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** What the console's HTTP side needs. */
export interface ConsoleServerOptions {
  readonly state: ConsoleState;
  readonly actions: ConsoleActions;
  readonly subscriptions: LocalSubscriptions | undefined;
  /** The console's own origin (`http://127.0.0.1:PORT`): other origins may not press its buttons. */
  readonly origin: string;
  /** Reads a request's record and brings the history up to date; the detail view's data. */
  readonly detail: (id: number) => Promise<unknown>;
  /** Notes an action in the record's history and tells the open pages. */
  readonly noteAction: (webhookId: string, status: string | undefined, note: string) => void;
}

/** The console's routes under /console. */
export interface ConsoleServer {
  /** Answers a request under /console; false when the path is not the console's. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /** Sends a message to every open page (server-sent events). */
  broadcast(message: unknown): void;
  close(): void;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(stringify(body) ?? 'null');
};

/** Creates the console's HTTP handlers: the page, its JSON API and the live stream. */
export const createConsoleServer = ({
  state,
  actions,
  subscriptions,
  origin,
  detail,
  noteAction,
}: ConsoleServerOptions): ConsoleServer => {
  const streams = new Set<ServerResponse>();
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  const subscriptionsView = () =>
    subscriptions
      ? {
          rulesFile: subscriptions.rulesFile,
          error: subscriptions.lastError() ?? null,
          rules: subscriptions.rules().map((r) => ({
            name: r.name,
            eventPattern: r.eventPattern,
            target: r.targetText,
          })),
          deliveries: subscriptions.deliveries().slice(-500),
        }
      : { rulesFile: null, error: null, rules: [], deliveries: [] };

  const own = new URL(origin);
  const hosts = new Set([own.host, `127.0.0.1:${own.port}`, `localhost:${own.port}`]);
  /** Only under the console's own name: a rebound DNS name must not read bodies or press buttons. */
  const ownHost = (req: IncomingMessage): boolean => hosts.has(req.headers.host ?? '');
  /** A browser page elsewhere must not press the buttons (cross-site POSTs). */
  const allowedWrite = (req: IncomingMessage): boolean => {
    if (!ownHost(req)) return false;
    const from = req.headers.origin;
    if (from && !hosts.has(from.replace(/^https?:\/\//, ''))) return false;
    return (req.headers['content-type'] ?? '').startsWith('application/json');
  };

  const withRecord = async (res: ServerResponse, id: number) => {
    const request = state.request(id);
    if (!request) {
      json(res, 404, { error: `no request ${id}` });
      return undefined;
    }
    if (!request.dedupeKey || !request.webhookId) {
      json(res, 409, { error: 'this request stored nothing' });
      return undefined;
    }
    const record = await actions.record(request.dedupeKey);
    if (!record) {
      json(res, 409, { error: 'no record is stored for this body (expired, or replaced)' });
      return undefined;
    }
    if (record.webhookId !== request.webhookId) {
      json(res, 409, { error: `the record stored for this body is now webhook ${record.webhookId}` });
      return undefined;
    }
    return { request, record };
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET';
    if (path === '/console/api/requests' && method === 'GET') return json(res, 200, { rows: state.rows() });
    if (path === '/console/api/catalogue' && method === 'GET')
      return json(res, 200, { entries: fireCatalogue() });
    if (path === '/console/api/subscriptions' && method === 'GET') return json(res, 200, subscriptionsView());
    if (path === '/console/api/stream' && method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('event: hello\ndata: {}\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    const detailMatch = /^\/console\/api\/requests\/(\d+)$/.exec(path);
    if (detailMatch && method === 'GET') {
      const view = await detail(Number(detailMatch[1]));
      return view ? json(res, 200, view) : json(res, 404, { error: 'no such request' });
    }
    const action = /^\/console\/api\/requests\/(\d+)\/(resend|replay|requeue)$/.exec(path);
    const isFire = path === '/console/api/fire';
    if ((action || isFire) && method === 'POST') {
      if (!allowedWrite(req)) return json(res, 403, { error: 'only the console page itself may do this' });
      let body: Buffer;
      try {
        body = await readBody(req, 2 * 1024 * 1024);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return json(res, 413, { error: 'too large' });
        throw error;
      }
      if (isFire) {
        let input: { provider?: unknown; body?: unknown };
        try {
          input = JSON.parse(body.toString('utf8')) as typeof input;
        } catch {
          return json(res, 400, { error: 'send {"provider", "body"}' });
        }
        if ((input.provider !== 'plaid' && input.provider !== 'argyle') || typeof input.body !== 'string')
          return json(res, 400, { error: 'provider must be plaid or argyle and body a string' });
        // The edited text is sent as typed: the bytes signed are the bytes the page shows.
        return json(res, 200, await actions.post(input.provider, Buffer.from(input.body, 'utf8'), 'fire'));
      }
      const [, idText, verb] = action as RegExpExecArray;
      const id = Number(idText);
      if (verb === 'resend') {
        const request = state.request(id);
        if (!request) return json(res, 404, { error: `no request ${id}` });
        const bytes = Buffer.from(request.rawBody, request.bodyEncoding);
        return json(res, 200, await actions.post(request.provider, bytes, 'resend'));
      }
      const found = await withRecord(res, id);
      if (!found) return;
      const { record } = found;
      if (verb === 'replay') {
        if (['quarantined', 'failed'].includes(record.status))
          return json(res, 409, { error: `the record is ${record.status}: use Requeue` });
        await actions.replay(record);
        noteAction(record.webhookId, undefined, 'Replay: a replay message was sent to the queue');
        return json(res, 200, { ok: true, message: 'replay message sent; the event follows in a moment' });
      }
      if (!['quarantined', 'failed'].includes(record.status))
        return json(res, 409, { error: `the record is ${record.status}, not quarantined: use Replay` });
      await actions.requeue(record);
      noteAction(
        record.webhookId,
        undefined,
        'Requeue: a requeued message was sent to the queue; the router validates the body again',
      );
      return json(res, 200, { ok: true, message: 'requeued message sent' });
    }
    json(res, 404, { error: 'no such console route' });
  };

  return {
    async handle(req, res, path) {
      if (path !== '/console' && !path.startsWith('/console/')) return false;
      if (!ownHost(req)) {
        json(res, 403, { error: 'the console answers only at 127.0.0.1 or localhost' });
        return true;
      }
      const file = STATIC_FILES[path];
      if (file && req.method === 'GET') {
        const text = await readFile(join(STATIC_DIR, file));
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'text/plain',
          'cache-control': 'no-store',
        });
        res.end(text);
        return true;
      }
      try {
        await api(req, res, path);
      } catch (error) {
        if (!res.headersSent) json(res, 502, { error: (error as Error).message });
      }
      return true;
    },
    broadcast(message) {
      // Most runs have no console open: no frame to build for each webhook then.
      if (streams.size === 0) return;
      const frame = `data: ${stringify(message)}\n\n`;
      for (const s of streams) s.write(frame);
    },
    close() {
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      streams.clear();
    },
  };
};
