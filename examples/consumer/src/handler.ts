import {
  type AnyWebhookEvent,
  parseWebhookEvent,
  UnknownDetailTypeError,
  type WebhookEvent,
} from '@webhook-pipeline/events';

/** What this team does with the events it subscribes to (its own services, passed in for tests). */
export interface Effects {
  /** Pulls an Item's new transactions (`/transactions/sync` with the team's cursor). */
  syncTransactions(itemId: string): Promise<void>;
  /** Asks the user to repair an Item through Link's update mode. */
  flagItem(itemId: string, errorCode: string | undefined): Promise<void>;
  /** Records a connected payroll account. */
  addPayrollAccount(accountId: string, userId: string): Promise<void>;
  /**
   * Claims a webhook once: false when it was already processed. Delivery is at least once, and every
   * copy of a webhook carries the same `detail.metadata.webhookId` (docs/consumers.md, Deduplication).
   */
  claim(webhookId: string): Promise<boolean>;
  /** Gives a claim up when processing failed, so that EventBridge's retry processes it again. */
  release(webhookId: string): Promise<void>;
}

/** What the handler did with an event, for the logs and the tests. */
export type Outcome = 'processed' | 'duplicate' | 'ignored';

/** The webhooks this team acts on; every case narrows `event.detail.data` to that webhook's payload. */
const act = async (event: AnyWebhookEvent, effects: Effects): Promise<boolean> => {
  switch (event['detail-type']) {
    case 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE': {
      // item_id is optional: processor partners get account_id instead; this team has no processors.
      const itemId = event.detail.data.item_id;
      if (!itemId) return false;
      await effects.syncTransactions(itemId);
      return true;
    }
    case 'ITEM.ERROR':
      await effects.flagItem(event.detail.data.item_id, event.detail.data.error?.error_code);
      return true;
    case 'accounts.connected':
      await effects.addPayrollAccount(event.detail.data.data.account, event.detail.data.data.user);
      return true;
    default:
      return false;
  }
};

/** A sync event, typed: what a function subscribed to that detail-type alone would take. */
export type SyncEvent = WebhookEvent<'TRANSACTIONS.SYNC_UPDATES_AVAILABLE'>;

/**
 * The function's handler, as EventBridge invokes it (the rule's target is the function): the event is
 * checked against its detail-type's schema first, so the types are true at run time. A detail-type
 * newer than the installed package is ignored; an event that fails its schema throws (EventBridge and
 * Lambda retry it, then it lands in the dead-letter queue).
 */
export const createHandler =
  (effects: Effects) =>
  async (input: unknown): Promise<Outcome> => {
    let event: AnyWebhookEvent;
    try {
      event = parseWebhookEvent(input);
    } catch (error) {
      if (error instanceof UnknownDetailTypeError) return 'ignored';
      throw error;
    }
    const { webhookId } = event.detail.metadata;
    if (!(await effects.claim(webhookId))) return 'duplicate';
    try {
      return (await act(event, effects)) ? 'processed' : 'ignored';
    } catch (error) {
      await effects.release(webhookId);
      throw error;
    }
  };

/**
 * The deployed handler. A real function passes its clients (DynamoDB for the claims, Plaid, its own
 * API); here they only log, so that `dev --rules` can run it (rules.json).
 */
const claimed = new Set<string>();
export const handler = createHandler({
  syncTransactions: async (itemId) => console.log(`sync transactions of ${itemId}`),
  flagItem: async (itemId, code) => console.log(`flag ${itemId}: ${code ?? 'no error code'}`),
  addPayrollAccount: async (accountId, userId) => console.log(`payroll account ${accountId} of ${userId}`),
  claim: async (webhookId) => !claimed.has(webhookId) && Boolean(claimed.add(webhookId)),
  release: async (webhookId) => {
    claimed.delete(webhookId);
  },
});
