import { createHash, randomUUID } from 'node:crypto';
import type { DetailTypeInfo } from '@webhook-pipeline/events';
import { DETAIL_TYPES } from '@webhook-pipeline/events';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueMessage } from '../../lambdas/shared/queue-message.js';

/** A queue message for a body, as ingest would have sent it. */
export const queueMessageFor = (
  provider: 'plaid' | 'argyle',
  rawBody: string,
  overrides: Partial<QueueMessage> = {},
): QueueMessage => ({
  version: 1,
  webhookId: randomUUID(),
  provider,
  dedupeKey: `${provider}#${createHash('sha256').update(rawBody).digest('hex')}`,
  receivedAt: new Date().toISOString(),
  rawBody,
  ...overrides,
});

/** Messages for the catalogue samples, alternating providers: `count` distinct webhooks. */
export const mixedMessages = (count: number): { message: QueueMessage; info: DetailTypeInfo }[] => {
  const plaid = DETAIL_TYPES.filter((d) => d.provider === 'plaid');
  const argyle = DETAIL_TYPES.filter((d) => d.provider === 'argyle');
  return Array.from({ length: count }, (_, i) => {
    const pool = i % 2 === 0 ? plaid : argyle;
    const info = pool[Math.floor(i / 2) % pool.length] as DetailTypeInfo;
    const rawBody = JSON.stringify(info.entry.sample, null, 2);
    return { message: queueMessageFor(info.provider, rawBody), info };
  });
};

/** An SQS event delivering the given bodies, as the Lambda event source mapping does. */
export const sqsEvent = (bodies: readonly string[], receiveCount = 1): SQSEvent => ({
  Records: bodies.map(
    (body, i): SQSRecord => ({
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
      awsRegion: 'us-east-1',
    }),
  ),
});
