import type { Context } from 'aws-lambda';

/**
 * The environment a deployed function sees, as `lib/constructs/pipeline-function.ts` sets it plus
 * what the Lambda runtime adds: Powertools at INFO with metrics on, and an X-Ray trace id (tracing
 * is active in the stack). Applied before the handler is built, since Powertools reads it then.
 */
export const applyDeployedEnvironment = (serviceName: string, memoryMb: number): void => {
  for (const name of ['POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_LOGGER_LOG_EVENT'])
    delete process.env[name];
  Object.assign(process.env, {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: 'WebhookPipeline',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: serviceName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${serviceName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef',
    _X_AMZN_TRACE_ID: 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
};

/** A Lambda context as the runtime passes it, with a deadline (so middy arms its timeout as in AWS). */
export const lambdaContext = (serviceName: string, memoryMb: number, timeoutMs: number) => {
  let requestNumber = 0;
  const context = {
    functionName: serviceName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${serviceName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${serviceName}`,
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => timeoutMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;
  return {
    context,
    /** A new request id, as every invocation gets one (called outside the timed region). */
    next(): Context {
      requestNumber += 1;
      context.awsRequestId = `c6af9ac6-7b61-11e6-9a41-${String(requestNumber).padStart(12, '0')}`;
      return context;
    },
  };
};
