import type { Context } from 'aws-lambda';

/**
 * A Lambda context for a local invocation of a function's real handler. It has no
 * `getRemainingTimeInMillis`, so middy arms no early-timeout timer (there is no deadline locally).
 */
export const localLambdaContext = (functionName: string): Context =>
  ({
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
  }) as unknown as Context;
