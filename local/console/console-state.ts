import { createHash } from 'node:crypto';

/** What became of a request: the ingest answer, in one word. */
export type RequestOutcome = 'accepted' | 'duplicate' | 'quarantined' | 'refused';

/** One request to a webhook route, as the console shows it. */
export interface ConsoleRequest {
  readonly id: number;
  readonly at: string;
  readonly provider: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: RequestOutcome;
  /** Why it was refused (the error of the answer). */
  readonly reason?: string;
  readonly webhookId?: string;
  readonly detailType: string;
  /** `<provider>#<sha256 of the raw body>`, the stored record's key. */
  readonly dedupeKey?: string;
  /** Item, account and user ids found in the body, for search. */
  readonly ids: readonly string[];
  /** Request headers with signature values redacted. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly verification: string;
  /** The answer's body as sent. */
  readonly answer: string;
  /** Who sent it: a provider or a CLI over HTTP, or a console button. */
  readonly origin: string;
}

/** One entry of a record's status history, as the dev runtime observed it. */
export interface StatusChange {
  readonly at: string;
  readonly status: string;
  readonly note: string;
}

/** One event seen on the local bus for a webhook, as a rule target receives it. */
export interface ObservedEvent {
  readonly at: string;
  readonly id: string;
  readonly replayed: boolean;
  /** The exact JSON line. */
  readonly line: string;
}

/** The list row of a request. */
export type RequestRow = Pick<
  ConsoleRequest,
  'id' | 'at' | 'provider' | 'status' | 'outcome' | 'reason' | 'webhookId' | 'detailType' | 'ids' | 'origin'
> & { readonly events: number; readonly recordStatus?: string };

const SIGNATURE_HEADERS = new Set(['plaid-verification', 'x-argyle-signature', 'authorization', 'cookie']);

/** Headers for display: signature and credential values replaced by their length. */
export const redactHeaders = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      SIGNATURE_HEADERS.has(k.toLowerCase()) ? `[redacted, ${v.length} characters]` : v,
    ]),
  );

const ID_KEYS = new Set(['item_id', 'account', 'account_id', 'user', 'user_id', 'link_token', 'id']);

/** Item, account and user ids in a body (a few levels deep), so a search by id finds the request. */
export const idsInBody = (body: unknown): string[] => {
  const ids = new Set<string>();
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value.slice(0, 50)) walk(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (ID_KEYS.has(k) && typeof v === 'string' && v.length <= 200) ids.add(v);
      else if ((k === 'account_ids' || k === 'accounts') && Array.isArray(v))
        for (const a of v.slice(0, 50)) if (typeof a === 'string') ids.add(a);
      walk(v, depth + 1);
    }
  };
  walk(body, 0);
  return [...ids];
};

/** The detail-type a body would get, for display before the handler's verdict is known. */
export const detailTypeOfBody = (provider: string, body: unknown): string => {
  if (body === null || typeof body !== 'object') return '-';
  const json = body as Record<string, unknown>;
  if (provider === 'plaid' && typeof json.webhook_type === 'string')
    return `${json.webhook_type}.${String(json.webhook_code)}`;
  if (provider === 'argyle' && typeof json.event === 'string') return json.event;
  return '-';
};

/** The dedupe key of a body, as ingest computes it. */
export const dedupeKeyOf = (provider: string, body: Buffer): string =>
  `${provider}#${createHash('sha256').update(body).digest('hex')}`;

/** Everything the console shows, kept in memory for the life of the dev process. */
export interface ConsoleState {
  addRequest(request: Omit<ConsoleRequest, 'id'>): ConsoleRequest;
  request(id: number): ConsoleRequest | undefined;
  rows(): RequestRow[];
  row(request: ConsoleRequest): RequestRow;
  /** Requests of a webhook, oldest first. */
  requestsOf(webhookId: string): ConsoleRequest[];
  addStatus(webhookId: string, status: string, note: string): void;
  history(webhookId: string): readonly StatusChange[];
  addEvent(webhookId: string, event: ObservedEvent): void;
  events(webhookId: string): readonly ObservedEvent[];
}

/** The console's memory; the oldest requests go first past `limit`. */
export const createConsoleState = (limit = 2000): ConsoleState => {
  const requests: ConsoleRequest[] = [];
  const byId = new Map<number, ConsoleRequest>();
  // Requests by webhookId, so each event and status change finds its rows without a scan of all.
  const byWebhook = new Map<string, ConsoleRequest[]>();
  const histories = new Map<string, StatusChange[]>();
  const eventsOf = new Map<string, ObservedEvent[]>();
  let nextId = 1;
  const now = () => new Date().toISOString();

  const state: ConsoleState = {
    addRequest(fields) {
      const request: ConsoleRequest = { ...fields, id: nextId++ };
      requests.push(request);
      byId.set(request.id, request);
      if (request.webhookId) {
        const list = byWebhook.get(request.webhookId) ?? [];
        list.push(request);
        byWebhook.set(request.webhookId, list);
      }
      if (requests.length > limit) {
        const dropped = requests.shift();
        if (dropped) byId.delete(dropped.id);
        // The history and events of a webhook go with its last request.
        const gone = dropped?.webhookId;
        if (gone) {
          const left = (byWebhook.get(gone) ?? []).filter((r) => r !== dropped);
          if (left.length > 0) byWebhook.set(gone, left);
          else {
            byWebhook.delete(gone);
            histories.delete(gone);
            eventsOf.delete(gone);
          }
        }
      }
      return request;
    },
    request: (id) => byId.get(id),
    rows: () => requests.map((r) => state.row(r)),
    row: (r) => ({
      id: r.id,
      at: r.at,
      provider: r.provider,
      status: r.status,
      outcome: r.outcome,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.webhookId ? { webhookId: r.webhookId } : {}),
      detailType: r.detailType,
      ids: r.ids,
      origin: r.origin,
      events: r.webhookId ? (eventsOf.get(r.webhookId)?.length ?? 0) : 0,
      ...(r.webhookId && histories.get(r.webhookId)?.length
        ? { recordStatus: histories.get(r.webhookId)?.at(-1)?.status }
        : {}),
    }),
    requestsOf: (webhookId) => [...(byWebhook.get(webhookId) ?? [])],
    addStatus(webhookId, status, note) {
      const list = histories.get(webhookId) ?? [];
      list.push({ at: now(), status, note });
      histories.set(webhookId, list);
    },
    history: (webhookId) => histories.get(webhookId) ?? [],
    addEvent(webhookId, event) {
      const list = eventsOf.get(webhookId) ?? [];
      list.push(event);
      eventsOf.set(webhookId, list);
    },
    events: (webhookId) => eventsOf.get(webhookId) ?? [],
  };
  return state;
};
