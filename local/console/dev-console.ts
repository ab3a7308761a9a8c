import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createSqsWebhookQueue } from '../../lambdas/shared/adapters/webhook-queue.js';
import { createWebhookRecordReader } from '../../lambdas/shared/adapters/webhook-record-reader.js';
import type { DevKeys } from '../dev-keys.js';
import type { BusEvent } from '../local-bus.js';
import { type LocalSubscriptions, startLocalSubscriptions } from '../subscriptions/local-subscriptions.js';
import { createConsoleActions, ORIGIN_HEADER } from './console-actions.js';
import { createConsoleServer } from './console-server.js';
import {
  createConsoleState,
  dedupeKeyOf,
  detailTypeOfBody,
  idsInBody,
  type RequestOutcome,
  redactHeaders,
} from './console-state.js';

/** What the dev runtime saw of one request to a webhook route, besides the request itself. */
export interface ObservedRequest {
  readonly provider: string;
  readonly path: string;
  readonly body: Buffer;
  readonly status: number;
  /** The answer's body as sent. */
  readonly answer: string;
  /** The body parsed as JSON (undefined when it is not), when the caller has parsed it already. */
  readonly json?: unknown;
}

interface Observed extends ObservedRequest {
  readonly method: string;
  readonly headers: Record<string, string>;
}

/** Options of {@link startDevConsole}. */
export interface DevConsoleOptions {
  /** The ingest endpoint's base URL; the console is served at `<url>/console`. */
  readonly url: string;
  readonly keys: DevKeys;
  readonly env: NodeJS.ProcessEnv;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly tableName: string;
  readonly queueUrl: string;
  /** A rules file of local subscriptions (`dev --rules`). */
  readonly rulesFile?: string | undefined;
  readonly log: (line: string) => void;
}

/** The console and the local subscriptions, observing the dev runtime. */
export interface DevConsole {
  readonly url: string;
  readonly subscriptions: LocalSubscriptions | undefined;
  /** Serves /console; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /** After the ingest handler answered a webhook route. */
  recordRequest(req: IncomingMessage, request: ObservedRequest): void;
  /** After the local bus wrote an event (its exact line). */
  recordEvent(event: BusEvent, line: string): void;
  stop(): Promise<void>;
}

/** A body as JSON, or undefined when it is not JSON. */
export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

const OUTCOMES = new Set(['accepted', 'duplicate', 'quarantined']);

const jwtParts = (token: string): { header?: Record<string, unknown>; payload?: Record<string, unknown> } => {
  const [h, p] = token.split('.');
  const decode = (part: string | undefined) => {
    try {
      return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const header = decode(h);
  const payload = decode(p);
  return { ...(header ? { header } : {}), ...(payload ? { payload } : {}) };
};

/** The verification result in words, from the answer and the signature header (never its value). */
const describeVerification = (request: Observed, reason: string | undefined): string => {
  let scheme = 'no signature header';
  const plaid = request.headers['plaid-verification'];
  const argyle = request.headers['x-argyle-signature'];
  if (plaid) {
    const { header, payload } = jwtParts(plaid);
    const iat = typeof payload?.iat === 'number' ? payload.iat : undefined;
    scheme = `Plaid-Verification JWT, alg ${String(header?.alg ?? '?')}, kid ${String(header?.kid ?? '?')}${iat ? `, iat ${new Date(iat * 1000).toISOString()}` : ''}`;
  } else if (argyle) scheme = 'X-Argyle-Signature, HMAC-SHA512 of the raw body';
  const s = request.status;
  if (s >= 200 && s < 300) return `verified: ${scheme}`;
  if (s === 401) return `refused: ${reason ?? 'signature'} (${scheme})`;
  if (s === 400) return `verified, then the body was refused: ${reason ?? ''} (${scheme})`;
  if (s === 503) return `not completed: ${reason ?? 'a dependency failed'} (${scheme})`;
  return `not checked: ${reason ?? `HTTP ${s}`}`;
};

/**
 * Starts the console (served by the ingest server under /console) and, with a rules file, the local
 * subscriptions. It only observes: requests after the handler answered, events after the bus wrote
 * them; stored records are read through the store adapter when a request is opened.
 */
export const startDevConsole = async (options: DevConsoleOptions): Promise<DevConsole> => {
  const state = createConsoleState();
  const actions = createConsoleActions({
    ingestUrl: options.url,
    keys: options.keys,
    env: options.env,
    queue: createSqsWebhookQueue({ client: options.sqs, queueUrl: options.queueUrl }),
    reader: createWebhookRecordReader({ client: options.dynamo, tableName: options.tableName }),
  });
  let broadcast: (message: unknown) => void = () => undefined;
  const rowsOf = (webhookId: string) => {
    for (const request of state.requestsOf(webhookId)) broadcast({ type: 'row', row: state.row(request) });
  };
  /** An action joins the history under the status it changes to, or the status it leaves as it is. */
  const noteAction = (webhookId: string, status: string | undefined, note: string) => {
    state.addStatus(webhookId, status ?? state.history(webhookId).at(-1)?.status ?? 'received', note);
    rowsOf(webhookId);
  };

  const subscriptions = options.rulesFile
    ? await startLocalSubscriptions({
        rulesFile: options.rulesFile,
        log: options.log,
        onAttempt: (delivery) => broadcast({ type: 'delivery', delivery }),
        onRules: () => broadcast({ type: 'rules' }),
      })
    : undefined;

  const detail = async (id: number) => {
    const request = state.request(id);
    if (!request) return undefined;
    let record: Record<string, unknown> | null = null;
    let recordError: string | null = null;
    if (request.dedupeKey && request.webhookId) {
      try {
        const stored = await actions.record(request.dedupeKey);
        if (stored) {
          const { rawBody: _body, ...rest } = stored;
          record = rest;
          const seen = new Set(state.history(stored.webhookId).map((h) => h.status));
          // A status the runtime could not see happen (failed, or a change by another tool) joins the history.
          if (stored.webhookId === request.webhookId && !seen.has(stored.status))
            state.addStatus(stored.webhookId, stored.status, 'read from the table');
          if (stored.webhookId !== request.webhookId)
            recordError = `the stored record under this body is now webhook ${stored.webhookId}`;
        } else recordError = 'no record stored under this body (never stored, expired or replaced)';
      } catch (error) {
        recordError = `could not read the table: ${(error as Error).message}`;
      }
    }
    const webhookId = request.webhookId;
    return {
      request,
      record,
      recordError,
      history: webhookId ? state.history(webhookId) : [],
      issues: (record?.issues as string[] | undefined) ?? [],
      events: webhookId ? state.events(webhookId) : [],
      deliveries: webhookId
        ? (subscriptions?.deliveries().filter((d) => d.webhookId === webhookId) ?? [])
        : [],
      related: webhookId
        ? state
            .requestsOf(webhookId)
            .filter((r) => r.id !== id)
            .map((r) => state.row(r))
        : [],
    };
  };

  const server = createConsoleServer({
    state,
    actions,
    subscriptions,
    origin: options.url,
    detail,
    noteAction,
  });
  broadcast = server.broadcast;

  return {
    url: `${options.url}/console`,
    subscriptions,
    handle: server.handle,
    recordRequest(req, fields) {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k.toLowerCase(),
          Array.isArray(v) ? v.join(',') : (v ?? ''),
        ]),
      );
      const observed: Observed = { ...fields, method: req.method ?? 'POST', headers };
      const parsedBody = 'json' in fields ? fields.json : parseJson(observed.body);
      let answer: { status?: string; webhookId?: string; error?: string; message?: string } = {};
      try {
        answer = JSON.parse(observed.answer) as typeof answer;
      } catch {
        // Not JSON: the reason is the raw answer.
      }
      const ok = observed.status >= 200 && observed.status < 300;
      const outcome: RequestOutcome =
        ok && answer.status && OUTCOMES.has(answer.status) ? (answer.status as RequestOutcome) : 'refused';
      const reason =
        outcome === 'refused'
          ? (answer.error ?? answer.message ?? (observed.answer || `HTTP ${observed.status}`))
          : undefined;
      const utf8 = isUtf8(observed.body);
      const request = state.addRequest({
        at: new Date().toISOString(),
        provider: observed.provider,
        method: observed.method,
        path: observed.path,
        status: observed.status,
        outcome,
        ...(reason ? { reason } : {}),
        ...(answer.webhookId ? { webhookId: answer.webhookId } : {}),
        detailType: detailTypeOfBody(observed.provider, parsedBody),
        ...(answer.webhookId ? { dedupeKey: dedupeKeyOf(observed.provider, observed.body) } : {}),
        ids: idsInBody(parsedBody),
        headers: redactHeaders(observed.headers),
        rawBody: observed.body.toString(utf8 ? 'utf8' : 'base64'),
        bodyEncoding: utf8 ? 'utf8' : 'base64',
        verification: describeVerification(observed, reason),
        answer: observed.answer,
        origin: observed.headers[ORIGIN_HEADER] ?? observed.headers['user-agent'] ?? '-',
      });
      if (request.webhookId) {
        const last = state.history(request.webhookId).at(-1)?.status;
        if (outcome === 'accepted')
          state.addStatus(
            request.webhookId,
            'received',
            `accepted: stored and enqueued (HTTP ${observed.status})`,
          );
        else if (outcome === 'quarantined')
          state.addStatus(
            request.webhookId,
            'quarantined',
            'stored, not published: the body failed its schema',
          );
        else if (outcome === 'duplicate')
          state.addStatus(
            request.webhookId,
            last ?? 'received',
            'another delivery of the same body: duplicate',
          );
      }
      broadcast({ type: 'request', row: state.row(request) });
      if (request.webhookId) rowsOf(request.webhookId);
    },
    recordEvent(event, line) {
      const metadata = (event.detail as { metadata?: { webhookId?: string; replayed?: boolean } } | null)
        ?.metadata;
      const webhookId = metadata?.webhookId;
      subscriptions?.publish(event, line);
      if (!webhookId) return;
      const replayed = metadata?.replayed === true;
      state.addEvent(webhookId, { at: new Date().toISOString(), id: event.id, replayed, line });
      state.addStatus(
        webhookId,
        'published',
        replayed ? 'published again (replayed)' : 'published to the bus',
      );
      rowsOf(webhookId);
    },
    async stop() {
      server.close();
      await subscriptions?.stop();
    },
  };
};
