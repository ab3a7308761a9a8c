import { readdir, readFile } from 'node:fs/promises';
import type { CatalogEntry } from '@webhook-pipeline/events';
import {
  PLAID_CATALOG,
  PLAID_DETAIL_TYPES,
  type PlaidDetailType,
  PlaidEnvelopeSchema,
  PlaidWebhookSchema,
  plaidDetailType,
} from '@webhook-pipeline/events/plaid';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const SEEDS_DIR = new URL('../../../fixtures/seeds/', import.meta.url);
const seedFiles = (await readdir(SEEDS_DIR)).filter((name) => /^plaid__.+\.json$/.test(name)).sort();

// Tests mutate copies of the samples, never the catalogue itself.
const sampleOf = (detailType: PlaidDetailType): Record<string, unknown> =>
  structuredClone(PLAID_CATALOG[detailType].sample) as Record<string, unknown>;

const entryOf = (detailType: string): CatalogEntry => {
  const entry = (PLAID_CATALOG as Readonly<Record<string, CatalogEntry>>)[detailType];
  if (entry === undefined) throw new Error(`no catalogue entry for ${detailType}`);
  return entry;
};

// Refined schemas are still ZodObjects in zod 4, so the literals can be read from the shape.
const literalsOf = (schema: z.ZodType): { type: unknown; code: unknown } => {
  if (!(schema instanceof z.ZodObject)) throw new Error('expected an object schema');
  const { webhook_type: type, webhook_code: code } = schema.shape;
  if (!(type instanceof z.ZodLiteral) || !(code instanceof z.ZodLiteral)) {
    throw new Error('expected literal webhook_type and webhook_code');
  }
  return { type: type.value, code: code.value };
};

describe('PLAID_CATALOG', () => {
  it('has 83 entries across 31 webhook types', () => {
    // Prepare
    const types = new Set(PLAID_DETAIL_TYPES.map((detailType) => detailType.split('.')[0]));

    // Act
    const keys = Object.keys(PLAID_CATALOG);

    // Assess
    expect(keys).toHaveLength(83);
    expect(PLAID_DETAIL_TYPES).toEqual(keys);
    expect(types.size).toBe(31);
  });

  it.each(PLAID_DETAIL_TYPES)('keys %s by the literals of its schema and of its sample', (detailType) => {
    // Prepare
    const entry = entryOf(detailType);
    const sample = entry.sample as Record<string, unknown>;

    // Act
    const { type, code } = literalsOf(entry.schema);

    // Assess
    expect(entry.detailType).toBe(detailType);
    expect(plaidDetailType(String(type), String(code))).toBe(detailType);
    expect(plaidDetailType(String(sample.webhook_type), String(sample.webhook_code))).toBe(detailType);
    expect(entry.documented).toBe(true);
    expect(entry.description.length).toBeGreaterThan(0);
    expect(entry.keyFields.length).toBeGreaterThanOrEqual(1);
    expect(entry.keyFields.length).toBeLessThanOrEqual(3);
  });

  it.each(PLAID_DETAIL_TYPES)(
    'parses the sample of %s unchanged with its schema and the union',
    (detailType) => {
      // Prepare
      const sample = sampleOf(detailType);

      // Act
      const own = entryOf(detailType).schema.safeParse(sample);
      const union = PlaidWebhookSchema.safeParse(sample);

      // Assess
      expect(own.error).toBeUndefined();
      expect(own.data).toStrictEqual(sample);
      expect(union.error).toBeUndefined();
      expect(union.data).toStrictEqual(sample);
    },
  );
});

describe('seed payloads', () => {
  it('are present', () => {
    // Assess
    expect(seedFiles.length).toBeGreaterThan(0);
  });

  it.each(seedFiles)('accepts %s unchanged', async (file) => {
    // Prepare
    const payload = JSON.parse(await readFile(new URL(file, SEEDS_DIR), 'utf8')) as Record<string, unknown>;
    const envelope = PlaidEnvelopeSchema.parse(payload);
    const entry = entryOf(plaidDetailType(envelope.webhook_type, envelope.webhook_code));

    // Act
    const own = entry.schema.safeParse(payload);
    const union = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(own.error).toBeUndefined();
    expect(own.data).toStrictEqual(payload);
    expect(union.data).toStrictEqual(payload);
  });
});

describe('PlaidWebhookSchema', () => {
  it('keeps unknown fields at the top level and inside error', () => {
    // Prepare
    const payload = {
      ...sampleOf('ITEM.ERROR'),
      brand_new_field: { nested: [1, 2] },
      error: {
        error_type: 'ITEM_ERROR',
        error_code: 'ITEM_LOGIN_REQUIRED',
        error_message: 'a user login is required',
        display_message: null,
        status: 400,
        error_hint: 'ask the user to re-authenticate',
      },
    };

    // Act
    const own = PLAID_CATALOG['ITEM.ERROR'].schema.parse(payload);
    const union = PlaidWebhookSchema.parse(payload);

    // Assess
    expect(own).toStrictEqual(payload);
    expect(union).toStrictEqual(payload);
    expect(own.error?.error_hint).toBe('ask the user to re-authenticate');
  });

  it.each<[PlaidDetailType, string, (payload: Record<string, unknown>) => void]>([
    ['ITEM.ERROR', 'item_id removed', (p) => delete p.item_id],
    ['ITEM.ERROR', 'environment a number', (p) => Object.assign(p, { environment: 1 })],
    [
      'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      'initial_update_complete removed',
      (p) => delete p.initial_update_complete,
    ],
    [
      'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      'historical_update_complete a string',
      (p) => Object.assign(p, { historical_update_complete: 'false' }),
    ],
    [
      'TRANSACTIONS.INITIAL_UPDATE',
      'new_transactions a string',
      (p) => Object.assign(p, { new_transactions: '19' }),
    ],
    ['HOLDINGS.DEFAULT_UPDATE', 'new_holdings removed', (p) => delete p.new_holdings],
    [
      'HOLDINGS.DEFAULT_UPDATE',
      'updated_holdings a string',
      (p) => Object.assign(p, { updated_holdings: '0' }),
    ],
    [
      'TRANSFER.RECURRING_TRANSFER_SKIPPED',
      'skipped_origination_date removed',
      (p) => delete p.skipped_origination_date,
    ],
    [
      'TRANSFER.RECURRING_TRANSFER_SKIPPED',
      'authorization_decision a number',
      (p) => Object.assign(p, { authorization_decision: 1 }),
    ],
  ])('rejects %s with %s', (detailType, _change, mutate) => {
    // Prepare
    const payload = sampleOf(detailType);
    mutate(payload);

    // Act
    const own = entryOf(detailType).schema.safeParse(payload);
    const union = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(own.success).toBe(false);
    expect(union.success).toBe(false);
  });

  it('accepts error: null', () => {
    // Prepare
    const payload = { ...sampleOf('ITEM.ERROR'), error: null };

    // Act
    const result = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.data).toStrictEqual(payload);
  });

  it('rejects a nested PlaidError without error_code', () => {
    // Prepare
    const payload = {
      ...sampleOf('ITEM.ERROR'),
      error: { error_type: 'ITEM_ERROR', error_message: 'a user login is required', display_message: null },
    };

    // Act
    const result = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((issue) => issue.path.join('.') === 'error.error_code')).toBe(true);
  });

  it('accepts the processor variant keyed by account_id', () => {
    // Prepare
    const { item_id: _itemId, ...rest } = sampleOf('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');
    const payload = { ...rest, account_id: 'dVzbVMLjrxTnLjX4G66XUp5GLklm4oiZy88yK' };

    // Act
    const own = PLAID_CATALOG['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'].schema.safeParse(payload);
    const union = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(own.data).toStrictEqual(payload);
    expect(own.data?.item_id).toBeUndefined();
    expect(union.data).toStrictEqual(payload);
  });

  it('rejects a payload with neither item_id nor account_id', () => {
    // Prepare
    const { item_id: _itemId, ...payload } = sampleOf('TRANSACTIONS.SYNC_UPDATES_AVAILABLE');

    // Act
    const own = PLAID_CATALOG['TRANSACTIONS.SYNC_UPDATES_AVAILABLE'].schema.safeParse(payload);
    const union = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(own.error?.issues.map((issue) => issue.message)).toEqual(['item_id or account_id is required']);
    expect(union.success).toBe(false);
  });

  it('accepts the processor variant of RECURRING_TRANSACTIONS_UPDATE without account_ids', () => {
    // Prepare
    const payload = {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'RECURRING_TRANSACTIONS_UPDATE',
      account_id: 'dVzbVMLjrxTnLjX4G66XUp5GLklm4oiZy88yK',
      environment: 'production',
    };
    const { account_ids: _accountIds, ...itemVariantWithoutAccountIds } = sampleOf(
      'TRANSACTIONS.RECURRING_TRANSACTIONS_UPDATE',
    );

    // Act
    const processor = PlaidWebhookSchema.safeParse(payload);
    const item = PlaidWebhookSchema.safeParse(itemVariantWithoutAccountIds);

    // Assess
    expect(processor.data).toStrictEqual(payload);
    expect(item.success).toBe(false);
  });

  it('accepts a string error in the Fallback Auth variants', () => {
    // Prepare
    const payload = { ...sampleOf('AUTH.VERIFICATION_EXPIRED'), error: 'verification expired' };

    // Act
    const result = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(result.data).toStrictEqual(payload);
  });

  it('accepts either spelling of the cancelled investments transactions count, but requires one', () => {
    // Prepare
    const { canceled_investments_transactions: count, ...rest } = sampleOf(
      'INVESTMENTS_TRANSACTIONS.DEFAULT_UPDATE',
    );
    const specSpelling = { ...rest, cancelled_investments_transactions: count };

    // Act
    const spec = PlaidWebhookSchema.safeParse(specSpelling);
    const neither = PlaidWebhookSchema.safeParse(rest);
    const historical = PLAID_CATALOG['INVESTMENTS_TRANSACTIONS.HISTORICAL_UPDATE'].schema.safeParse({
      ...sampleOf('INVESTMENTS_TRANSACTIONS.HISTORICAL_UPDATE'),
      cancelled_investments_transactions: undefined,
    });

    // Assess
    expect(spec.data).toStrictEqual(specSpelling);
    expect(neither.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'cancelled_investments_transactions',
    ]);
    expect(historical.success).toBe(false);
  });

  it('accepts enum values Plaid has not documented yet', () => {
    // Prepare
    const payload = {
      ...sampleOf('ITEM.ERROR'),
      environment: 'development',
      error: {
        error_type: 'BRAND_NEW_ERROR',
        error_code: 'SOMETHING_NEW',
        error_message: 'new',
        display_message: null,
      },
    };

    // Act
    const result = PlaidWebhookSchema.safeParse(payload);

    // Assess
    expect(result.data).toStrictEqual(payload);
  });

  it('routes the same code under two types to different schemas', () => {
    // Prepare
    const assets = sampleOf('ASSETS.ERROR');
    const assetsRelabelledAsItem = { ...assets, webhook_type: 'ITEM' };

    // Act
    const assetsResult = PlaidWebhookSchema.parse(assets);
    const item = PlaidWebhookSchema.parse(sampleOf('ITEM.ERROR'));
    const relabelled = PlaidWebhookSchema.safeParse(assetsRelabelledAsItem);

    // Assess
    expect(assetsResult.webhook_type === 'ASSETS' && assetsResult.webhook_code === 'ERROR').toBe(true);
    if (assetsResult.webhook_type === 'ASSETS' && assetsResult.webhook_code === 'ERROR') {
      expect(assetsResult.asset_report_id).toBe(assets.asset_report_id);
    }
    expect(item.webhook_type).toBe('ITEM');
    // An ASSETS body under the ITEM type is checked by ItemErrorWebhook, which needs item_id.
    expect(relabelled.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['item_id']);
  });

  it('rejects an unknown (type, code) pair', () => {
    // Prepare
    const payload = { webhook_type: 'NOPE', webhook_code: 'NOPE', environment: 'production' };

    // Act
    const union = PlaidWebhookSchema.safeParse(payload);
    const envelope = PlaidEnvelopeSchema.safeParse(payload);

    // Assess
    expect(union.success).toBe(false);
    expect(envelope.data).toStrictEqual(payload);
  });
});

describe('PlaidEnvelopeSchema', () => {
  it('rejects an empty webhook_type or webhook_code', () => {
    // Act
    const result = PlaidEnvelopeSchema.safeParse({ webhook_type: '', webhook_code: 'ERROR' });

    // Assess
    expect(result.success).toBe(false);
  });
});
