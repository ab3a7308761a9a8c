import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Options of {@link httpApiEvent}. */
export interface HttpApiEventOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly base64?: boolean;
}

/** An HTTP API (payload v2) event for `POST /webhooks/{provider}`, as API Gateway delivers it. */
export const httpApiEvent = (
  provider: string,
  body: Buffer | string,
  { method = 'POST', headers = {}, base64 = false }: HttpApiEventOptions = {},
): APIGatewayProxyEventV2 => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{provider}',
    rawPath: `/webhooks/${provider}`,
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    pathParameters: { provider },
    isBase64Encoded: base64,
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'example',
      http: {
        method,
        path: `/webhooks/${provider}`,
        protocol: 'HTTP/1.1',
        sourceIp: '52.21.26.131',
        userAgent: 'Plaid',
      },
      requestId: 'req',
      routeKey: 'POST /webhooks/{provider}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
};

/** A Lambda context without `getRemainingTimeInMillis`, so middy arms no timeout timer. */
export const lambdaContext = {
  functionName: 'webhook-ingest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:webhook-ingest',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/webhook-ingest',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
} as never;
