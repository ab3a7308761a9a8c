import { createHash } from 'node:crypto';
import { ARGYLE_EVENT_NAMES } from '@webhook-pipeline/events';
import { UsageError } from '../cli-error.js';
import { nearest } from '../suggest.js';
import { type RetryDecision, retryAfterMs } from './concurrency.js';
import type { ArgyleApiKey } from './credentials.js';

/** Argyle's API hosts by environment name (`ARGYLE_ENV`). */
export const ARGYLE_ENVIRONMENTS: Readonly<Record<string, string>> = {
  production: 'https://api.argyle.com',
  sandbox: 'https://api-sandbox.argyle.com',
};

/**
 * The Argyle API base URL, without `/v2`: `ARGYLE_BASE_URL` (a stub, a proxy), else the
 * environment named by `ARGYLE_ENV`.
 */
export const argyleBaseUrl = (env: NodeJS.ProcessEnv): string => {
  if (env.ARGYLE_BASE_URL) return env.ARGYLE_BASE_URL.replace(/\/+$/, '').replace(/\/v2$/, '');
  const name = env.ARGYLE_ENV;
  if (!name) {
    throw new UsageError(
      'set ARGYLE_ENV (sandbox or production) or ARGYLE_BASE_URL to say which Argyle API to call',
    );
  }
  const url = ARGYLE_ENVIRONMENTS[name];
  if (!url) throw new UsageError(`ARGYLE_ENV "${name}" is not an Argyle environment (sandbox, production)`);
  return url;
};

/** A webhook subscription as `GET /v2/webhooks` lists it. */
export interface ArgyleSubscription {
  readonly id: string;
  readonly name: string;
  readonly events: readonly string[];
  readonly url: string;
  readonly config?: { readonly items?: readonly string[]; readonly [key: string]: unknown } | null;
  /** Absent when the API does not return it; null when the subscription has none. */
  readonly secret?: string | null;
  readonly created_at?: string;
}

/** The body of `POST /v2/webhooks`. */
export interface CreateSubscriptionBody {
  readonly events: readonly string[];
  readonly name: string;
  readonly url: string;
  readonly secret: string;
  readonly config?: { readonly items: readonly string[] };
}

/** An answer of Argyle's API other than a success, or no answer at all (status 0). */
export class ArgyleApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly detail: string,
    public readonly retryAfterMs?: number,
  ) {
    super(status ? `HTTP ${status}: ${detail}` : detail);
    this.name = 'ArgyleApiError';
  }
}

/** Retry policy: 429 pauses every worker; 5xx and no answer retry; other statuses are final. */
export const argyleRetryDecision = (error: unknown): RetryDecision => {
  if (!(error instanceof ArgyleApiError)) return { retry: false };
  if (error.status === 429) {
    return {
      retry: true,
      rateLimited: true,
      ...(error.retryAfterMs !== undefined ? { afterMs: error.retryAfterMs } : {}),
    };
  }
  return error.status >= 500 || error.status === 0 ? { retry: true } : { retry: false };
};

/** Argyle's error bodies: `{"detail": "…"}`, or field errors `{"field": ["…"]}`. */
const describeErrorBody = (text: string): string => {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      for (const key of ['detail', 'message', 'error']) {
        if (typeof record[key] === 'string') return record[key] as string;
      }
      return Object.entries(record)
        .map(
          ([field, value]) => `${field}: ${Array.isArray(value) ? value.join(' ') : JSON.stringify(value)}`,
        )
        .join('; ');
    }
  } catch {
    // Not JSON (a gateway's HTML page): the start of the text.
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no body';
};

/** The subscription API of Argyle (design 7; reference C.4). */
export interface ArgyleClient {
  /** Every subscription, following the `next` cursor, 200 a page. */
  list(): Promise<ArgyleSubscription[]>;
  create(body: CreateSubscriptionBody): Promise<ArgyleSubscription>;
  /** `deleted`, or `absent` when Argyle answers 404 (already gone). */
  remove(id: string): Promise<'deleted' | 'absent'>;
}

/** Settings of {@link createArgyleClient}. */
export interface ArgyleClientOptions {
  readonly baseUrl: string;
  readonly apiKey: ArgyleApiKey;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

const PAGE_LIMIT = 200;
const MAX_PAGES = 10_000;

/** A client of Argyle's `/v2/webhooks` with HTTP Basic auth `api_key_id:api_key_secret`. */
export const createArgyleClient = (options: ArgyleClientOptions): ArgyleClient => {
  const doFetch = options.fetch ?? fetch;
  const authorization = `Basic ${Buffer.from(`${options.apiKey.keyId}:${options.apiKey.keySecret}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}${path}`, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ArgyleApiError(0, `no answer from ${options.baseUrl} (${reason})`);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    throw new ArgyleApiError(
      response.status,
      describeErrorBody(text),
      retryAfterMs(response.headers.get('retry-after')),
    );
  };

  return {
    async list() {
      const all: ArgyleSubscription[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const query = new URLSearchParams({ limit: String(PAGE_LIMIT), ...(cursor ? { cursor } : {}) });
        const response = await call('GET', `/v2/webhooks?${query}`);
        const body = (await response.json()) as { next?: string | null; results?: ArgyleSubscription[] };
        all.push(...(body.results ?? []));
        if (!body.next) return all;
        // `next` is a URL carrying the cursor; ask our own base URL for it (a proxy or stub may differ).
        let nextCursor: string | null = null;
        try {
          nextCursor = new URL(body.next).searchParams.get('cursor');
        } catch {
          nextCursor = null;
        }
        if (!nextCursor || seen.has(nextCursor)) {
          throw new ArgyleApiError(response.status, `cannot follow the listing's next page (${body.next})`);
        }
        seen.add(nextCursor);
        cursor = nextCursor;
      }
      throw new ArgyleApiError(200, `more than ${MAX_PAGES} pages of subscriptions`);
    },
    async create(body) {
      return (await (await call('POST', '/v2/webhooks', body)).json()) as ArgyleSubscription;
    },
    async remove(id) {
      try {
        await call('DELETE', `/v2/webhooks/${encodeURIComponent(id)}`);
        return 'deleted';
      } catch (error) {
        if (error instanceof ArgyleApiError && error.status === 404) return 'absent';
        throw error;
      }
    },
  };
};

/** The Items events: they need explicit Item ids, and `*` does not include them. */
export const ITEMS_EVENTS: readonly string[] = ['items.updated', 'items.removed'];
/** At most this many Item ids per subscription (`config.items`). */
export const MAX_ITEMS_PER_SUBSCRIPTION = 30;

/** Checks `--events`: Argyle v2 event names, or `*` (every event but the Items ones). */
export const checkArgyleEvents = (events: readonly string[]): string[] => {
  if (events.length === 0)
    throw new UsageError('missing --events <list> (comma-separated; * for all but items.*)');
  const known = new Set<string>(ARGYLE_EVENT_NAMES);
  const unknown = events.filter((e) => e !== '*' && !known.has(e));
  if (unknown.length) {
    const near = unknown.flatMap((e) => nearest(e, ARGYLE_EVENT_NAMES, { most: 1 }));
    throw new UsageError(
      `unknown Argyle event${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (see fire --list argyle)`,
    );
  }
  return [...new Set(events)];
};

/** Inputs of {@link planSubscriptions}. */
export interface PlanInput {
  readonly existing: readonly ArgyleSubscription[];
  readonly url: string;
  readonly events: readonly string[];
  readonly items: readonly string[];
  readonly secret: string;
  readonly accepted: readonly string[];
  readonly namePrefix: string;
}

/** What {@link planSubscriptions} decided. */
export interface SubscriptionPlan {
  /** Subscriptions to create, each with at most 30 Item ids. */
  readonly create: readonly CreateSubscriptionBody[];
  /** Existing subscriptions at the URL that already deliver some of what was asked. */
  readonly reused: readonly { id: string; name: string; events: readonly string[]; items: number }[];
  /** Subscriptions at the URL that do not count: no secret, or one the pipeline does not verify with. */
  readonly ignored: readonly { id: string; name: string; reason: string }[];
  /** Asked-for (event, Item) pairs and non-Items events already delivered. */
  readonly alreadyCovered: number;
}

const shortHash = (parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 10);

/**
 * Decides which subscriptions to create so that the URL receives every asked-for event (and every
 * asked-for Items event for each Item), creating nothing that an existing subscription at the same
 * URL with a secret the pipeline accepts already delivers. Items events go in subscriptions of at
 * most 30 Item ids, named `<prefix>-items-<hash of their content>`; other events in one named `<prefix>`.
 */
export const planSubscriptions = (input: PlanInput): SubscriptionPlan => {
  const atUrl = input.existing.filter((s) => s.url === input.url);
  const ignored: { id: string; name: string; reason: string }[] = [];
  const usable = atUrl.filter((s) => {
    if (s.secret === undefined || (s.secret !== null && input.accepted.includes(s.secret))) return true;
    ignored.push({
      id: s.id,
      name: s.name,
      reason:
        s.secret === null
          ? 'no secret: its deliveries are unsigned and refused'
          : 'a secret the pipeline does not verify with',
    });
    return false;
  });
  const used = new Set<string>();
  let alreadyCovered = 0;
  const create: CreateSubscriptionBody[] = [];

  const general = input.events.filter((e) => !ITEMS_EVENTS.includes(e));
  const missingGeneral = general.filter((event) => {
    const by = usable.find((s) => s.events.includes(event) || (event !== '*' && s.events.includes('*')));
    if (by) {
      used.add(by.id);
      alreadyCovered += 1;
    }
    return !by;
  });
  if (missingGeneral.length) {
    create.push({ events: missingGeneral, name: input.namePrefix, url: input.url, secret: input.secret });
  }

  const itemsEvents = input.events.filter((e) => ITEMS_EVENTS.includes(e));
  const groups = new Map<string, string[]>();
  for (const item of itemsEvents.length ? input.items : []) {
    const missing = itemsEvents.filter((event) => {
      const by = usable.find((s) => s.events.includes(event) && (s.config?.items ?? []).includes(item));
      if (by) {
        used.add(by.id);
        alreadyCovered += 1;
      }
      return !by;
    });
    if (missing.length === 0) continue;
    const key = missing.join(',');
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const [key, items] of groups) {
    const events = key.split(',');
    for (let i = 0; i < items.length; i += MAX_ITEMS_PER_SUBSCRIPTION) {
      const chunk = items.slice(i, i + MAX_ITEMS_PER_SUBSCRIPTION);
      create.push({
        events,
        name: `${input.namePrefix}-items-${shortHash([...events, ...chunk])}`,
        url: input.url,
        secret: input.secret,
        config: { items: chunk },
      });
    }
  }
  const reused = usable
    .filter((s) => used.has(s.id))
    .map((s) => ({ id: s.id, name: s.name, events: s.events, items: s.config?.items?.length ?? 0 }));
  return { create, reused, ignored, alreadyCovered };
};

/** True when an existing subscription is the one `body` would create (same name, URL, events and Items). */
export const sameSubscription = (s: ArgyleSubscription, body: CreateSubscriptionBody): boolean => {
  const sorted = (v: readonly string[] | undefined) => [...(v ?? [])].sort().join(',');
  return (
    s.name === body.name &&
    s.url === body.url &&
    sorted(s.events) === sorted(body.events) &&
    sorted(s.config?.items) === sorted(body.config?.items)
  );
};
