import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DETAIL_TYPES,
  InvalidWebhookEventError,
  parseWebhookEvent,
  UnknownDetailTypeError,
  WebhookEventError,
} from '@webhook-pipeline/events';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../../cli/sample-event.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA_DIR = join(ROOT, 'packages/events/schemas');
const FIXTURE_DIR = join(ROOT, 'test/fixtures/events');

/**
 * The required fields of a detail-type's payload, read from its committed JSON Schema (what other
 * languages validate with), so that the test does not ask zod which fields zod requires.
 */
const requiredDataFields = (detailType: string): string[] => {
  const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, `${detailType}.json`), 'utf8')) as {
    properties: { data: { required?: string[] } };
  };
  return schema.properties.data.required ?? [];
};

const CATALOGUE = DETAIL_TYPES.map((info) => [info.detailType, info] as const);

/** What parseWebhookEvent threw (or `undefined`). */
const thrown = (event: unknown): unknown => {
  try {
    parseWebhookEvent(event);
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('parseWebhookEvent', () => {
  it('covers the whole catalogue: 134 detail-types, each with required payload fields', () => {
    expect(CATALOGUE).toHaveLength(134);
    for (const [detailType] of CATALOGUE) expect(requiredDataFields(detailType), detailType).not.toEqual([]);
  });

  it.each(CATALOGUE)('%s: accepts the catalogue sample as a rule target receives it', (_, info) => {
    const event = sampleEvent(info);
    const parsed = parseWebhookEvent(event);
    expect(parsed['detail-type']).toBe(info.detailType);
    expect(parsed.source).toBe(info.source);
    expect(parsed).toEqual(event);
  });

  it.each(CATALOGUE)('%s: refuses the sample without each required field, naming it', (detailType, info) => {
    for (const field of requiredDataFields(detailType)) {
      const event = sampleEvent(info);
      delete event.detail.data[field];
      const error = thrown(event);
      expect(error, field).toBeInstanceOf(InvalidWebhookEventError);
      const invalid = error as InvalidWebhookEventError;
      expect(invalid.detailType).toBe(detailType);
      expect(invalid.fields, field).toContain(`detail.data.${field}`);
      expect(invalid.message).toMatch(
        new RegExp(`^${detailType.replaceAll('.', '\\.')} event does not match`),
      );
      expect(invalid.message).toContain(`detail.data.${field}: `);
    }
  });

  it('accepts every frozen v1 fixture (events as the deployed pipeline published them)', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.v1.json'));
    expect(files).toHaveLength(134);
    for (const file of files) {
      const event = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as Record<string, unknown>;
      expect(parseWebhookEvent(event)['detail-type'], file).toBe(file.slice(0, -'.v1.json'.length));
    }
  });

  it('refuses an unknown detail-type with its own error class, naming it and its source', () => {
    const event = { ...sampleEvent(DETAIL_TYPES[0] as (typeof DETAIL_TYPES)[number]) };
    const unknown = thrown({ ...event, 'detail-type': 'TRANSACTIONS.SOME_NEW_CODE' });
    expect(unknown).toBeInstanceOf(UnknownDetailTypeError);
    expect(unknown).toBeInstanceOf(WebhookEventError);
    expect(unknown).not.toBeInstanceOf(InvalidWebhookEventError);
    expect((unknown as UnknownDetailTypeError).detailType).toBe('TRANSACTIONS.SOME_NEW_CODE');
    expect((unknown as UnknownDetailTypeError).source).toBe('webhooks.plaid');
    expect((unknown as Error).message).toBe(
      'unknown detail-type "TRANSACTIONS.SOME_NEW_CODE" (source webhooks.plaid): not in this version of @webhook-pipeline/events',
    );
    for (const notAnEvent of [null, 'ITEM.ERROR', 42, {}, { 'detail-type': 7 }]) {
      expect(thrown(notAnEvent), JSON.stringify(notAnEvent)).toBeInstanceOf(UnknownDetailTypeError);
    }
  });

  it("refuses an event whose envelope is not EventBridge's or whose source is the other provider's", () => {
    const info = DETAIL_TYPES.find((d) => d.detailType === 'accounts.connected');
    if (!info) throw new Error('accounts.connected is not in the catalogue');
    const event = sampleEvent(info);
    const wrongSource = thrown({ ...event, source: 'webhooks.plaid' }) as InvalidWebhookEventError;
    expect(wrongSource.fields).toEqual(['source']);
    const { id: _id, ...withoutId } = event;
    expect((thrown(withoutId) as InvalidWebhookEventError).fields).toEqual(['id']);
    const otherProvider = structuredClone(event);
    (otherProvider.detail.metadata as { provider: string }).provider = 'plaid';
    expect((thrown(otherProvider) as InvalidWebhookEventError).fields).toEqual(['detail.metadata.provider']);
    const nextVersion = structuredClone(event);
    (nextVersion.detail.metadata as { schemaVersion: number }).schemaVersion = 2;
    expect((thrown(nextVersion) as InvalidWebhookEventError).message).toContain(
      'detail.metadata.schemaVersion: ',
    );
  });

  it("keeps what the schemas do not know: the provider's new fields and EventBridge's replay-name", () => {
    const info = DETAIL_TYPES.find((d) => d.detailType === 'ITEM.ERROR');
    if (!info) throw new Error('ITEM.ERROR is not in the catalogue');
    const event = { ...sampleEvent(info, { set: ['new_field={"a":1}'] }), 'replay-name': 'replay-1' };
    const parsed = parseWebhookEvent(event) as unknown as typeof event;
    expect(parsed.detail.data.new_field).toEqual({ a: 1 });
    expect(parsed['replay-name']).toBe('replay-1');
  });
});
