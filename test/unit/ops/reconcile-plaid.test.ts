import type { ItemGetResponse } from 'plaid';
import { describe, expect, it } from 'vitest';
import { compareItem, environmentOf, nudgeBody, recoveryFor } from '../../../cli/ops/reconcile-plaid.js';

const answer = (overrides: {
  code?: string;
  sentAt?: string;
  products?: string[];
  webhook?: string;
  error?: string;
}): ItemGetResponse =>
  ({
    item: {
      item_id: 'item-1',
      webhook: overrides.webhook ?? 'https://hooks.example.com/webhooks/plaid',
      products: overrides.products ?? ['transactions'],
      billed_products: [],
      error: overrides.error ? { error_code: overrides.error } : null,
    },
    status: {
      last_webhook: overrides.code ? { code_sent: overrides.code, sent_at: overrides.sentAt } : null,
      transactions: { last_successful_update: '2026-03-10T09:00:00Z', last_failed_update: null },
    },
    request_id: 'r',
  }) as unknown as ItemGetResponse;
const url = 'https://hooks.example.com/webhooks/plaid';

describe('reconcile plaid: comparing /item/get with the table', () => {
  it('counts the last webhook as stored when one of its code arrived after sent_at minus the slack', () => {
    const stored = [
      { webhookId: 'a', detailType: 'TRANSACTIONS.DEFAULT_UPDATE', receivedAt: '2026-03-10T09:59:00.000Z' },
    ];
    const sent = { code: 'DEFAULT_UPDATE', sentAt: '2026-03-10T10:00:00Z' };
    expect(compareItem(answer(sent), stored, url, 300_000).state).toBe('ok');
    expect(compareItem(answer(sent), stored, url, 30_000).state).toBe('missed');
    expect(compareItem(answer({ ...sent, code: 'SYNC_UPDATES_AVAILABLE' }), stored, url, 300_000).state).toBe(
      'missed',
    );
    expect(compareItem(answer({}), stored, url, 0).state).toBe('no-webhook');
  });

  it('names the recovery per product, and a nudge already stored for that sent_at as recovered', () => {
    const sent = { code: 'DEFAULT_UPDATE', sentAt: '2026-03-10T10:00:00Z' };
    expect(compareItem(answer(sent), [], url, 0).recovery?.kind).toBe('nudge');
    expect(
      compareItem(answer({ ...sent, products: ['investments'] }), [], url, 0).recovery?.action,
    ).toContain('/investments/holdings/get');
    expect(compareItem(answer({ ...sent, error: 'ITEM_LOGIN_REQUIRED' }), [], url, 0)).toMatchObject({
      itemError: 'ITEM_LOGIN_REQUIRED',
      recovery: { kind: 'manual' },
    });
    expect(recoveryFor('WEBHOOK_UPDATE_ACKNOWLEDGED', ['transactions']).kind).toBe('none');
    const nudge = {
      webhookId: 'n',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      receivedAt: '2026-03-11T00:00:00.000Z',
      recoveryOf: sent.sentAt,
    };
    expect(compareItem(answer(sent), [nudge], url, 0).state).toBe('recovered');
    expect(
      compareItem(answer({ ...sent, webhook: 'https://old.example.com' }), [], url, 0).webhookElsewhere,
    ).toBe('https://old.example.com');
  });

  it('builds a nudge shaped as Plaid SYNC_UPDATES_AVAILABLE, marked as a recovery', () => {
    const body = JSON.parse(nudgeBody(answer({}), { code: 'DEFAULT_UPDATE', sentAt: 't' }, 'sandbox'));
    expect(body).toEqual({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: 'item-1',
      initial_update_complete: true,
      historical_update_complete: true,
      environment: 'sandbox',
      webhook_pipeline_recovery: { missed_code: 'DEFAULT_UPDATE', missed_sent_at: 't' },
    });
    expect(environmentOf('access-production-abc', 'sandbox')).toBe('production');
    expect(environmentOf('other', 'sandbox')).toBe('sandbox');
  });
});
