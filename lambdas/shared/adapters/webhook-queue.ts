import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookQueue } from '../webhook-record.js';
import { type ClientTimeouts, clientTimeoutConfig, SHARED_CLIENT_CONFIG } from './client-timeouts.js';

/** Options of {@link createSqsWebhookQueue}. */
export interface SqsWebhookQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** The SQS queue between ingest and router. */
export const createSqsWebhookQueue = ({ client, queueUrl }: SqsWebhookQueueOptions): WebhookQueue => ({
  async send(body, signal) {
    await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }),
      signal ? { abortSignal: signal } : undefined,
    );
  },
});

/** An SQS client for the function's region, or for an emulator when `endpoint` is set. */
export const createSqsClient = (endpoint?: string, timeouts?: ClientTimeouts): SQSClient =>
  new SQSClient({
    ...SHARED_CLIENT_CONFIG,
    ...(endpoint ? { endpoint } : {}),
    ...clientTimeoutConfig(timeouts),
  });
