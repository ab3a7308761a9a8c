import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type Emulator,
  ensurePipelineQueues,
  ensureWebhookTable,
  startDynamoEmulator,
  startSqsEmulator,
} from '../../local/emulators.js';

/** Real DynamoDB and SQS emulators with the pipeline's table and queues, and SDK clients pointed at them. */
export interface TestEmulators {
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Starts dynalite and fauxqs on free loopback ports and creates the table, queue and DLQ. */
export const startTestEmulators = async ({
  maxReceiveCount = 5,
  visibilityTimeoutSeconds = 30,
} = {}): Promise<TestEmulators> => {
  const started: Emulator[] = [];
  const dynamoEmulator = await startDynamoEmulator();
  started.push(dynamoEmulator);
  const sqsEmulator = await startSqsEmulator();
  started.push(sqsEmulator);
  const dynamo = new DynamoDBClient({ endpoint: dynamoEmulator.endpoint, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: 'us-east-1', credentials });
  const tableName = 'webhooks';
  await ensureWebhookTable(dynamo, tableName);
  const { queueUrl, dlqUrl } = await ensurePipelineQueues(sqs, {
    queueName: 'webhooks',
    maxReceiveCount,
    visibilityTimeoutSeconds,
  });
  return {
    dynamo,
    sqs,
    tableName,
    queueUrl,
    dlqUrl,
    dynamoEndpoint: dynamoEmulator.endpoint,
    sqsEndpoint: sqsEmulator.endpoint,
    async stop() {
      dynamo.destroy();
      sqs.destroy();
      await Promise.all(started.map((e) => e.close()));
    },
  };
};
