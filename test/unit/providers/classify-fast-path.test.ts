import { ARGYLE_CATALOG } from '@webhook-pipeline/events/argyle';
import { PLAID_CATALOG } from '@webhook-pipeline/events/plaid';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyArgyleWebhook,
  classifyArgyleWebhookFully,
} from '../../../lambdas/providers/argyle/classify.js';
import {
  classifyPlaidWebhook,
  classifyPlaidWebhookFully,
} from '../../../lambdas/providers/plaid/classify.js';

const samples = (catalog: Readonly<Record<string, { sample: unknown }>>) =>
  Object.values(catalog).map((entry) => structuredClone(entry.sample) as Record<string, unknown>);

/** A catalogue sample with one top-level or `data` field replaced, removed, or the name swapped. */
const mutated = (all: readonly Record<string, unknown>[], nameKeys: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...all),
      fc.constantFrom(...nameKeys, 'name', 'data', 'item_id', 'extra'),
      fc.option(fc.jsonValue(), { nil: undefined }),
      fc.boolean(),
      fc.constantFrom(...all),
    )
    .map(([sample, key, value, inData, other]) => {
      const body = structuredClone(sample);
      const target =
        inData && typeof body.data === 'object' && body.data !== null
          ? (body.data as Record<string, unknown>)
          : body;
      if (value === undefined) delete target[key];
      else target[key] = key === nameKeys[0] && value === null ? other[key] : value;
      return body;
    });

describe('classification in one parse on the happy path gives the full path answer', () => {
  it('Argyle: every sample, and mutated ones', () => {
    const all = samples(ARGYLE_CATALOG);
    for (const body of all) expect(classifyArgyleWebhook(body)).toEqual(classifyArgyleWebhookFully(body));
    fc.assert(
      fc.property(mutated(all, ['event']), (body) => {
        expect(classifyArgyleWebhook(body)).toEqual(classifyArgyleWebhookFully(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('Plaid: every sample, and mutated ones', () => {
    const all = samples(PLAID_CATALOG);
    for (const body of all) expect(classifyPlaidWebhook(body)).toEqual(classifyPlaidWebhookFully(body));
    fc.assert(
      fc.property(mutated(all, ['webhook_code', 'webhook_type']), (body) => {
        expect(classifyPlaidWebhook(body)).toEqual(classifyPlaidWebhookFully(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('still tells a quarantined body why, and an unknown event by its name', () => {
    expect(
      classifyArgyleWebhook({ event: 'accounts.connected', name: 'n', data: { account: 1 } }),
    ).toMatchObject({
      kind: 'invalid',
      detailType: 'accounts.connected',
    });
    expect(classifyArgyleWebhook({ event: 'brand_new.event', name: 'n', data: {} })).toEqual({
      kind: 'unknown',
      detailType: 'brand_new.event',
    });
    expect(classifyPlaidWebhook({ webhook_type: 'ITEM', webhook_code: 'ERROR', item_id: 1 })).toMatchObject({
      kind: 'invalid',
      detailType: 'ITEM.ERROR',
    });
  });
});
