import { describe, expect, it } from 'vitest';
import { loadReplayPrices, replayCost, usd } from '../../../cli/ops/replay-cost.js';
import {
  bodyNamesItem,
  compileFilter,
  eventPatternOf,
  parseTypeGlobs,
} from '../../../cli/ops/replay-filter.js';
import type { OperationsRecord } from '../../../lambdas/shared/adapters/operations-store.js';
import { matchesEventPattern, parseEventPattern } from '../../../local/event-pattern/event-pattern.js';

const window = { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' };
const record = (overrides: Partial<OperationsRecord>): OperationsRecord => ({
  dedupeKey: 'plaid#k',
  webhookId: 'w',
  provider: 'plaid',
  detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
  receivedAt: '2026-03-10T12:00:00.000Z',
  status: 'received',
  rawBody: '{"item_id":"item-1"}',
  ...overrides,
});

describe('replay filters', () => {
  it('sends DynamoDB an exact type or a prefix, and checks other globs itself', () => {
    const one = compileFilter({
      ...window,
      providers: ['plaid'],
      types: ['ITEM.ERROR'],
      status: 'published',
    });
    expect(one.scan.detailType).toEqual({ exact: 'ITEM.ERROR' });
    expect(one.scan.statuses).toEqual(['received', 'publishing', 'published']);
    const prefix = compileFilter({
      ...window,
      providers: ['plaid'],
      types: ['TRANSACTIONS.*'],
      status: 'published',
    });
    expect(prefix.scan.detailType).toEqual({ prefix: 'TRANSACTIONS.' });
    const suffix = compileFilter({
      ...window,
      providers: ['plaid'],
      types: ['*.DEFAULT_UPDATE'],
      status: 'failed',
    });
    expect(suffix.scan.detailType).toBeUndefined();
    expect(suffix.matches(record({ detailType: 'AUTH.DEFAULT_UPDATE', status: 'failed' }))).toBe(true);
    expect(suffix.matches(record({ detailType: 'AUTH.DEFAULT_UPDATE_X', status: 'failed' }))).toBe(false);
    expect(suffix.matches(record({ detailType: 'AUTH.DEFAULT_UPDATE', status: 'received' }))).toBe(false);
    // A dot in a glob is a dot, not any character.
    expect(prefix.matches(record({ detailType: 'TRANSACTIONSXSYNC' }))).toBe(false);
  });

  it('keeps [from, to) and the Item named by its field, not by any mention in the body', () => {
    const f = compileFilter({
      ...window,
      providers: ['plaid', 'argyle'],
      types: [],
      status: 'published',
      item: 'item-1',
    });
    expect(f.scan.bodyContains).toBe('"item-1"');
    expect(f.matches(record({}))).toBe(true);
    expect(f.matches(record({ receivedAt: window.to }))).toBe(false);
    expect(f.matches(record({ rawBody: '{"item_id":"x","note":"item-1"}' }))).toBe(false);
    expect(bodyNamesItem('argyle', '{"data":{"account":"item-1"}}', 'item-1')).toBe(true);
    expect(bodyNamesItem('argyle', 'not json', 'item-1')).toBe(false);
  });

  it('builds the event pattern of the same filter for the bus archive', () => {
    expect(
      eventPatternOf({
        ...window,
        providers: ['plaid'],
        types: ['TRANSACTIONS.*', 'ITEM.ERROR', '*.DEFAULT_UPDATE'],
        status: 'published',
        item: 'item-1',
      }),
    ).toEqual({
      source: ['webhooks.plaid'],
      'detail-type': [{ prefix: 'TRANSACTIONS.' }, 'ITEM.ERROR', { wildcard: '*.DEFAULT_UPDATE' }],
      $or: [{ detail: { data: { item_id: ['item-1'] } } }, { detail: { data: { account_id: ['item-1'] } } }],
    });
  });

  it('finds an Argyle id under the payload data, where the event carries it', () => {
    const pattern = eventPatternOf({
      ...window,
      providers: ['argyle'],
      types: [],
      status: 'published',
      item: 'acc-1',
    });
    expect(pattern.$or).toEqual([
      { detail: { data: { data: { account: ['acc-1'] } } } },
      { detail: { data: { data: { item: ['acc-1'] } } } },
      { detail: { data: { data: { user: ['acc-1'] } } } },
    ]);
    const event = {
      source: 'webhooks.argyle',
      'detail-type': 'accounts.updated',
      detail: { metadata: {}, data: { event: 'accounts.updated', data: { account: 'acc-1' } } },
    };
    expect(matchesEventPattern(parseEventPattern(pattern), event)).toBe(true);
    expect(
      matchesEventPattern(parseEventPattern(pattern), {
        ...event,
        detail: { data: { data: { account: 'x' } } },
      }),
    ).toBe(false);
  });

  it('refuses a glob that selects everything or is not a detail-type', () => {
    expect(() => parseTypeGlobs(['*'])).toThrow(/not a detail-type or glob/);
    expect(() => parseTypeGlobs(['ITEM ERROR'])).toThrow(/not a detail-type or glob/);
    expect(parseTypeGlobs(['a.*', 'a.*'])).toEqual(['a.*']);
  });
});

describe('replay cost', () => {
  it('prices the Scan from the table size and every other line per event, summing to the total', () => {
    const cost = replayCost(
      {
        events: 1000,
        tableBytes: 40 * 1024 ** 2,
        measuredScanUnits: 0,
        meanItemBytes: 1200,
        meanEventBytes: 1500,
      },
      loadReplayPrices(),
    );
    const line = (name: string) => cost.lines.find((l) => l.line.startsWith(name))?.usd ?? Number.NaN;
    // 40 MB / 4 KB = 10,240 units, halved: 5,120 RRU at $0.125 per million.
    expect(line('DynamoDB Scan')).toBeCloseTo((5120 * 0.125) / 1e6, 12);
    expect(line('EventBridge PutEvents')).toBeCloseTo(1000 / 1e6, 12);
    expect(line('SQS SendMessageBatch')).toBeCloseTo((100 * 0.4) / 1e6, 12);
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((s, l) => s + l.usd, 0),
      12,
    );
  });

  it('prints small amounts with two significant digits, never in exponent notation', () => {
    expect([1.2e-7, 0.00063, 0.0012, 0.02, 3.456, 0].map(usd)).toEqual([
      '$0.00000012',
      '$0.00063',
      '$0.0012',
      '$0.02',
      '$3.46',
      '$0',
    ]);
  });
});
