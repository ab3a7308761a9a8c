import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGYLE_CATALOG, ARGYLE_EVENT_NAMES, ArgyleWebhookSchema } from '@webhook-pipeline/events/argyle';
import { describe, expect, it } from 'vitest';

const SEEDS_DIR = join(import.meta.dirname, '../../../fixtures/seeds');

const entries = ARGYLE_EVENT_NAMES.map((name) => [name, ARGYLE_CATALOG[name]] as const);
const undocumented = entries.filter(([, entry]) => !entry.documented);

describe('Catalogue: Argyle', () => {
  it('holds exactly the 51 v2 events', () => {
    // Prepare
    const families = ARGYLE_EVENT_NAMES.map((name) => name.split('.')[0]);

    // Act
    const perFamily = Object.fromEntries(
      [...new Set(families)].map((f) => [f, families.filter((x) => x === f).length]),
    );

    // Assess
    expect(Object.keys(ARGYLE_CATALOG)).toHaveLength(51);
    expect(ARGYLE_EVENT_NAMES).toHaveLength(51);
    expect(ArgyleWebhookSchema.options).toHaveLength(51);
    expect(perFamily).toEqual({
      users: 1,
      accounts: 5,
      items: 2,
      identities: 2,
      paystubs: 4,
      gigs: 5,
      shifts: 5,
      payroll_documents: 5,
      deposit_destinations: 3,
      direct_deposit_switches: 2,
      vehicles: 3,
      ratings: 2,
      reports: 2,
      user_uploads: 5,
      user_forms: 2,
      verifications: 3,
    });
  });

  it.each(entries)('keys %s by its event literal, detail-type and sample event', (name, entry) => {
    // Act
    const literal = entry.schema.shape.event.value;

    // Assess
    expect(literal).toBe(name);
    expect(entry.detailType).toBe(name);
    expect(entry.sample.event).toBe(name);
    expect(entry.keyFields.length).toBeGreaterThanOrEqual(1);
    expect(entry.keyFields.length).toBeLessThanOrEqual(3);
  });

  it('puts every entry in the discriminated union once', () => {
    // Act
    const unionEvents = ArgyleWebhookSchema.options.map((option) => option.shape.event.value);

    // Assess
    expect([...unionEvents].sort()).toEqual([...ARGYLE_EVENT_NAMES].sort());
  });

  it('marks exactly the events without a published shape as undocumented', () => {
    // Act
    const names = undocumented.map(([name]) => name).sort();

    // Assess
    expect(names).toEqual(
      [
        'paystubs.updated',
        'shifts.added',
        'shifts.updated',
        'shifts.removed',
        'shifts.partially_synced',
        'shifts.fully_synced',
        'payroll_documents.ocr_completed',
        'payroll_documents.ocr_failed',
        'reports.ready',
        'reports.generated',
        'user_uploads.added',
        'user_uploads.removed',
        'user_uploads.ocr_completed',
        'user_uploads.ocr_failed',
        'user_uploads.ocr_authenticity',
        'user_forms.removed',
        'user_forms.submitted',
      ].sort(),
    );
  });

  it.each(entries)('parses the %s sample unchanged with its schema and the union', (_name, entry) => {
    // Prepare
    const body = structuredClone(entry.sample);

    // Act
    const own = entry.schema.parse(body);
    const union = ArgyleWebhookSchema.parse(body);

    // Assess
    expect(own).toStrictEqual(entry.sample);
    expect(union).toStrictEqual(entry.sample);
  });

  it.each(readdirSync(SEEDS_DIR).filter((f) => f.startsWith('argyle__') && f.endsWith('.json')))(
    'parses the seed %s unchanged',
    (file) => {
      // Prepare
      const input: unknown = JSON.parse(readFileSync(join(SEEDS_DIR, file), 'utf8'));

      // Act
      const parsed = ArgyleWebhookSchema.parse(input);

      // Assess
      expect(parsed).toStrictEqual(input);
      expect(file).toBe(`argyle__${parsed.event}.json`);
      expect(ARGYLE_CATALOG[parsed.event].sample).toStrictEqual(input);
    },
  );

  it.each(entries)('keeps unknown fields of %s at the top level and inside data', (_name, entry) => {
    // Prepare
    const sample = structuredClone(entry.sample);
    const body = {
      ...sample,
      added_in_a_later_api_version: { nested: [1, 'two', null], flag: true },
      data: { ...sample.data, another_new_field: 'x' },
    };

    // Act
    const own = entry.schema.parse(body);
    const union = ArgyleWebhookSchema.parse(body);

    // Assess
    expect(own).toStrictEqual(body);
    expect(union).toStrictEqual(body);
  });

  it.each(undocumented)('accepts any object as the data of the undocumented %s', (name, entry) => {
    // Prepare
    const bodies = [
      { event: name, name: 'subscription', data: {} },
      { event: name, name: 'subscription', data: { anything: [1, { deep: null }], count: 'not a number' } },
    ];

    // Act
    const results = bodies.map((body) => entry.schema.safeParse(body));

    // Assess
    expect(results.map((r) => r.success)).toEqual([true, true]);
    expect(results.map((r) => r.data)).toStrictEqual(bodies);
  });

  it.each(entries)('rejects a non-object data for %s', (name, entry) => {
    // Prepare
    const bodies = ['a string', [], [{ account: 'x' }], null].map((data) => ({
      event: name,
      name: 'sub',
      data,
    }));

    // Act
    const own = bodies.map((body) => entry.schema.safeParse(body).success);
    const union = bodies.map((body) => ArgyleWebhookSchema.safeParse(body).success);

    // Assess
    expect(own).toEqual([false, false, false, false]);
    expect(union).toEqual([false, false, false, false]);
  });

  it.each(entries)('rejects a %s body without name', (_name, entry) => {
    // Prepare
    const { name: _subscription, ...body } = structuredClone(entry.sample);

    // Act
    const own = entry.schema.safeParse(body);
    const union = ArgyleWebhookSchema.safeParse(body);

    // Assess
    expect(own.success).toBe(false);
    expect(union.success).toBe(false);
  });

  it('rejects accounts.connected whose data.account is a number', () => {
    // Prepare
    const sample = ARGYLE_CATALOG['accounts.connected'].sample;
    const body = { ...sample, data: { ...sample.data, account: 12345 } };

    // Act
    const own = ARGYLE_CATALOG['accounts.connected'].schema.safeParse(body);
    const union = ArgyleWebhookSchema.safeParse(body);

    // Assess
    expect(own.success).toBe(false);
    expect(union.success).toBe(false);
    expect(own.error?.issues[0]?.path).toEqual(['data', 'account']);
  });

  it('rejects items.removed without data.item', () => {
    // Prepare
    const body = { event: 'items.removed', name: 'name-for-the-webhook-subscription', data: {} };

    // Act
    const own = ARGYLE_CATALOG['items.removed'].schema.safeParse(body);
    const union = ArgyleWebhookSchema.safeParse(body);

    // Assess
    expect(own.success).toBe(false);
    expect(union.success).toBe(false);
    expect(own.error?.issues[0]?.path).toEqual(['data', 'item']);
  });

  it('rejects an event that is not in the catalogue', () => {
    // Prepare
    const body = { event: 'activities.added', name: 'legacy', data: { account: 'a', user: 'u' } };

    // Act
    const result = ArgyleWebhookSchema.safeParse(body);

    // Assess
    expect(result.success).toBe(false);
  });

  it('accepts a real gigs.partially_synced delivery with empty bounds and an undocumented item_id', () => {
    // Prepare
    const body = {
      event: 'gigs.partially_synced',
      name: 'tdooner-e2e-partial',
      data: {
        account: '019795df-8ff4-7e82-fff1-65a22e55ac0f',
        user: '019795df-86d1-be83-1338-314da2cfe660',
        item_id: 'item_000029932',
        available_from: null,
        available_to: null,
        available_count: 0,
        days_synced: 110,
      },
    };

    // Act
    const parsed = ArgyleWebhookSchema.parse(body);

    // Assess
    expect(parsed).toStrictEqual(body);
  });
});
