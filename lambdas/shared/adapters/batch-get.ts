import { type AttributeValue, BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What {@link batchGetItems} reads. */
export interface BatchGetRequest {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly keys: readonly Record<string, AttributeValue>[];
  readonly projection: string;
  readonly names: Record<string, string>;
  /** Strongly consistent reads (a record written a moment ago). */
  readonly consistent?: boolean;
  /** Calls per page of keys before unprocessed keys are an error. */
  readonly attempts?: number;
  /** First back-off after unprocessed keys, doubled each attempt. */
  readonly backoffMs?: number;
}

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_GET_LIMIT = 100;

/**
 * Items by key, 100 keys a call; keys DynamoDB leaves unprocessed (throttling) are asked again after
 * a short back-off, and still unprocessed after the last attempt are an error.
 */
export const batchGetItems = async ({
  client,
  tableName,
  keys,
  projection,
  names,
  consistent = false,
  attempts = 4,
  backoffMs = 25,
}: BatchGetRequest): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let page = keys.slice(i, i + BATCH_GET_LIMIT);
    for (let attempt = 1; page.length > 0; attempt += 1) {
      if (attempt > attempts) throw new Error(`${page.length} keys stayed unprocessed by BatchGetItem`);
      const out = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: [...page],
              ProjectionExpression: projection,
              ExpressionAttributeNames: names,
              ...(consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      page = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (page.length > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** attempt));
    }
  }
  return items;
};
