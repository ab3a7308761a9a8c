import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { WebhookRecordReader } from '../../lambdas/shared/adapters/webhook-record-reader.js';
import { splitSecrets } from '../../lambdas/shared/provider-credentials.js';
import { buildQueueMessage } from '../../lambdas/shared/queue-message.js';
import type { WebhookQueue, WebhookRecord } from '../../lambdas/shared/webhook-record.js';
import type { DevKeys } from '../dev-keys.js';
import { signArgyleBody, signPlaidBody } from '../signing.js';

/** The console's buttons, on the running pipeline. */
export interface ConsoleActions {
  /** Signs a body with the dev key or secret and POSTs it to the local ingest route. */
  post(provider: string, body: Buffer, origin: string): Promise<{ status: number; answer: string }>;
  /** Publishes a stored record again, as `replay` does: a queue message with `replayed: true`. */
  replay(record: WebhookRecord): Promise<void>;
  /** Sends a quarantined (or failed) record back to the router: a queue message with `requeued: true`. */
  requeue(record: WebhookRecord): Promise<void>;
  /** The stored record of a dedupe key. */
  record(dedupeKey: string): Promise<WebhookRecord | undefined>;
}

/** Options of {@link createConsoleActions}. */
export interface ConsoleActionsOptions {
  readonly ingestUrl: string;
  readonly keys: DevKeys;
  readonly env: NodeJS.ProcessEnv;
  readonly queue: WebhookQueue;
  readonly reader: WebhookRecordReader;
}

/** Header that tells the console which button sent a request (shown as its origin). */
export const ORIGIN_HEADER = 'x-webhook-pipeline-console';

/** The console's actions over the dev keys, the queue and the table. */
export const createConsoleActions = ({
  ingestUrl,
  keys,
  env,
  queue,
  reader,
}: ConsoleActionsOptions): ConsoleActions => {
  const signatureHeaders = (provider: string, body: Buffer): Record<string, string> => {
    if (provider === 'plaid') return { 'plaid-verification': signPlaidBody(body, keys.plaid) };
    // The secret the pipeline verifies with: ARGYLE_WEBHOOK_SECRETS when set, else the dev secret.
    const secret = splitSecrets(env.ARGYLE_WEBHOOK_SECRETS ?? '')[0] ?? keys.argyleSecret;
    return { 'x-argyle-signature': signArgyleBody(body, secret) };
  };
  return {
    async post(provider, body, origin) {
      const response = await fetch(`${ingestUrl}/webhooks/${encodeURIComponent(provider)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'webhook-pipeline-console',
          [ORIGIN_HEADER]: origin,
          ...signatureHeaders(provider, body),
        },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, answer: await response.text() };
    },
    async replay(record) {
      await queue.send(
        buildQueueMessage({
          webhookId: record.webhookId,
          provider: record.provider,
          dedupeKey: record.dedupeKey,
          receivedAt: record.receivedAt,
          replayed: true,
        }),
      );
    },
    async requeue(record) {
      // As `requeue` and `redrive-dlq` (docs/storage-layout.md): the router claims, then publishes;
      // the body is read from the table.
      await queue.send(
        buildQueueMessage({
          webhookId: record.webhookId,
          provider: record.provider,
          dedupeKey: record.dedupeKey,
          receivedAt: record.receivedAt,
          ...(record.dedupeUntil === undefined ? {} : { dedupeUntil: record.dedupeUntil }),
          requeued: true,
        }),
      );
    },
    record: (dedupeKey) => reader.get(dedupeKey),
  };
};

/** The catalogue for the Fire form: every entry with its sample as the provider sends it. */
export const fireCatalogue = () =>
  DETAIL_TYPES.map((d) => ({
    provider: d.provider,
    detailType: d.detailType,
    description: d.entry.description,
    sample: JSON.stringify(d.entry.sample, null, 2),
  }));
