import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

// The cold-start baseline: a function that holds only the bare DynamoDB and SQS clients, built and
// bundled like the pipeline's functions, with a handler that does nothing.
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});

export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: JSON.stringify({ clients: [typeof dynamo.send, typeof sqs.send] }),
});
