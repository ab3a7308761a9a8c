import { createHash, randomUUID } from 'node:crypto';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import { sendBatch } from './queue.js';
import type { StoredPlaidWebhook } from './reconcile-plaid.js';
import type { PipelineTarget } from './target.js';

// `reconcile plaid`'s reads and writes of the pipeline: the Items' stored webhooks, and the nudge.

/**
 * The Plaid webhooks stored since `from` for the given Items, by Item id: one Scan of the Plaid
 * records (no index is written per webhook, docs/storage-layout.md), the body read for `item_id`.
 */
export const readStoredPlaidWebhooks = async (
  target: PipelineTarget,
  itemIds: ReadonlySet<string>,
  from: string,
): Promise<Map<string, StoredPlaidWebhook[]>> => {
  const stored = new Map<string, StoredPlaidWebhook[]>();
  await target.store.scan({ providers: ['plaid'], from, withBody: true }, { segments: 4 }, async (page) => {
    for (const r of page.records) {
      let body: { item_id?: unknown; webhook_pipeline_recovery?: { missed_sent_at?: unknown } };
      try {
        body = JSON.parse(r.rawBody ?? '') as typeof body;
      } catch {
        continue;
      }
      if (typeof body.item_id !== 'string' || !itemIds.has(body.item_id)) continue;
      const recoveryOf = body.webhook_pipeline_recovery?.missed_sent_at;
      const list = stored.get(body.item_id) ?? [];
      list.push({
        webhookId: r.webhookId,
        detailType: r.detailType,
        receivedAt: r.receivedAt,
        ...(typeof recoveryOf === 'string' ? { recoveryOf } : {}),
      });
      stored.set(body.item_id, list);
    }
  });
  return stored;
};

/** What became of a nudge. */
export interface NudgeResult {
  readonly webhookId: string;
  readonly sent: boolean;
  readonly reason?: string;
}

/**
 * Publishes a nudge body (a TRANSACTIONS.SYNC_UPDATES_AVAILABLE) through the pipeline as ingest
 * does (docs/storage-layout.md): the queue message first, then the record, so nothing is stored
 * without being enqueued; the router adopts a message whose record is missing.
 */
export const publishNudge = async (target: PipelineTarget, body: string): Promise<NudgeResult> => {
  const receivedAt = new Date().toISOString();
  const record = {
    dedupeKey: `plaid#${createHash('sha256').update(body).digest('hex')}`,
    webhookId: randomUUID(),
    provider: 'plaid' as const,
    detailType: 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
    receivedAt,
    rawBody: body,
  };
  const [sent] = await sendBatch(target.sqs, target.queueUrl, [
    buildQueueMessage(
      { webhookId: record.webhookId, provider: record.provider, dedupeKey: record.dedupeKey, receivedAt },
      body,
    ),
  ]);
  if (!sent?.ok) return { webhookId: record.webhookId, sent: false, reason: sent?.error ?? 'not sent' };
  const now = Math.floor(Date.parse(receivedAt) / 1000);
  await target.store
    .putNew({ ...record, expiresAt: now + 30 * 86_400, dedupeUntil: now + 600 })
    .catch(() => false);
  return { webhookId: record.webhookId, sent: true };
};
