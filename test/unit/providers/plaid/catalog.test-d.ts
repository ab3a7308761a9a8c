import type {
  PlaidDetailType,
  PlaidError,
  PlaidWebhook,
  PlaidWebhookOf,
} from '@webhook-pipeline/events/plaid';
import { describe, expectTypeOf, it } from 'vitest';

describe('PlaidWebhookOf', () => {
  it('types item_id of SYNC_UPDATES_AVAILABLE as optional, since processor partners get account_id', () => {
    expectTypeOf<PlaidWebhookOf<'TRANSACTIONS.SYNC_UPDATES_AVAILABLE'>['item_id']>().toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf<
      PlaidWebhookOf<'TRANSACTIONS.SYNC_UPDATES_AVAILABLE'>['initial_update_complete']
    >().toEqualTypeOf<boolean>();
  });

  it('keeps the literal webhook_code and the PlaidError of ITEM.ERROR', () => {
    expectTypeOf<PlaidWebhookOf<'ITEM.ERROR'>['webhook_code']>().toEqualTypeOf<'ERROR'>();
    expectTypeOf<PlaidWebhookOf<'ITEM.ERROR'>['item_id']>().toEqualTypeOf<string>();
    expectTypeOf<PlaidWebhookOf<'ITEM.ERROR'>['error']>().toEqualTypeOf<PlaidError | null | undefined>();
  });

  it('only accepts known detail-types', () => {
    expectTypeOf<'ITEM.ERROR'>().toExtend<PlaidDetailType>();
    // @ts-expect-error NOPE.NOPE is not in the catalogue
    expectTypeOf<PlaidWebhookOf<'NOPE.NOPE'>>().toBeObject();
  });
});

describe('PlaidWebhook', () => {
  it('narrows on webhook_type then webhook_code', () => {
    const narrow = (webhook: PlaidWebhook) => {
      if (webhook.webhook_type === 'ASSETS' && webhook.webhook_code === 'ERROR') {
        expectTypeOf(webhook.asset_report_id).toEqualTypeOf<string>();
      }
      if (webhook.webhook_type === 'HOLDINGS') {
        expectTypeOf(webhook.new_holdings).toEqualTypeOf<number>();
      }
    };
    expectTypeOf(narrow).parameter(0).toEqualTypeOf<PlaidWebhook>();
  });
});
