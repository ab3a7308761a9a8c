import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { webhookTableDefinition } from '../lambdas/shared/adapters/webhook-store.js';

/** A running emulator. */
export interface Emulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Options of {@link startDynamoEmulator}. */
export interface DynamoEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** A folder to keep the data in between runs; in memory when absent. */
  readonly path?: string;
}

/** Starts dynalite, an in-process DynamoDB emulator. */
export const startDynamoEmulator = async ({
  port = 0,
  host = '127.0.0.1',
  path,
}: DynamoEmulatorOptions = {}): Promise<Emulator> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};

/**
 * The characters SQS accepts in a message body: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD |
 * #x10000 to #x10FFFF (SendMessage API reference). With the `u` flag a lone surrogate is its own
 * code point, outside every range, so it is refused as SQS refuses it.
 */
const SQS_INVALID_BODY_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

let fauxqsCharactersAligned: Promise<void> | undefined;

/**
 * fauxqs (1.9 to 2.4 at least) tests bodies against the BMP ranges only, so it refuses every
 * character outside the BMP (an emoji in an Argyle account id) that real SQS accepts, and the local
 * ingest answers 503 where AWS answers 200. It exposes no option for this, so the one RegExp its
 * SendMessage and SendMessageBatch share is given SQS's documented ranges, once per process; its
 * other checks are untouched. The module is reached by file URL because the package exports only its
 * entry point. Tested by test/reliability/limits.test.ts through `webhook-pipeline dev`.
 */
export const alignFauxqsMessageCharacters = (): Promise<void> => {
  fauxqsCharactersAligned ??= (async () => {
    const types = (await import(new URL('./sqs/sqsTypes.js', import.meta.resolve('fauxqs')).href)) as {
      INVALID_MESSAGE_BODY_CHAR?: RegExp;
    };
    const pattern = types.INVALID_MESSAGE_BODY_CHAR;
    if (!(pattern instanceof RegExp)) {
      throw new Error('fauxqs changed: sqs/sqsTypes.js no longer exports INVALID_MESSAGE_BODY_CHAR');
    }
    pattern.test = (body: string) => SQS_INVALID_BODY_CHAR.test(body);
  })();
  return fauxqsCharactersAligned;
};

/** Starts fauxqs, an in-process SQS emulator speaking the JSON protocol of SDK v3. */
export const startSqsEmulator = async ({
  port = 0,
  host = '127.0.0.1',
}: {
  port?: number;
  host?: string;
} = {}): Promise<Emulator> => {
  await alignFauxqsMessageCharacters();
  const server = await startFauxqs({ port, host, logger: false });
  return { endpoint: `http://${host}:${server.port}`, close: () => server.stop() };
};

/** Creates the webhook table unless it exists (the dev runtime keeps it between runs). */
export const ensureWebhookTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(webhookTableDefinition(tableName)));
  }
};

/** Queue settings mirrored from the stack. */
export interface PipelineQueueOptions {
  readonly queueName: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

/** Creates the queue and its DLQ with the stack's redrive policy; returns both URLs and the DLQ ARN. */
export const ensurePipelineQueues = async (
  client: SQSClient,
  { queueName, visibilityTimeoutSeconds, maxReceiveCount }: PipelineQueueOptions,
): Promise<{ queueUrl: string; dlqUrl: string }> => {
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${queueName}-dlq` }));
  const dlqUrl = dlq.QueueUrl ?? '';
  const attributes = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: attributes.Attributes?.QueueArn,
          maxReceiveCount,
        }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl ?? '', dlqUrl };
};
