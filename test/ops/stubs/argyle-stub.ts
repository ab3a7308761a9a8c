import { randomUUID } from 'node:crypto';
import { ARGYLE_EVENT_NAMES } from '@webhook-pipeline/events';
import { type HttpStub, type RecordedRequest, type StubReply, startHttpStub } from './http-stub.js';

/** A subscription as the stub keeps it (the documented `Webhook` object). */
export interface StoredSubscription {
  id: string;
  name: string;
  events: string[];
  config: Record<string, unknown>;
  secret: string | null;
  url: string;
  created_at: string;
  updated_at: string;
  last_sent_at: string | null;
}

/** A running Argyle stub, its subscriptions, and fault injection. */
export interface ArgyleStub extends HttpStub {
  readonly subscriptions: StoredSubscription[];
  /** Answers to play for the next requests of a method (`POST`, `GET`, `DELETE`), one per request. */
  readonly faults: Record<string, StubReply[]>;
  /** The next n POSTs create the subscription but answer 502 (a gateway losing the answer). */
  loseAnswers(n: number): void;
}

const ITEMS_EVENTS = new Set(['items.updated', 'items.removed']);
const KNOWN = new Set<string>([...ARGYLE_EVENT_NAMES, '*']);

/**
 * A stand-in for Argyle's `/v2/webhooks` that follows its documented requests and answers: HTTP
 * Basic auth, `POST` `{events, name, url, secret, config}` → the subscription, `GET` paginated
 * (`limit` ≤ 200, `cursor`, `{next, previous, results}` with `next` an absolute URL), `DELETE` → 204;
 * errors in Argyle's shape (`{"detail": "…"}`, or field errors `{"field": ["…"]}`).
 */
export const startArgyleStub = async (keyId: string, keySecret: string): Promise<ArgyleStub> => {
  const subscriptions: StoredSubscription[] = [];
  const faults: Record<string, StubReply[]> = {};
  let lose = 0;
  const expected = `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`;
  const handle = (request: RecordedRequest): StubReply => {
    if (request.headers.authorization !== expected) {
      return { status: 401, body: { detail: 'Invalid username/password.' } };
    }
    const fault = faults[request.method]?.shift();
    if (fault) return fault;
    if (request.path === '/v2/webhooks' && request.method === 'GET') {
      const limit = Number(request.query.get('limit') ?? '10');
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
        return { status: 400, body: { limit: ['Ensure this value is less than or equal to 200.'] } };
      }
      const cursor = request.query.get('cursor');
      const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
      const page = subscriptions.slice(offset, offset + limit);
      const nextOffset = offset + limit;
      const link = (o: number) =>
        `https://api-sandbox.argyle.com/v2/webhooks?cursor=${Buffer.from(String(o)).toString('base64url')}&limit=${limit}`;
      return {
        status: 200,
        body: {
          next: nextOffset < subscriptions.length ? link(nextOffset) : null,
          previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
          results: page,
        },
      };
    }
    if (request.path === '/v2/webhooks' && request.method === 'POST') {
      const body = request.body as Record<string, unknown> | undefined;
      if (request.headers['content-type'] !== 'application/json' || !body) {
        return { status: 415, body: { detail: 'Unsupported media type.' } };
      }
      const errors: Record<string, string[]> = {};
      const events = body.events;
      if (!Array.isArray(events) || events.length === 0) errors.events = ['This field is required.'];
      else {
        const bad = events.filter((e) => typeof e !== 'string' || !KNOWN.has(e));
        if (bad.length) errors.events = bad.map((e) => `"${String(e)}" is not a valid choice.`);
      }
      for (const field of ['name', 'url']) {
        if (typeof body[field] !== 'string' || body[field] === '')
          errors[field] = ['This field is required.'];
      }
      const config = (body.config ?? {}) as Record<string, unknown>;
      if (Array.isArray(events) && events.some((e) => ITEMS_EVENTS.has(e as string))) {
        const items = config.items;
        if (!Array.isArray(items) || items.length === 0 || items.length > 30) {
          errors.config = ['Items webhooks require config.items with 1 to 30 Item IDs.'];
        }
      }
      if (Object.keys(errors).length) return { status: 400, body: errors };
      const now = new Date().toISOString();
      const created: StoredSubscription = {
        id: randomUUID(),
        name: body.name as string,
        events: events as string[],
        config,
        secret: typeof body.secret === 'string' ? body.secret : null,
        url: body.url as string,
        created_at: now,
        updated_at: now,
        last_sent_at: null,
      };
      subscriptions.push(created);
      if (lose > 0) {
        lose -= 1;
        return { status: 502, text: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
      }
      return { status: 200, body: created };
    }
    const match = /^\/v2\/webhooks\/([^/]+)$/.exec(request.path);
    if (match && request.method === 'DELETE') {
      const index = subscriptions.findIndex((s) => s.id === decodeURIComponent(match[1] ?? ''));
      if (index < 0) return { status: 404, body: { detail: 'Not found.' } };
      subscriptions.splice(index, 1);
      return { status: 204 };
    }
    return { status: 404, body: { detail: 'Not found.' } };
  };
  const stub = await startHttpStub(handle);
  return {
    ...stub,
    subscriptions,
    faults,
    loseAnswers(n) {
      lose = n;
    },
  };
};
