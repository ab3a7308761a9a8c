import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARGYLE_EVENT_NAMES,
  DETAIL_TYPES,
  type DetailType,
  detailSchemaFor,
  EVENT_SOURCES,
  eventPattern,
  PLAID_DETAIL_TYPES,
  SCHEMA_VERSION,
  type WebhookEventPattern,
} from '@webhook-pipeline/events';
import Ajv2020 from 'ajv/dist/2020.js';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_VERSION_FILE, compare, generate, SCHEMA_DIR } from '../../../scripts/generate-schemas.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE_DIR = join(ROOT, 'test/fixtures/events');
const FIXTURE_SUFFIX = '.v1.json';

type Json = Record<string, unknown>;
interface Fixture {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: unknown[];
  readonly detail: { metadata: Json; data: Json };
}

const fixtureFiles = (await readdir(FIXTURE_DIR)).filter((name) => name.endsWith('.json')).sort();
const fixtures = new Map<string, Fixture>(
  await Promise.all(
    fixtureFiles.map(
      async (name) =>
        [
          name.slice(0, -FIXTURE_SUFFIX.length),
          JSON.parse(await readFile(join(FIXTURE_DIR, name), 'utf8')) as Fixture,
        ] as const,
    ),
  ),
);
const fixtureOf = (detailType: string): Fixture => {
  const fixture = fixtures.get(detailType);
  if (!fixture) throw new Error(`no fixture for ${detailType}`);
  return structuredClone(fixture);
};

// A real JSON Schema validator over the committed files, strict about unknown keywords.
const ajv = new Ajv2020.default({ strict: true, allErrors: true });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (value: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i.test(value) &&
    !Number.isNaN(Date.parse(value)),
});
const committedSchema = async (detailType: string): Promise<Json> =>
  JSON.parse(await readFile(join(ROOT, SCHEMA_DIR, `${detailType}.json`), 'utf8')) as Json;
const validators = new Map(
  await Promise.all(
    DETAIL_TYPES.map(
      async ({ detailType }) => [detailType, ajv.compile(await committedSchema(detailType))] as const,
    ),
  ),
);
const ajvValid = (detailType: DetailType, detail: unknown): boolean => {
  const validate = validators.get(detailType);
  if (!validate) throw new Error(`no JSON Schema for ${detailType}`);
  return validate(detail);
};
const zodValid = (detailType: DetailType, detail: unknown): boolean =>
  detailSchemaFor(detailType).safeParse(detail).success;

const setPath = (target: Json, path: readonly string[], value: unknown): void => {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  node[path.at(-1) as string] = value;
};
const getPath = (target: Json, path: readonly string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], target);

const ALL = DETAIL_TYPES.map((info) => [info.detailType, info] as const);

describe('fixtures', () => {
  it('has one frozen v1 fixture per detail-type and no fixture without a detail-type', () => {
    expect(fixtureFiles.every((name) => name.endsWith(FIXTURE_SUFFIX))).toBe(true);
    expect([...fixtures.keys()].sort()).toEqual(DETAIL_TYPES.map((d) => d.detailType).sort());
    expect(DETAIL_TYPES).toHaveLength(PLAID_DETAIL_TYPES.length + ARGYLE_EVENT_NAMES.length);
  });

  it('keeps detail-type file names distinct on case-insensitive file systems', () => {
    const lower = DETAIL_TYPES.map((d) => d.detailType.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
  });

  it.each(ALL)('%s is a full EventBridge event as a rule target receives it', (detailType, info) => {
    const event = fixtureOf(detailType);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': detailType,
      source: EVENT_SOURCES[info.provider],
      resources: [],
      detail: { metadata: { provider: info.provider, schemaVersion: SCHEMA_VERSION, replayed: false } },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.account).toMatch(/^\d{12}$/);
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Object.keys(event.detail)).toEqual(['metadata', 'data']);
  });
});

describe('every fixture stays valid against the current contract', () => {
  it.each(ALL)('%s: detail parses with detailSchemaFor', (detailType) => {
    const { detail } = fixtureOf(detailType);
    const parsed = detailSchemaFor(detailType).safeParse(detail);
    expect(parsed.error?.issues).toBeUndefined();
  });

  it.each(ALL)('%s: detail validates against the committed JSON Schema', (detailType) => {
    const { detail } = fixtureOf(detailType);
    const validate = validators.get(detailType);
    expect(validate?.(detail) ? [] : validate?.errors).toEqual([]);
  });
});

describe('the validators can fail', () => {
  it.each(ALL)('%s: a key field of the wrong type fails both validators', (detailType, info) => {
    expect(info.entry.keyFields.length).toBeGreaterThan(0);
    for (const field of info.entry.keyFields) {
      const { detail } = fixtureOf(detailType);
      const path = field.split('.');
      setPath(detail.data, path, typeof getPath(detail.data, path) === 'number' ? 'not a number' : 42);
      expect({ field, zod: zodValid(detailType, detail), ajv: ajvValid(detailType, detail) }).toEqual({
        field,
        zod: false,
        ajv: false,
      });
    }
  });

  it.each([
    ['metadata.webhookId missing', (d: Fixture['detail']) => delete d.metadata.webhookId],
    ['metadata.schemaVersion 2', (d: Fixture['detail']) => setPath(d, ['metadata', 'schemaVersion'], 2)],
    [
      'metadata.receivedAt not a date',
      (d: Fixture['detail']) => setPath(d, ['metadata', 'receivedAt'], 'today'),
    ],
    [
      'metadata.provider of the other provider',
      (d: Fixture['detail']) => setPath(d, ['metadata', 'provider'], 'argyle'),
    ],
    [
      'data.webhook_code of another type',
      (d: Fixture['detail']) => setPath(d, ['data', 'webhook_code'], 'ERROR'),
    ],
    ['data missing', (d: Fixture['detail']) => setPath(d as unknown as Json, ['data'], undefined)],
  ])('a TRANSACTIONS.SYNC_UPDATES_AVAILABLE detail with %s fails both validators', (_, mutate) => {
    const { detail } = fixtureOf('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
    mutate(detail);
    const plain = JSON.parse(JSON.stringify(detail)) as unknown;
    expect(zodValid('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', plain)).toBe(false);
    expect(ajvValid('TRANSACTIONS.SYNC_UPDATES_AVAILABLE', plain)).toBe(false);
  });
});

describe('fields the provider adds later', () => {
  it.each(ALL)('%s: an unknown field in data stays valid and is kept', (detailType) => {
    const { detail } = fixtureOf(detailType);
    detail.data.field_added_by_the_provider = { nested: [1, 'two'] };
    expect(ajvValid(detailType, detail)).toBe(true);
    const parsed = detailSchemaFor(detailType).parse(detail);
    expect((parsed.data as Json).field_added_by_the_provider).toEqual({ nested: [1, 'two'] });
  });
});

describe('committed JSON Schemas', () => {
  it('are what `npm run schemas` generates now', async () => {
    expect(await compare(ROOT, generate())).toEqual({ stale: [], missing: [], extra: [] });
  });

  it('are draft 2020-12 with the detail-type as title, listed in index.json', async () => {
    const index = JSON.parse(await readFile(join(ROOT, SCHEMA_DIR, 'index.json'), 'utf8')) as {
      dialect: string;
      detailTypes: { detailType: string; source: string; provider: string; file: string }[];
    };
    expect(index.dialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(index.detailTypes).toEqual(
      DETAIL_TYPES.map(({ detailType, source, provider, entry }) => ({
        detailType,
        source,
        provider,
        file: `${detailType}.json`,
        documented: entry.documented,
      })),
    );
    const schema = await committedSchema('ITEM.ERROR');
    expect(schema.$schema).toBe(index.dialect);
    expect(schema.title).toBe('webhooks.plaid ITEM.ERROR');
  });

  it('the check reports stale, missing and extra files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'schemas-check-'));
    try {
      const files = generate();
      await cp(join(ROOT, SCHEMA_DIR), join(root, SCHEMA_DIR), { recursive: true });
      await cp(join(ROOT, 'docs'), join(root, 'docs'), { recursive: true });
      await cp(join(ROOT, CATALOGUE_VERSION_FILE), join(root, CATALOGUE_VERSION_FILE), { recursive: true });
      expect(await compare(root, files)).toEqual({ stale: [], missing: [], extra: [] });
      await writeFile(join(root, SCHEMA_DIR, 'ITEM.ERROR.json'), '{}\n');
      await rm(join(root, SCHEMA_DIR, 'accounts.connected.json'));
      await writeFile(join(root, SCHEMA_DIR, 'OLD.REMOVED.json'), '{}\n');
      expect(await compare(root, files)).toEqual({
        stale: [`${SCHEMA_DIR}/ITEM.ERROR.json`],
        missing: [`${SCHEMA_DIR}/accounts.connected.json`],
        extra: [`${SCHEMA_DIR}/OLD.REMOVED.json`],
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('eventPattern', () => {
  const matches = (pattern: WebhookEventPattern, event: Fixture): boolean =>
    pattern.source.includes(event.source) &&
    (pattern['detail-type'] === undefined || pattern['detail-type'].includes(event['detail-type']));

  it('publishes under one source per provider', () => {
    expect(EVENT_SOURCES).toEqual({ plaid: 'webhooks.plaid', argyle: 'webhooks.argyle' });
  });

  it('matches all of a provider by source when no types are given', () => {
    expect(eventPattern({ provider: 'plaid' })).toEqual({ source: ['webhooks.plaid'] });
    expect(eventPattern({ provider: 'argyle', types: [] })).toEqual({ source: ['webhooks.argyle'] });
    const plaid = eventPattern({ provider: 'plaid' });
    for (const { detailType, provider } of DETAIL_TYPES) {
      expect(matches(plaid, fixtureOf(detailType))).toBe(provider === 'plaid');
    }
  });

  it('matches some types of a provider by detail-type', () => {
    const pattern = eventPattern({
      provider: 'argyle',
      types: ['accounts.connected', 'accounts.failed'],
    });
    expect(pattern).toEqual({
      source: ['webhooks.argyle'],
      'detail-type': ['accounts.connected', 'accounts.failed'],
    });
    expect(matches(pattern, fixtureOf('accounts.connected'))).toBe(true);
    expect(matches(pattern, fixtureOf('accounts.added'))).toBe(false);
    expect(
      eventPattern({ provider: 'plaid', types: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'] })['detail-type'],
    ).toEqual(['TRANSACTIONS.SYNC_UPDATES_AVAILABLE']);
  });

  it('renders as the same EventPattern in a CDK rule', () => {
    const stack = new Stack(new App(), 'Consumer');
    new Rule(stack, 'Sync', {
      eventBus: EventBus.fromEventBusName(stack, 'Bus', 'webhooks'),
      eventPattern: eventPattern({ provider: 'plaid', types: ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'] }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'webhooks',
      EventPattern: { source: ['webhooks.plaid'], 'detail-type': ['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'] },
    });
  });
});
