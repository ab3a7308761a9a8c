import { InvalidWebhookEventError } from '@webhook-pipeline/events';
import { describe, expect, it } from 'vitest';
import { createHandler, type Effects, type SyncEvent } from '../src/handler.js';
// Made by `webhook-pipeline events sample` (test/events/generate.sh): the events a rule target receives.
import accountsConnected from './events/accounts-connected.json' with { type: 'json' };
import itemError from './events/item-error.json' with { type: 'json' };
import syncUpdates from './events/sync-updates-available.json' with { type: 'json' };
import acknowledged from './events/webhook-update-acknowledged.json' with { type: 'json' };

/** Effects that record what the handler asked for, with a claims table in memory. */
const recording = ({ failSync = false } = {}) => {
  const calls: string[] = [];
  const claims = new Set<string>();
  const effects: Effects = {
    syncTransactions: async (itemId) => {
      if (failSync) throw new Error('Plaid is down');
      calls.push(`sync ${itemId}`);
    },
    flagItem: async (itemId, code) => void calls.push(`flag ${itemId} ${code}`),
    addPayrollAccount: async (account, user) => void calls.push(`payroll ${account} ${user}`),
    claim: async (webhookId) => !claims.has(webhookId) && Boolean(claims.add(webhookId)),
    release: async (webhookId) => void claims.delete(webhookId),
  };
  return { calls, claims, effects };
};

describe('the consumer handler', () => {
  it('syncs the Item of a TRANSACTIONS.SYNC_UPDATES_AVAILABLE', async () => {
    const { calls, effects } = recording();
    expect(await createHandler(effects)(syncUpdates)).toBe('processed');
    expect(calls).toEqual(['sync item-sync-1']);
  });

  it('flags the Item of an ITEM.ERROR with its error code, and records an Argyle account', async () => {
    const { calls, effects } = recording();
    const handle = createHandler(effects);
    expect(await handle(itemError)).toBe('processed');
    expect(await handle(accountsConnected)).toBe('processed');
    expect(calls).toEqual(['flag item-error-1 ITEM_LOGIN_REQUIRED', 'payroll acc_1 user_1']);
  });

  it('processes a webhook once, however many copies arrive', async () => {
    const { calls, effects } = recording();
    const handle = createHandler(effects);
    // A redelivery: the same webhookId under another EventBridge id.
    const copy = { ...syncUpdates, id: 'another-eventbridge-id' };
    expect([await handle(syncUpdates), await handle(copy)]).toEqual(['processed', 'duplicate']);
    expect(calls).toEqual(['sync item-sync-1']);
  });

  it('gives its claim up when processing fails, so that the retry processes it', async () => {
    const failing = recording({ failSync: true });
    await expect(createHandler(failing.effects)(syncUpdates)).rejects.toThrow('Plaid is down');
    expect(failing.claims.size).toBe(0);
  });

  it('ignores a detail-type it does not act on, and one newer than its package', async () => {
    const { calls, effects } = recording();
    const handle = createHandler(effects);
    expect(await handle(acknowledged)).toBe('ignored');
    expect(await handle({ ...syncUpdates, 'detail-type': 'TRANSACTIONS.SOME_NEW_CODE' })).toBe('ignored');
    expect(calls).toEqual([]);
  });

  it('refuses an event that does not match its schema, naming the field', async () => {
    const { effects } = recording();
    const { item_id: _removed, ...data } = itemError.detail.data;
    const broken = { ...itemError, detail: { ...itemError.detail, data } };
    const refused = createHandler(effects)(broken);
    await expect(refused).rejects.toBeInstanceOf(InvalidWebhookEventError);
    await expect(refused).rejects.toThrow('ITEM.ERROR event does not match its schema: detail.data.item_id');
  });

  it('has the catalogue’s types: a sample is a SyncEvent, a misspelt detail-type does not compile', () => {
    const typed: SyncEvent = syncUpdates as SyncEvent;
    expect(typed.detail.data.webhook_code).toBe('SYNC_UPDATES_AVAILABLE');
    // @ts-expect-error SYNC_UPDATE_AVAILABLE is not a detail-type of the catalogue
    expect(typed['detail-type'] === 'TRANSACTIONS.SYNC_UPDATE_AVAILABLE').toBe(false);
  });
});
