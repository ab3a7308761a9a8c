import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to a matching call. */
export type FaultAction =
  /** Answer with an AWS JSON-protocol error without forwarding. */
  | { readonly kind: 'error'; readonly status: number; readonly type: string }
  /** Hold the call this long, then forward it. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Never answer and never forward (a process killed mid-call leaves exactly this). */
  | { readonly kind: 'hang' }
  /** Answer success without forwarding (SQS DeleteMessageBatch "succeeds" but the message stays). */
  | { readonly kind: 'swallow'; readonly answer: (request: Record<string, unknown>) => unknown }
  /** PutEvents only: refuse a share of the entries, forward the rest, merge the answers in order. */
  | { readonly kind: 'fail-entries'; readonly ratio: number };

/** A fault rule: calls whose `X-Amz-Target` matches get the action, with a probability. */
export interface FaultRule {
  readonly target: RegExp;
  readonly action: FaultAction;
  /** Share of matching calls affected (default 1). */
  readonly probability?: number;
}

/** A proxy in front of one AWS-protocol endpoint (an emulator or the local bus). */
export interface FaultProxy {
  readonly endpoint: string;
  /** Replaces the active rules ([] = pass everything). */
  setRules(rules: readonly FaultRule[]): void;
  /** Calls seen per target since start (forwarded or not). */
  seen(target: string): number;
  close(): Promise<void>;
}

const readAll = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
};

/**
 * Fault injection at the network level: the pipeline's real SDK clients talk to this proxy as if
 * it were DynamoDB, SQS or EventBridge, and it forwards to the emulator unless a rule says otherwise.
 */
export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const target = new URL(upstream);
  let rules: readonly FaultRule[] = [];
  const counts = new Map<string, number>();
  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const out = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        async (res) => {
          const data = await readAll(res);
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body: data });
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  const reply = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer | string,
  ) => {
    if (res.destroyed) return;
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    res.writeHead(status, headers);
    res.end(body);
  };

  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    counts.set(amzTarget, (counts.get(amzTarget) ?? 0) + 1);
    const rule = rules.find((r) => r.target.test(amzTarget) && Math.random() < (r.probability ?? 1));
    try {
      if (!rule) {
        const answer = await forward(req, body);
        reply(res, answer.status, answer.headers, answer.body);
        return;
      }
      const { action } = rule;
      if (action.kind === 'error') {
        reply(
          res,
          action.status,
          { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': action.type },
          JSON.stringify({ __type: action.type, message: `injected ${action.type}` }),
        );
      } else if (action.kind === 'hang') {
        // Left open until the caller gives up or dies.
      } else if (action.kind === 'delay') {
        await new Promise((r) => setTimeout(r, action.ms));
        const answer = await forward(req, body);
        reply(res, answer.status, answer.headers, answer.body);
      } else if (action.kind === 'swallow') {
        reply(
          res,
          200,
          { 'content-type': 'application/x-amz-json-1.0' },
          JSON.stringify(action.answer(JSON.parse(body.toString() || '{}'))),
        );
      } else {
        const request = JSON.parse(body.toString()) as { Entries: unknown[] };
        const refused = request.Entries.map(() => Math.random() < action.ratio);
        const kept = request.Entries.filter((_, i) => !refused[i]);
        let forwarded: { Entries: unknown[] } = { Entries: [] };
        if (kept.length) {
          const answer = await forward(req, Buffer.from(JSON.stringify({ ...request, Entries: kept })));
          forwarded = JSON.parse(answer.body.toString()) as { Entries: unknown[] };
        }
        let k = 0;
        const entries = refused.map((r) =>
          r
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'injected entry failure' }
            : forwarded.Entries[k++],
        );
        const failed = entries.filter((e) => (e as { ErrorCode?: string }).ErrorCode).length;
        reply(
          res,
          200,
          { 'content-type': 'application/x-amz-json-1.1' },
          JSON.stringify({ FailedEntryCount: failed, Entries: entries }),
        );
      }
    } catch (error) {
      reply(res, 502, { 'content-type': 'text/plain' }, String(error));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setRules: (next) => {
      rules = next;
    },
    seen: (t) => counts.get(t) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
