import { sleep } from '../ops/concurrency.js';
import type { PlaidCallError } from '../ops/plaid.js';
import { createProgress } from '../ops/progress.js';
import type { PipelineTarget } from '../ops/target.js';

// `register plaid --wait`: Plaid answers /item/webhook/update at once, then sends the Item's
// ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED to the new URL; finding it in the table proves the URL works.

/** The WEBHOOK_UPDATE_ACKNOWLEDGED of an Item, as found in the table. */
export interface Acknowledgement {
  readonly webhookId: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly error?: unknown;
}

/** One access token's result. */
export interface PlaidItemResult {
  line: number;
  accessToken: string;
  status: 'updated' | 'failed' | 'planned';
  attempts: number;
  itemId?: string;
  webhook?: string;
  requestId?: string;
  error?: Omit<PlaidCallError, 'retryAfterMs'>;
  acknowledged?: boolean;
  acknowledgement?: Acknowledgement;
}

const ACK_DETAIL_TYPE = 'ITEM.WEBHOOK_UPDATE_ACKNOWLEDGED';

/**
 * Polls the table until every updated Item's acknowledgement of `url` is there, or the time is up;
 * marks each result `acknowledged` (true, or false when missing or acknowledged with an error).
 */
export const waitForAcknowledgements = async (
  target: PipelineTarget,
  url: string,
  results: PlaidItemResult[],
  since: string,
  timeoutMs: number,
): Promise<void> => {
  const waiting = new Map<string, PlaidItemResult[]>();
  for (const r of results) {
    if (r.status === 'updated' && r.itemId) waiting.set(r.itemId, [...(waiting.get(r.itemId) ?? []), r]);
  }
  const progress = createProgress({ label: 'acknowledgements', total: waiting.size });
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  // No index is written per webhook (docs/storage-layout.md): each poll is a Scan filtered on the
  // acknowledgement's detail-type and the time since the update, every 1 s at first, then less often.
  let pause = 1000;
  while (waiting.size > 0) {
    await target.store.scan(
      {
        providers: ['plaid'],
        detailType: { exact: ACK_DETAIL_TYPE },
        from: since,
        withBody: true,
      },
      { segments: 4 },
      async (page) => {
        for (const record of page.records) {
          if (seen.has(record.webhookId)) continue;
          seen.add(record.webhookId);
          let body: { item_id?: unknown; new_webhook_url?: unknown; error?: unknown };
          try {
            body = JSON.parse(record.rawBody ?? '{}') as typeof body;
          } catch {
            continue;
          }
          const owners = typeof body.item_id === 'string' ? waiting.get(body.item_id) : undefined;
          if (!owners || body.new_webhook_url !== url) continue;
          waiting.delete(body.item_id as string);
          const acknowledgement: Acknowledgement = {
            webhookId: record.webhookId,
            receivedAt: record.receivedAt,
            status: record.status,
            ...(body.error ? { error: body.error } : {}),
          };
          for (const owner of owners) {
            owner.acknowledged = !body.error;
            owner.acknowledgement = acknowledgement;
          }
          progress.tick(body.error ? 'failed' : 'ok');
        }
      },
    );
    if (waiting.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(pause * 2, 15_000);
  }
  for (const owners of waiting.values()) {
    for (const owner of owners) owner.acknowledged = false;
    progress.tick('failed');
  }
  progress.done();
};
