import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { backoffDelay, sleep } from './concurrency.js';

/** SQS takes at most 10 entries a batch call. */
export const SQS_BATCH = 10;
const ATTEMPTS = 4;

/** The fate of one message of {@link sendBatch}: sent, or the reason it was not. */
export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Sends up to 10 bodies with one SendMessageBatch; entries SQS failed on its side (not the
 * sender's fault) and whole-call errors are tried again with backoff. Never throws.
 */
export const sendBatch = async (
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  wait: (ms: number) => Promise<void> = sleep,
): Promise<SendOutcome[]> => {
  const outcomes: SendOutcome[] = bodies.map(() => ({ ok: false, error: 'not sent' }));
  let pending = bodies.map((_, i) => i);
  for (let attempt = 1; pending.length > 0 && attempt <= ATTEMPTS; attempt += 1) {
    if (attempt > 1) await wait(backoffDelay(attempt - 1, 200, 5000, Math.random));
    try {
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((i) => ({ Id: String(i), MessageBody: bodies[i] as string })),
        }),
      );
      for (const ok of out.Successful ?? []) outcomes[Number(ok.Id)] = { ok: true };
      const retry: number[] = [];
      for (const failed of out.Failed ?? []) {
        const i = Number(failed.Id);
        outcomes[i] = { ok: false, error: `${failed.Code ?? 'Failed'}: ${failed.Message ?? ''}`.trim() };
        if (!failed.SenderFault) retry.push(i);
      }
      pending = retry;
    } catch (error) {
      for (const i of pending) outcomes[i] = { ok: false, error: (error as Error).message };
    }
  }
  return outcomes;
};

/** Deletes received messages (up to 10) by receipt handle; the ids of those SQS did not delete. */
export const deleteBatch = async (
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<Map<string, string>> => {
  const failed = new Map<string, string>();
  if (messages.length === 0) return failed;
  try {
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    for (const f of out.Failed ?? []) {
      const id = messages[Number(f.Id)]?.MessageId ?? f.Id ?? '';
      failed.set(id, `${f.Code ?? 'Failed'}: ${f.Message ?? ''}`.trim());
    }
  } catch (error) {
    for (const m of messages) failed.set(m.MessageId ?? '', (error as Error).message);
  }
  return failed;
};

/** Makes received messages visible again at once (best effort: they come back anyway when their timeout ends). */
export const releaseMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<void> => {
  for (let i = 0; i < messages.length; i += SQS_BATCH) {
    const chunk = messages.slice(i, i + SQS_BATCH);
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
  }
};

/** Receives up to `max` (≤ 10) messages, hidden for `visibilitySeconds`, waiting up to `waitSeconds`. */
export const receiveBatch = async (
  sqs: SQSClient,
  queueUrl: string,
  max: number,
  visibilitySeconds: number,
  waitSeconds: number,
): Promise<Message[]> => {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(Math.max(max, 1), SQS_BATCH),
      VisibilityTimeout: visibilitySeconds,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  return out.Messages ?? [];
};
