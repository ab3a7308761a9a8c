import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type IngestDeps, ingestWebhook } from '../../../lambdas/ingest/ingest-webhook.js';
import { CATALOGUE_VERSION } from '../../../lambdas/providers/catalogue-version.js';
import { createProviders } from '../../../lambdas/providers/index.js';
import {
  InvalidPayloadError,
  PayloadTooLargeError,
  QueueUnavailableError,
  SignatureVerificationError,
  StoreUnavailableError,
  UnknownProviderError,
} from '../../../lambdas/shared/errors.js';
import { QueueMessageSchema } from '../../../lambdas/shared/queue-message-schema.js';
import { generatePlaidSigningKey, signArgyleBody } from '../../../local/signing.js';
import {
  InMemoryWebhookQueue,
  InMemoryWebhookStore,
  ManualClock,
  sequentialIds,
} from '../../helpers/fakes.js';
import { seed, seedPayloads } from '../../helpers/fixtures.js';
import { forgeToken, hs256WithPublicKey, inMemoryKeyCache, plaidHeaders } from '../../helpers/plaid.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const ARGYLE_SECRET = 'whsec_unit_test';

const setup = () => {
  const clock = new ManualClock(Date.now());
  const key = generatePlaidSigningKey();
  const { cache } = inMemoryKeyCache([key.jwk], clock.now);
  const store = new InMemoryWebhookStore();
  const queue = new InMemoryWebhookQueue();
  const deps: IngestDeps = {
    providers: createProviders({
      plaid: { keys: cache, now: clock.now },
      argyle: { secrets: async () => [ARGYLE_SECRET] },
    }),
    store,
    queue,
    now: clock.now,
    newId: sequentialIds(),
    settings: { maxBodyBytes: 256 * 1024, dedupeWindowSeconds: 600, retentionDays: 30 },
  };
  /** A signed delivery; `plaidClockAheadSeconds` puts Plaid's `iat` ahead of our clock (skew). */
  const signed = (provider: 'plaid' | 'argyle', body: Buffer, plaidClockAheadSeconds = 0) => ({
    provider,
    body,
    headers:
      provider === 'plaid'
        ? plaidHeaders(body, key, Math.floor(clock.ms / 1000) + plaidClockAheadSeconds)
        : { 'x-argyle-signature': signArgyleBody(body, ARGYLE_SECRET) },
  });
  return { clock, key, store, queue, deps, signed };
};

describe('ingestWebhook', () => {
  it.each(seedPayloads().map((s) => [s.file, s] as const))(
    'accepts the seed %s, stores it once and enqueues it',
    async (_file, payload) => {
      // Prepare
      const { deps, store, queue, signed } = setup();
      // Act
      const outcome = await ingestWebhook(signed(payload.provider, payload.raw), deps);
      // Assess
      expect(outcome).toMatchObject({
        status: 'accepted',
        provider: payload.provider,
        detailType: payload.detailType,
        known: true,
      });
      expect(store.records.size).toBe(1);
      const [record] = store.records.values();
      expect(record).toMatchObject({
        webhookId: outcome.webhookId,
        status: 'received',
        rawBody: payload.raw.toString(),
      });
      expect(queue.messages).toHaveLength(1);
      const message = QueueMessageSchema.parse(JSON.parse(queue.messages[0] ?? ''));
      expect(message).toMatchObject({
        webhookId: outcome.webhookId,
        provider: payload.provider,
        rawBody: payload.raw.toString(),
        detailType: payload.detailType,
        catalogue: CATALOGUE_VERSION,
      });
    },
  );

  it('answers the same body inside the window as a duplicate with the first webhookId', async () => {
    // Prepare
    const { deps, store, signed, clock } = setup();
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const first = await ingestWebhook(signed('plaid', body), deps);
    // Act: Plaid's retry re-signs with a fresh iat, the body is identical
    clock.advance(30_000);
    const second = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(second).toMatchObject({ status: 'duplicate', webhookId: first.webhookId });
    expect(store.records.size).toBe(1);
    expect([...store.records.values()][0]?.deliveries).toBe(2);
  });

  it('answers a captured Plaid delivery replayed at 301 s as a duplicate, with a token still accepted (issue 14 #7)', async () => {
    // Prepare: Plaid's clock 30 s ahead of ours, within the allowed skew
    const { deps, store, signed, clock } = setup();
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const captured = signed('plaid', body, 30);
    const first = await ingestWebhook(captured, deps);
    // Act: the very same request, headers and all, 301 s later (its token is 271 s old)
    clock.advance(301_000);
    const replay = await ingestWebhook(captured, deps);
    // Assess
    expect(replay).toMatchObject({ status: 'duplicate', webhookId: first.webhookId });
    expect(store.records.size).toBe(1);
  });

  it('answers accepted when the stored record is already its own (the router adopted its message first)', async () => {
    // Prepare: the message went out, the write was slow, the router stored the record meanwhile
    const { deps, store, queue, signed } = setup();
    const body = seed('plaid__ITEM__ERROR.json').raw;
    const real = store.putIfAbsent.bind(store);
    store.putIfAbsent = async (record, nowSeconds) => {
      const message = queue.parsed().at(-1);
      await real({ ...record, webhookId: String(message?.webhookId) }, nowSeconds);
      return real(record, nowSeconds);
    };
    // Act
    const outcome = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(outcome).toMatchObject({ status: 'accepted', webhookId: queue.parsed()[0]?.webhookId });
  });

  it('sends the queue message before the write, so a webhook is never stored without one', async () => {
    // Prepare
    const { deps, store, queue, signed } = setup();
    const order: string[] = [];
    const send = queue.send.bind(queue);
    const put = store.putIfAbsent.bind(store);
    queue.send = async (b) => {
      order.push('send');
      await send(b);
    };
    store.putIfAbsent = async (r, n) => {
      order.push('put');
      return put(r, n);
    };
    // Act
    await ingestWebhook(signed('argyle', seed('argyle__items.updated.json').raw), deps);
    // Assess
    expect(order).toEqual(['send', 'put']);
  });

  it('treats the same body after the window as a new webhook with a new webhookId', async () => {
    // Prepare
    const { deps, queue, signed, clock } = setup();
    const body = seed('plaid__TRANSACTIONS__SYNC_UPDATES_AVAILABLE.json').raw;
    const first = await ingestWebhook(signed('plaid', body), deps);
    // Act
    clock.advance(601_000);
    const later = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(later.status).toBe('accepted');
    expect(later.webhookId).not.toBe(first.webhookId);
    expect(queue.messages).toHaveLength(2);
  });

  it('quarantines a verified body of a known code that fails its schema, and enqueues nothing', async () => {
    // Prepare
    const { deps, store, queue, signed } = setup();
    const body = Buffer.from(
      JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 42, environment: 'production' }),
    );
    // Act
    const outcome = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(outcome).toMatchObject({ status: 'quarantined', detailType: 'ITEM.ERROR', known: true });
    expect(outcome.issues?.join()).toContain('item_id');
    expect([...store.records.values()][0]).toMatchObject({
      status: 'quarantined',
      webhookId: outcome.webhookId,
    });
    expect(queue.messages).toHaveLength(0);
  });

  it('quarantines a verified object without the provider envelope', async () => {
    // Prepare
    const { deps, store, signed } = setup();
    // Act
    const outcome = await ingestWebhook(signed('argyle', Buffer.from('{"hello":"world"}')), deps);
    // Assess
    expect(outcome).toMatchObject({ status: 'quarantined', detailType: 'UNRECOGNISED' });
    expect(store.records.size).toBe(1);
  });

  it('accepts a code the catalogue does not know, under its natural detail-type', async () => {
    // Prepare
    const { deps, queue, signed } = setup();
    const body = Buffer.from('{"webhook_type":"TRANSACTIONS","webhook_code":"BRAND_NEW_CODE","item_id":"x"}');
    // Act
    const outcome = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(outcome).toMatchObject({
      status: 'accepted',
      detailType: 'TRANSACTIONS.BRAND_NEW_CODE',
      known: false,
    });
    expect(queue.messages).toHaveLength(1);
  });

  it('keeps unknown fields: the stored body is byte for byte what was signed', async () => {
    // Prepare
    const { deps, store, signed } = setup();
    const body = Buffer.from(
      '{\n  "event": "items.removed",\n  "name": "n",\n  "data": {"item": "i", "new_field": [1, 2]},\n  "extra": true\n}',
    );
    // Act
    const outcome = await ingestWebhook(signed('argyle', body), deps);
    // Assess
    expect(outcome.status).toBe('accepted');
    expect([...store.records.values()][0]?.rawBody).toBe(body.toString());
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'webhook_type=ITEM'],
    ['an array', '[1,2]'],
    ['a string', '"text"'],
    ['null', 'null'],
  ])('refuses a verified body that is %s (400) and stores nothing', async (_name, text) => {
    // Prepare
    const { deps, store, signed } = setup();
    // Act
    const error = await ingestWebhook(signed('argyle', Buffer.from(text)), deps).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(store.records.size).toBe(0);
  });

  it('quarantines a verified body that is not valid UTF-8, kept byte for byte with the reason', async () => {
    // Prepare
    const { deps, store, queue, signed } = setup();
    const body = Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);
    // Act
    const outcome = await ingestWebhook(signed('argyle', body), deps);
    // Assess
    expect(outcome.status).toBe('quarantined');
    const [record] = store.records.values();
    expect(record?.bodyEncoding).toBe('base64');
    expect(Buffer.from(record?.rawBody ?? '', 'base64').equals(body)).toBe(true);
    expect(record?.issues).toEqual(['(body): not valid UTF-8; kept as base64']);
    expect(queue.messages).toHaveLength(0);
  });

  it.each([
    ['9223372036854775808', true],
    ['9223372036854775807', false],
  ])(
    'an integer %s in a valid body: quarantined (PutEvents refuses it forever) is %s',
    async (n, quarantined) => {
      // Prepare
      const { deps, store, queue, signed } = setup();
      const body = Buffer.from(
        `{"event":"accounts.connected","name":"sub","data":{"account":"acc","user":"usr","n":${n}}}`,
      );
      // Act
      const outcome = await ingestWebhook(signed('argyle', body), deps);
      // Assess
      expect(outcome.status).toBe(quarantined ? 'quarantined' : 'accepted');
      expect(queue.messages).toHaveLength(quarantined ? 0 : 1);
      const [record] = store.records.values();
      expect(record?.rawBody).toBe(body.toString());
      if (quarantined)
        expect(record?.issues).toEqual([
          '(body): an integer outside the 64-bit range, which EventBridge refuses',
        ]);
    },
  );

  it('refuses a body over the limit (413) before verifying it', async () => {
    // Prepare
    const { deps, store } = setup();
    const body = Buffer.alloc(256 * 1024 + 1, 0x20);
    // Act
    const error = await ingestWebhook({ provider: 'argyle', headers: {}, body }, deps).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(store.records.size).toBe(0);
  });

  it('refuses an unknown provider (404)', async () => {
    const { deps } = setup();
    await expect(
      ingestWebhook({ provider: 'stripe', headers: {}, body: Buffer.from('{}') }, deps),
    ).rejects.toBeInstanceOf(UnknownProviderError);
  });

  it.each([
    ['plaid', 'plaid__ITEM__ERROR.json'],
    ['argyle', 'argyle__items.updated.json'],
  ] as const)('stores nothing for an unsigned %s delivery (401)', async (provider, file) => {
    // Prepare
    const { deps, store, queue } = setup();
    // Act
    const error = await ingestWebhook({ provider, headers: {}, body: seed(file).raw }, deps).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(SignatureVerificationError);
    expect(store.records.size).toBe(0);
    expect(queue.messages).toHaveLength(0);
  });

  it('answers 503 when the store fails; the message is already out for the router to adopt', async () => {
    // Prepare
    const { deps, store, queue, signed } = setup();
    store.failWith = new Error('ProvisionedThroughputExceededException');
    const body = seed('plaid__ITEM__ERROR.json').raw;
    // Act
    const error = await ingestWebhook(signed('plaid', body), deps).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(queue.parsed()).toEqual([expect.objectContaining({ rawBody: body.toString() })]);
  });

  it('answers 503 when the queue fails, stores nothing, and the retried delivery is accepted', async () => {
    // Prepare
    const { deps, store, queue, signed, clock } = setup();
    const body = seed('plaid__TRANSACTIONS__INITIAL_UPDATE.json').raw;
    queue.failWith = new Error('SQS down');
    // Act
    const first = await ingestWebhook(signed('plaid', body), deps).catch((e: unknown) => e);
    const storedAfterFailure = store.records.size;
    queue.failWith = undefined;
    clock.advance(30_000);
    const retry = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(first).toBeInstanceOf(QueueUnavailableError);
    expect(storedAfterFailure).toBe(0);
    const [record] = store.records.values();
    expect(retry).toMatchObject({ status: 'accepted', webhookId: record?.webhookId });
    expect(queue.parsed()).toEqual([
      expect.objectContaining({ webhookId: record?.webhookId, rawBody: body.toString() }),
    ]);
  });

  it('does not enqueue a duplicate of a quarantined webhook', async () => {
    // Prepare
    const { deps, queue, signed } = setup();
    const body = Buffer.from('{"webhook_type":"ITEM","webhook_code":"ERROR"}');
    await ingestWebhook(signed('plaid', body), deps);
    // Act
    const again = await ingestWebhook(signed('plaid', body), deps);
    // Assess
    expect(again.status).toBe('duplicate');
    expect(queue.messages).toHaveLength(0);
  });

  describe('refuses every forgery with 401 and stores nothing', () => {
    const plaidBody = seed('plaid__ITEM__ERROR.json').raw;
    const argyleBody = seed('argyle__items.updated.json').raw;
    const cases: [
      string,
      (ctx: ReturnType<typeof setup>) => {
        provider: 'plaid' | 'argyle';
        body: Buffer;
        headers: Record<string, string>;
      },
    ][] = [
      ['Plaid: missing header', () => ({ provider: 'plaid', body: plaidBody, headers: {} })],
      [
        'Plaid: wrong key under the right kid',
        ({ key, clock }) => ({
          provider: 'plaid',
          body: plaidBody,
          headers: plaidHeaders(plaidBody, generatePlaidSigningKey(key.kid), Math.floor(clock.ms / 1000)),
        }),
      ],
      [
        'Plaid: alg none',
        ({ key, clock }) => ({
          provider: 'plaid',
          body: plaidBody,
          headers: {
            'plaid-verification': forgeToken(
              { alg: 'none', kid: key.kid },
              { iat: Math.floor(clock.ms / 1000), request_body_sha256: sha256(plaidBody) },
            ),
          },
        }),
      ],
      [
        'Plaid: HS256 keyed with the public key',
        ({ key, clock }) => ({
          provider: 'plaid',
          body: plaidBody,
          headers: {
            'plaid-verification': hs256WithPublicKey(key, {
              iat: Math.floor(clock.ms / 1000),
              request_body_sha256: sha256(plaidBody),
            }),
          },
        }),
      ],
      [
        'Plaid: iat 6 minutes old',
        ({ key, clock }) => ({
          provider: 'plaid',
          body: plaidBody,
          headers: plaidHeaders(plaidBody, key, Math.floor(clock.ms / 1000) - 360),
        }),
      ],
      [
        'Plaid: body changed by one byte',
        ({ key, clock }) => {
          const changed = Buffer.from(plaidBody);
          changed[10] = (changed[10] ?? 0) ^ 1;
          return {
            provider: 'plaid',
            body: changed,
            headers: plaidHeaders(plaidBody, key, Math.floor(clock.ms / 1000)),
          };
        },
      ],
      [
        'Plaid: JSON re-serialised',
        ({ key, clock }) => ({
          provider: 'plaid',
          body: Buffer.from(JSON.stringify(JSON.parse(plaidBody.toString()))),
          headers: plaidHeaders(plaidBody, key, Math.floor(clock.ms / 1000)),
        }),
      ],
      [
        'Argyle: wrong secret',
        () => ({
          provider: 'argyle',
          body: argyleBody,
          headers: { 'x-argyle-signature': signArgyleBody(argyleBody, 'whsec_wrong') },
        }),
      ],
      ['Argyle: missing header', () => ({ provider: 'argyle', body: argyleBody, headers: {} })],
    ];
    it.each(cases)('%s', async (_name, build) => {
      // Prepare
      const ctx = setup();
      // Act
      const error = await ingestWebhook(build(ctx), ctx.deps).catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(SignatureVerificationError);
      expect(ctx.store.records.size).toBe(0);
      expect(ctx.queue.messages).toHaveLength(0);
    });

    it('rejects a key whose expired_at is in the past', async () => {
      // Prepare
      const clock = new ManualClock(Date.now());
      const key = generatePlaidSigningKey();
      const { cache } = inMemoryKeyCache(
        [{ ...key.jwk, expired_at: Math.floor(clock.ms / 1000) - 1 }],
        clock.now,
      );
      const { deps, store } = setup();
      const expiredDeps: IngestDeps = {
        ...deps,
        providers: createProviders({
          plaid: { keys: cache, now: clock.now },
          argyle: { secrets: async () => [] },
        }),
      };
      // Act
      const error = await ingestWebhook(
        {
          provider: 'plaid',
          body: plaidBody,
          headers: plaidHeaders(plaidBody, key, Math.floor(clock.ms / 1000)),
        },
        expiredDeps,
      ).catch((e: unknown) => e);
      // Assess
      expect(error).toMatchObject({ reason: 'expired_key' });
      expect(store.records.size).toBe(0);
    });

    it('accepts an Argyle body signed with an older secret still in the rotation list', async () => {
      // Prepare
      const { deps, store } = setup();
      const rotating: IngestDeps = {
        ...deps,
        providers: createProviders({
          plaid: { keys: inMemoryKeyCache([], Date.now).cache, now: Date.now },
          argyle: { secrets: async () => ['whsec_new', 'whsec_old'] },
        }),
      };
      // Act
      const outcome = await ingestWebhook(
        {
          provider: 'argyle',
          body: argyleBody,
          headers: { 'x-argyle-signature': signArgyleBody(argyleBody, 'whsec_old') },
        },
        rotating,
      );
      // Assess
      expect(outcome.status).toBe('accepted');
      expect(store.records.size).toBe(1);
    });
  });
});
