import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.js';

/** The router handler as the poller calls it (the real `handler.ts` export). */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** Options of {@link startSqsPoller}. */
export interface SqsPollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsBatchHandler;
  /** Records per invocation, as the event source mapping's `batchSize` (at most 10 here). */
  readonly batchSize?: number;
  /** Long-poll wait per receive, seconds. */
  readonly waitSeconds?: number;
  /** The queue's redrive `maxReceiveCount`: a record failing on that receive goes to the DLQ next. */
  readonly maxReceiveCount?: number;
  /** Called after each invocation (for the traffic log). */
  readonly onBatch?: (summary: BatchSummary) => void;
}

/** What became of one invocation's records. */
export interface BatchSummary {
  readonly received: number;
  readonly failed: number;
  /** Of the failed, those on their last receive: the router marked them failed, and SQS moves them to the DLQ. */
  readonly lastReceive: number;
  readonly error?: unknown;
}

/** A running poller. */
export interface SqsPoller {
  stop(): Promise<void>;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

/**
 * Feeds the router the way the Lambda event source mapping does: receive a batch, invoke the
 * handler, delete the records it did not report in `batchItemFailures`. Failed records stay on
 * the queue, come back after the visibility timeout, and the queue's redrive policy moves them
 * to the DLQ after `maxReceiveCount` receives. A handler that throws fails the whole batch.
 */
export const startSqsPoller = ({
  client,
  queueUrl,
  queueArn,
  handler,
  batchSize = 10,
  waitSeconds = 1,
  maxReceiveCount = Number.POSITIVE_INFINITY,
  onBatch,
}: SqsPollerOptions): SqsPoller => {
  let running = true;
  const abort = new AbortController();
  const loop = async () => {
    while (running) {
      let messages: Message[] = [];
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(batchSize, 10),
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (error) {
        if (!running) return;
        onBatch?.({ received: 0, failed: 0, lastReceive: 0, error });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((m) => toRecord(m, queueArn));
      let failed = new Set<string>(records.map((r) => r.messageId));
      let invocationError: unknown;
      try {
        const response = await handler({ Records: records }, localLambdaContext('webhook-router'));
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        invocationError = error;
      }
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length) {
        try {
          await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          );
        } catch (error) {
          // Not deleted means delivered again: the router skips what it already published.
          invocationError ??= error;
        }
      }
      const lastReceive = messages.filter(
        (m) =>
          failed.has(m.MessageId ?? '') &&
          Number(m.Attributes?.ApproximateReceiveCount ?? 1) >= maxReceiveCount,
      ).length;
      onBatch?.({
        received: messages.length,
        failed: failed.size,
        lastReceive,
        ...(invocationError === undefined ? {} : { error: invocationError }),
      });
    }
  };
  const done = loop();
  return {
    async stop() {
      running = false;
      abort.abort();
      await done;
    },
  };
};
