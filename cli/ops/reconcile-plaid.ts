import type { ItemGetResponse } from 'plaid';

/** A Plaid webhook of an Item as the table holds it. */
export interface StoredPlaidWebhook {
  readonly webhookId: string;
  readonly detailType: string;
  readonly receivedAt: string;
  /** The missed webhook a reconcile nudge stood in for (`webhook_pipeline_recovery.missed_sent_at`). */
  readonly recoveryOf?: string;
}

/** How to recover what a missed webhook announced, as Plaid documents it per product. */
export interface Recovery {
  /** `nudge`: an event the pipeline can publish; `manual`: an API call or a user action. */
  readonly kind: 'nudge' | 'manual' | 'none';
  readonly action: string;
  readonly detailType?: string;
}

/** One Item's comparison. */
export interface ItemGap {
  readonly itemId: string;
  /** ok: the last webhook Plaid sent is stored; missed: it is not; recovered: a nudge stood in for it. */
  readonly state: 'ok' | 'missed' | 'recovered' | 'no-webhook';
  readonly lastSent?: { readonly code: string; readonly sentAt: string };
  readonly lastStored?: {
    readonly detailType: string;
    readonly receivedAt: string;
    readonly webhookId: string;
  };
  /** The Item's webhook URL at Plaid, when it is not the pipeline's (why webhooks go missing). */
  readonly webhookElsewhere?: string;
  /** The Item's own error at Plaid (e.g. ITEM_LOGIN_REQUIRED): it needs the user in update mode. */
  readonly itemError?: string;
  readonly recovery?: Recovery;
}

/** Codes announcing a product's data, and Plaid's documented way to fetch it again. */
const PRODUCT_FETCH: readonly { readonly products: readonly string[]; readonly call: string }[] = [
  { products: ['investments'], call: '/investments/holdings/get and /investments/transactions/get' },
  { products: ['liabilities'], call: '/liabilities/get' },
  { products: ['auth'], call: '/auth/get' },
  { products: ['identity'], call: '/identity/get' },
  { products: ['assets'], call: '/asset_report/get' },
];

/**
 * The recovery Plaid documents for an Item whose last webhook was missed. Transactions
 * (`/transactions/sync`) need only a nudge: the cursor returns every change since the consumer's last
 * call, so a `TRANSACTIONS.SYNC_UPDATES_AVAILABLE` event recovers whatever was announced. Other
 * products' webhooks carry data a nudge cannot invent (counts, ids): the consumer calls the product's
 * endpoint. An Item in error needs the user in Link's update mode first.
 */
export const recoveryFor = (code: string, products: readonly string[], itemError?: string): Recovery => {
  if (itemError)
    return {
      kind: 'manual',
      action: `the Item is in error ${itemError}: send the user through Link update mode, then reconcile again`,
    };
  if (code === 'WEBHOOK_UPDATE_ACKNOWLEDGED')
    return { kind: 'none', action: 'nothing to recover (the acknowledgement of a webhook URL change)' };
  if (products.includes('transactions'))
    return {
      kind: 'nudge',
      detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
      action:
        'publish TRANSACTIONS.SYNC_UPDATES_AVAILABLE: /transactions/sync returns every change since the cursor',
    };
  const fetch = PRODUCT_FETCH.find((p) => p.products.some((x) => products.includes(x)));
  if (fetch)
    return { kind: 'manual', action: `call ${fetch.call} for the Item (no event can carry its data)` };
  return {
    kind: 'manual',
    action: `call /item/get and the endpoints of the Item's products (${products.join(', ') || 'none'})`,
  };
};

/**
 * Compares what Plaid last sent an Item (`status.last_webhook`) with the Item's webhooks in the
 * table: the last sent is stored when a webhook of its code was received no earlier than `slackMs`
 * before `sent_at` (Plaid's clock and retries).
 */
export const compareItem = (
  answer: ItemGetResponse,
  stored: readonly StoredPlaidWebhook[],
  expectedWebhook: string | undefined,
  slackMs: number,
): ItemGap => {
  const item = answer.item;
  const products = [...new Set([...(item.products ?? []), ...(item.billed_products ?? [])].map(String))];
  const last = answer.status?.last_webhook;
  const latest = [...stored].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
  const base = {
    itemId: item.item_id,
    ...(latest
      ? {
          lastStored: {
            detailType: latest.detailType,
            receivedAt: latest.receivedAt,
            webhookId: latest.webhookId,
          },
        }
      : {}),
    ...(expectedWebhook && item.webhook !== expectedWebhook
      ? { webhookElsewhere: item.webhook ?? '(none)' }
      : {}),
    ...(item.error?.error_code ? { itemError: item.error.error_code } : {}),
  };
  if (!last?.sent_at || !last.code_sent) return { ...base, state: 'no-webhook' };
  const lastSent = { code: last.code_sent, sentAt: last.sent_at };
  const since = Date.parse(last.sent_at) - slackMs;
  const received = stored.some(
    (w) => w.detailType.endsWith(`.${last.code_sent}`) && Date.parse(w.receivedAt) >= since,
  );
  if (received) return { ...base, lastSent, state: 'ok' };
  if (stored.some((w) => w.recoveryOf === last.sent_at)) return { ...base, lastSent, state: 'recovered' };
  return {
    ...base,
    lastSent,
    state: 'missed',
    recovery: recoveryFor(last.code_sent, products, base.itemError),
  };
};

/**
 * The body of a recovery nudge, shaped as Plaid's `SYNC_UPDATES_AVAILABLE` (2-space JSON like
 * Plaid's), plus `webhook_pipeline_recovery` so consumers and later runs can tell it from a delivery.
 */
export const nudgeBody = (
  answer: ItemGetResponse,
  lastSent: { code: string; sentAt: string },
  environment: string,
) =>
  JSON.stringify(
    {
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: answer.item.item_id,
      initial_update_complete: Boolean(answer.status?.transactions?.last_successful_update),
      historical_update_complete: Boolean(answer.status?.transactions?.last_successful_update),
      environment,
      webhook_pipeline_recovery: { missed_code: lastSent.code, missed_sent_at: lastSent.sentAt },
    },
    null,
    2,
  );

/** The Plaid environment of an access token (`access-<env>-…`), else `fallback`. */
export const environmentOf = (accessToken: string, fallback: string): string =>
  /^access-(sandbox|production)-/.exec(accessToken)?.[1] ?? fallback;
