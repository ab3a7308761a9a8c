import { isUtf8 } from 'node:buffer';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../lambdas/ingest/create-handler.js';
import type { handler as IngestHandler } from '../../lambdas/ingest/handler.js';
import { createProviders } from '../../lambdas/providers/index.js';
import { routeWebhooks } from '../../lambdas/router/route-webhooks.js';
import { MAX_JSON_DEPTH, scanJson } from '../../lambdas/shared/json-depth.js';
import { createLogger, createMetrics } from '../../lambdas/shared/powertools.js';
import type { EventEntry, EventPublisher, RouterStore } from '../../lambdas/shared/webhook-record.js';
import { type PlaidKeyServer, startPlaidKeyServer } from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey, signArgyleBody, signPlaidBody } from '../../local/signing.js';
import { httpApiEvent, lambdaContext } from '../helpers/api-gateway-event.js';
import {
  InMemoryRouterStore,
  InMemoryWebhookQueue,
  InMemoryWebhookStore,
  ManualClock,
  sequentialIds,
} from '../helpers/fakes.js';
import { inMemoryKeyCache } from '../helpers/plaid.js';
import { recordFuzz } from './report.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks';
const ARGYLE_SECRET = 'whsec_fuzz_current';
const LIMIT = 256 * 1024;
const PROVIDERS = ['plaid', 'argyle'] as const;
type Provider = (typeof PROVIDERS)[number];
const SIGNATURE_HEADERS = [
  'plaid-verification',
  'Plaid-Verification',
  'PLAID-VERIFICATION',
  'x-argyle-signature',
  'X-Argyle-Signature',
  'X-ARGYLE-SIGNATURE',
];

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const key = generatePlaidSigningKey();
let keyServer: PlaidKeyServer;
let handler: typeof IngestHandler;
let cases = 0;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Runs the real handler; a rejected promise fails the property with the error it threw. */
const call = async (event: APIGatewayProxyEventV2): Promise<Answer> => {
  const response = await handler(event, lambdaContext);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
};

const puts = () => dynamo.commandCalls(PutItemCommand);
const sends = () => sqs.commandCalls(SendMessageCommand);
const storedRawBody = () => puts()[0]?.args[0].input.Item?.rawBody?.S;
const storedDetailType = () => puts()[0]?.args[0].input.Item?.detailType?.S;

/** One fast-check case: counted, with the mocks' call history cleared. */
const run =
  <A extends unknown[]>(predicate: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    cases += 1;
    dynamo.resetHistory();
    sqs.resetHistory();
    await predicate(...args);
  };

const signatureFor = (provider: Provider, body: Buffer): Record<string, string> =>
  provider === 'plaid'
    ? { 'plaid-verification': signPlaidBody(body, key) }
    : { 'x-argyle-signature': signArgyleBody(body, ARGYLE_SECRET) };

/**
 * An HTTP API event. A body that is not UTF-8 always travels base64-encoded, as API Gateway sends
 * it: a plain `body` string cannot carry such bytes.
 */
const event = (
  provider: string,
  body: Buffer,
  {
    base64 = false,
    ...options
  }: { headers?: Record<string, string>; base64?: boolean; method?: string } = {},
): APIGatewayProxyEventV2 => httpApiEvent(provider, body, { ...options, base64: base64 || !isUtf8(body) });

/** Asserts a 200 whose PutItem stored exactly the bytes sent, and an enqueue unless quarantined. */
const expectStoredAsSent = (answer: Answer, body: Buffer) => {
  expect(answer.status).toBe(200);
  expect(['accepted', 'quarantined', 'duplicate']).toContain(answer.body.status);
  expect(puts()).toHaveLength(1);
  // A verified body that is not UTF-8 is quarantined and kept byte for byte as base64.
  const encoding = puts()[0]?.args[0].input.Item?.bodyEncoding?.S === 'base64' ? 'base64' : 'utf8';
  expect(Buffer.from(storedRawBody() ?? '', encoding).equals(body)).toBe(true);
  if (encoding === 'base64') expect(answer.body.status).toBe('quarantined');
  const enqueued = answer.body.status === 'quarantined' ? 0 : 1;
  expect(sends()).toHaveLength(enqueued);
  if (enqueued) {
    const message = JSON.parse(sends()[0]?.args[0].input.MessageBody ?? '{}') as Record<string, unknown>;
    expect(message.webhookId).toBe(answer.body.webhookId);
    expect(message.rawBody).toBe(body.toString('utf8'));
  }
};

const expectNothingStored = () => {
  expect(dynamo.calls()).toHaveLength(0);
  expect(sqs.calls()).toHaveLength(0);
};

// Arbitraries ------------------------------------------------------------------------------------

const provider = fc.constantFrom(...PROVIDERS);
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
);
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
);
/** A body as bytes: arbitrary bytes, arbitrary text or arbitrary JSON. */
const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  text.map((s) => Buffer.from(s, 'utf8')),
  jsonText.map((s) => Buffer.from(s, 'utf8')),
);
const base64Segment = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
});
const jwtLike = fc.tuple(base64Segment, base64Segment, base64Segment).map((p) => p.join('.'));
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const forgedToken = fc
  .record({
    alg: fc.constantFrom('ES256', 'none', 'None', 'HS256', 'RS256', 'ES512', 'PS256'),
    kid: fc.oneof(fc.constant(key.kid), fc.uuid(), fc.string({ maxLength: 40 })),
    extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    iat: fc.integer({ min: -2_000_000_000, max: 4_000_000_000 }),
    hash: fc.oneof(hex(64), fc.string({ maxLength: 70 })),
    signature: base64Segment,
  })
  .map(({ alg, kid, extra, iat, hash, signature }) => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ ...extra, alg, kid })}.${part({ iat, request_body_sha256: hash })}.${signature}`;
  });
/** Header values that are not a valid signature of the body they travel with. */
const junkValue = fc.oneof(
  text,
  jwtLike,
  forgedToken,
  hex(128),
  fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);
const headerName = fc.oneof(
  fc.constantFrom(...SIGNATURE_HEADERS, 'content-type', 'Content-Type', 'content-length', '__proto__'),
  fc.string({ minLength: 1, maxLength: 30 }),
);
const junkHeaders = fc.dictionary(headerName, junkValue, { maxKeys: 8 });
const method = fc.oneof(
  fc.constant('POST'),
  fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post', ''),
  fc.string({ maxLength: 10 }),
);
const segment = fc.oneof(
  fc.constantFrom('plaid', 'argyle'),
  fc.constantFrom('PLAID', 'Argyle', 'stripe', '__proto__', 'constructor', 'toString', '', '..', 'plaid%00'),
  fc.string({ maxLength: 40 }),
);

/** Catalogue samples with extra fields, a dropped field or a replaced value. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('extra' as const),
    extras: fc.dictionary(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'toJSON'),
      ),
      fc.jsonValue({ maxDepth: 3 }),
      {
        minKeys: 1,
        maxKeys: 5,
      },
    ),
    intoData: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const mutate = (
  sample: Record<string, unknown>,
  m: Mutation,
): { body: Record<string, unknown>; pure: boolean } => {
  const body: Record<string, unknown> = structuredClone(sample);
  const keys = Object.keys(body);
  if (m.kind === 'extra') {
    const isObject = (v: unknown): v is Record<string, unknown> =>
      v !== null && typeof v === 'object' && !Array.isArray(v);
    const target = m.intoData && isObject(body.data) ? body.data : body;
    const fresh = Object.entries(m.extras).filter(([k]) => !Object.hasOwn(target, k));
    for (const [k, v] of fresh)
      Object.defineProperty(target, k, { value: v, enumerable: true, writable: true });
    return { body, pure: true };
  }
  const name = keys[m.index % keys.length] ?? 'missing';
  if (m.kind === 'drop') delete body[name];
  else body[name] = m.value;
  return { body, pure: false };
};

// Set-up (a): the deployed handler.ts, AWS clients mocked, keys from a real loopback key server.

beforeAll(async () => {
  keyServer = await startPlaidKeyServer({ keys: [key.jwk] });
  Object.assign(process.env, {
    TABLE_NAME: 'webhooks',
    QUEUE_URL,
    PLAID_BASE_URL: keyServer.url,
    PLAID_CLIENT_ID: 'client',
    PLAID_SECRET: 'secret',
    ARGYLE_WEBHOOK_SECRETS: ARGYLE_SECRET,
  });
  ({ handler } = await import('../../lambdas/ingest/handler.js'));
});
afterAll(async () => {
  await keyServer.close();
  recordFuzz('ingest', cases);
});
beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  dynamo.on(PutItemCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

describe('fuzzing the real ingest handler.ts (AWS clients mocked, loopback Plaid key server)', () => {
  it('answers unsigned or forged requests of any method, path, headers, encoding and body with 401/404/405, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method,
          segment,
          withPathParameters: fc.boolean(),
          base64: fc.boolean(),
          body: anyBody,
          headers: junkHeaders,
        }),
        run(async ({ method: m, segment: s, withPathParameters, base64, body, headers }) => {
          const e = event(s, body, { base64, method: m });
          e.headers = headers;
          const keepPathParameters = withPathParameters || s === '' || s.includes('/');
          if (!keepPathParameters) e.pathParameters = undefined;
          const answer = await call(e);
          const expected = m !== 'POST' ? 405 : s === 'plaid' || s === 'argyle' ? 401 : 404;
          expect(answer.status).toBe(expected);
          expect(typeof answer.body.error).toBe('string');
          expectNothingStored();
        }),
      ),
      { numRuns: 1500 },
    );
  });

  it('answers arbitrary event body strings (lone surrogates, non-base64 text flagged as base64) without a signature with 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.string({ unit: 'binary', maxLength: 500 }),
        fc.boolean(),
        run(async (p, raw, base64) => {
          const e = event(p, Buffer.alloc(0), { base64 });
          e.body = raw;
          const answer = await call(e);
          expect(answer.status).toBe(401);
          expectNothingStored();
        }),
      ),
      { numRuns: 400 },
    );
  });

  it('answers unsigned bodies around the size limit (ASCII or multi-byte, base64 or not) with 401 at most and 413 above', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('a', 'é', '€'),
        fc.boolean(),
        run(async (p, delta, char, base64) => {
          const unit = Buffer.byteLength(char);
          const body = Buffer.from(char.repeat(Math.floor(LIMIT / unit) + delta), 'utf8');
          const answer = await call(
            event(p, body, { base64, headers: { 'content-type': 'application/json' } }),
          );
          expect(answer.status).toBe(body.length > LIMIT ? 413 : 401);
          expectNothingStored();
        }),
      ),
      { numRuns: 40 },
    );
  });

  it('keeps validly signed requests valid under arbitrary extra headers, huge values and case variants of the signature header', async () => {
    const spellings: Record<Provider, string[]> = {
      plaid: ['plaid-verification', 'Plaid-Verification', 'PLAID-VERIFICATION'],
      argyle: ['x-argyle-signature', 'X-Argyle-Signature', 'X-ARGYLE-SIGNATURE'],
    };
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.jsonValue({ maxDepth: 3 }).map((data) => ({ data })),
        fc.dictionary(
          fc
            .string({ minLength: 1, maxLength: 30 })
            .filter((n) => !['plaid-verification', 'x-argyle-signature'].includes(n.toLowerCase())),
          junkValue,
          { maxKeys: 8 },
        ),
        fc.subarray([0, 1, 2], { minLength: 1 }),
        fc.boolean(),
        run(async (p, object, noise, variants, base64) => {
          const body = Buffer.from(JSON.stringify(object));
          const signature = Object.values(signatureFor(p, body))[0] ?? '';
          const e = event(p, body, { base64 });
          e.headers = { ...noise, ...Object.fromEntries(variants.map((i) => [spellings[p][i], signature])) };
          const answer = await call(e);
          expectStoredAsSent(answer, body);
        }),
      ),
      { numRuns: 400 },
    );
  });

  it('answers 200 or 401 to a signed request whose case-variant signature headers disagree, storing nothing on 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.shuffledSubarray(['valid', 'junk-1', 'junk-2'], { minLength: 2 }),
        junkValue,
        run(async (p, order, junk) => {
          const body = Buffer.from(JSON.stringify({ event: 'accounts.updated', name: 'x', data: {} }));
          const signature = Object.values(signatureFor(p, body))[0] ?? '';
          const base = p === 'plaid' ? 'plaid-verification' : 'x-argyle-signature';
          const spellings = [base, base.toUpperCase(), base.replace(/(^|-)([a-z])/g, (c) => c.toUpperCase())];
          const headers: Record<string, string> = {};
          order.forEach((which, i) => {
            headers[spellings[i] ?? base] = which === 'valid' ? signature : junk;
          });
          const e = event(p, body);
          e.headers = headers;
          const answer = await call(e);
          expect([200, 401]).toContain(answer.status);
          if (answer.status === 401) expectNothingStored();
          else expectStoredAsSent(answer, body);
        }),
      ),
      { numRuns: 300 },
    );
  });

  it('answers validly signed arbitrary bytes and strings with 200 (stored as sent) or 400 (nothing stored)', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
          text.map((s) => Buffer.from(s, 'utf8')),
        ),
        fc.boolean(),
        run(async (p, body, base64) => {
          const answer = await call(event(p, body, { base64, headers: signatureFor(p, body) }));
          expect([200, 400]).toContain(answer.status);
          if (answer.status === 400) expectNothingStored();
          else expectStoredAsSent(answer, body);
        }),
      ),
      { numRuns: 600 },
    );
  });

  it('answers validly signed JSON that is not an object with 400 and stores nothing; invalid UTF-8 is quarantined as sent', async () => {
    const notObject = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
    );
    const invalidUtf8 = fc
      .tuple(
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ v })),
        fc.constantFrom(
          [0x80],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xe2, 0x82],
          [0xff],
          [0xf8, 0x88, 0x80, 0x80],
        ),
        fc.nat(),
      )
      .map(([json, bad, at]) => {
        const bytes = Buffer.from(json);
        const i = 1 + (at % (bytes.length - 1));
        return Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]);
      });
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.oneof(
          notObject.map((v) => Buffer.from(JSON.stringify(v))),
          invalidUtf8,
        ),
        fc.boolean(),
        run(async (p, body, base64) => {
          const answer = await call(event(p, body, { base64, headers: signatureFor(p, body) }));
          let utf8 = true;
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(body);
          } catch {
            utf8 = false;
          }
          if (utf8) {
            expect(answer.status).toBe(400);
            expectNothingStored();
          } else {
            expect(answer.body.status).toBe('quarantined');
            expectStoredAsSent(answer, body);
          }
        }),
      ),
      { numRuns: 400 },
    );
  });

  it('answers validly signed arbitrary JSON objects with 200 accepted or quarantined, storing the exact bytes', async () => {
    const objects = fc.oneof(
      fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.jsonValue({ maxDepth: 4 }), {
        maxKeys: 8,
      }),
      fc.object({ maxDepth: 3 }),
      fc.record({
        webhook_type: fc.oneof(fc.constantFrom('ITEM', 'TRANSACTIONS', 'item'), fc.string()),
        webhook_code: fc.oneof(fc.constantFrom('ERROR', 'SYNC_UPDATES_AVAILABLE', 'NEW'), fc.string()),
        item_id: fc.string(),
      }),
      fc.record({
        event: fc.oneof(fc.constantFrom('accounts.connected', 'users.fully_synced', 'a.b'), fc.string()),
        name: fc.string(),
        data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        provider,
        objects,
        fc.constantFrom<number | string>(0, 2, '\t'),
        fc.boolean(),
        run(async (p, object, indent, base64) => {
          const body = Buffer.from(JSON.stringify(object, null, indent));
          const answer = await call(event(p, body, { base64, headers: signatureFor(p, body) }));
          expectStoredAsSent(answer, body);
        }),
      ),
      { numRuns: 800 },
    );
  });

  it('quarantines validly signed objects nested deeper than the limit and never crashes on depth', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom('[', '{"a":'),
        run(async (p, depth, opener) => {
          const closer = opener === '[' ? ']' : '}';
          const body = Buffer.from(
            `{"x":${opener.repeat(depth)}${opener === '[' ? '' : '1'}${closer.repeat(depth)}}`,
          );
          const answer = await call(event(p, body, { headers: signatureFor(p, body) }));
          expectStoredAsSent(answer, body);
          if (depth + 1 > MAX_JSON_DEPTH) expect(answer.body.status).toBe('quarantined');
        }),
      ),
      { numRuns: 120 },
    );
  });

  it('answers validly signed bodies around the size limit with 200 at most and 413 above, storing nothing then', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.integer({ min: -2, max: 2 }),
        fc.boolean(),
        run(async (p, delta, base64) => {
          const json = JSON.stringify({ event: 'users.fully_synced', name: 'n', data: { user: 'u' } });
          const body = Buffer.from(json.padEnd(LIMIT + delta, ' '));
          const answer = await call(event(p, body, { base64, headers: signatureFor(p, body) }));
          if (body.length > LIMIT) {
            expect(answer.status).toBe(413);
            expectNothingStored();
          } else expectStoredAsSent(answer, body);
        }),
      ),
      { numRuns: 16 },
    );
  });

  it('accepts or quarantines validly signed catalogue samples with random extra fields and mutations, storing the exact bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...DETAIL_TYPES),
        mutation,
        fc.constantFrom<number | string>(0, 2),
        fc.boolean(),
        run(async (info, m, indent, base64) => {
          const { body: object, pure } = mutate(info.entry.sample as Record<string, unknown>, m);
          const body = Buffer.from(JSON.stringify(object, null, indent));
          const answer = await call(
            event(info.provider, body, { base64, headers: signatureFor(info.provider, body) }),
          );
          expectStoredAsSent(answer, body);
          expect(['accepted', 'quarantined']).toContain(answer.body.status);
          if (scanJson(body.toString()).integerOutOfInt64) {
            // PutEvents refuses an integer outside int64 on every attempt: kept, never queued.
            expect(answer.body.status).toBe('quarantined');
          } else if (pure) {
            // Fields a provider adds tomorrow pass through: the sample stays accepted under its type.
            expect(answer.body.status).toBe('accepted');
            expect(storedDetailType()).toBe(info.detailType);
          }
        }),
      ),
      { numRuns: 800 },
    );
  });
});

// Set-up (b): createIngestHandler with in-memory fakes, then the router core over what was enqueued.

const fastSetup = () => {
  const clock = new ManualClock(Date.now());
  const { cache } = inMemoryKeyCache([key.jwk], clock.now);
  const store = new InMemoryWebhookStore();
  const queue = new InMemoryWebhookQueue();
  const fast = createIngestHandler({
    logger: createLogger('webhook-ingest'),
    metrics: createMetrics('webhook-ingest'),
    deps: {
      providers: createProviders({
        plaid: { keys: cache, now: clock.now },
        argyle: { secrets: async () => [ARGYLE_SECRET] },
      }),
      store,
      queue,
      now: clock.now,
      newId: sequentialIds(),
      settings: { maxBodyBytes: LIMIT, dedupeWindowSeconds: 300, retentionDays: 30 },
    },
  });
  const send = async (p: Provider, body: Buffer): Promise<Answer> => {
    const response = await fast(event(p, body, { headers: signatureFor(p, body) }), lambdaContext);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  const published: EventEntry[] = [];
  const routerStore: RouterStore = new InMemoryRouterStore(store.records);
  const publisher: EventPublisher = {
    publish: async (entries) => {
      published.push(...entries);
      return entries.map((_, i) => ({ ok: true as const, eventId: `e-${i}` }));
    },
  };
  const route = () =>
    routeWebhooks(
      queue.messages.map((body, i) => ({ id: `r-${i}`, body, receiveCount: 1 })),
      { store: routerStore, publisher, now: clock.now },
    );
  return { store, queue, send, route, published };
};

describe('fuzzing createIngestHandler with in-memory fakes, and the router after it', () => {
  it('publishes every accepted signed JSON object with data identical to the body sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        provider,
        fc.oneof(
          fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
            maxKeys: 6,
          }),
          fc.constantFrom(...DETAIL_TYPES).map((d) => d.entry.sample as Record<string, unknown>),
        ),
        async (p, object) => {
          cases += 1;
          const { send, route, published, queue } = fastSetup();
          const body = Buffer.from(JSON.stringify(object));
          const answer = await send(p, body);
          expect(answer.status).toBe(200);
          const results = await route();
          if (answer.body.status === 'accepted') {
            expect([...results.values()].every((r) => !(r instanceof Error))).toBe(true);
            expect(published).toHaveLength(1);
            const detail = JSON.parse(published[0]?.detail ?? '{}') as { data: unknown; metadata: unknown };
            expect(JSON.stringify(detail.data)).toBe(body.toString('utf8'));
            expect(detail.metadata).toMatchObject({ webhookId: answer.body.webhookId, provider: p });
          } else {
            expect(answer.body.status).toBe('quarantined');
            expect(queue.messages).toHaveLength(0);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  // Known defect, kept as an expected failure until lambdas/ is fixed: ingest decodes the body with
  // TextDecoder, which drops a leading UTF-8 byte order mark, and accepts it; the router re-parses
  // the stored text with JSON.parse, which refuses the mark, so the accepted webhook is never published.
  it('publishes a signed JSON object that starts with a UTF-8 byte order mark, or refuses it at ingest', async () => {
    for (const info of [DETAIL_TYPES[0], DETAIL_TYPES.at(-1)]) {
      const { send, route, published } = fastSetup();
      const p = info?.provider ?? 'plaid';
      const body = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(JSON.stringify(info?.entry.sample)),
      ]);
      const answer = await send(p, body);
      if (answer.status !== 200) {
        expect(answer.status).toBe(400);
        continue;
      }
      const results = await route();
      expect([...results.values()].filter((r) => r instanceof Error)).toEqual([]);
      expect(published).toHaveLength(answer.body.status === 'accepted' ? 1 : 0);
    }
  });

  it('answers the same signed body twice as one stored webhook: the second is a duplicate with the first webhookId', async () => {
    await fc.assert(
      fc.asyncProperty(provider, fc.jsonValue({ maxDepth: 3 }), async (p, value) => {
        cases += 1;
        const { send, store, queue } = fastSetup();
        const body = Buffer.from(JSON.stringify({ value }));
        const first = await send(p, body);
        const second = await send(p, body);
        expect(first.status).toBe(200);
        expect(second).toEqual({
          status: 200,
          body: { status: 'duplicate', webhookId: first.body.webhookId },
        });
        expect(store.records.size).toBe(1);
        expect(queue.messages).toHaveLength(first.body.status === 'accepted' ? 2 : 0);
      }),
      { numRuns: 400 },
    );
  });
});
