/**
 * The size of one API Gateway access log line, from the stage's format: each `$context` variable
 * replaced by a typical value for a webhook of this pipeline. Hand-written: the line is produced
 * by API Gateway, so there is nothing to run locally; the values are what a webhook's request has
 * (an IPv4 address, a 16-character HTTP API request id, one of the two routes…).
 */

/** A typical value of each variable for a webhook accepted on `POST /webhooks/argyle`. */
const TYPICAL: Readonly<Record<string, string>> = {
  requestId: 'Hd0qfhaaoAMEPnQ=',
  extendedRequestId: 'Hd0qfhaaoAMEPnQ=',
  requestTime: '07/Dec/2026:22:22:22 +0000',
  requestTimeEpoch: '1796681342000',
  'identity.sourceIp': '203.0.113.120',
  // A provider's HTTP client names itself briefly; a long browser string is counted by unknown.
  'identity.userAgent': 'Argyle-Webhooks/2.0 (+https://argyle.com)',
  routeKey: 'POST /webhooks/argyle',
  httpMethod: 'POST',
  path: '/webhooks/argyle',
  status: '200',
  protocol: 'HTTP/1.1',
  responseLength: '62',
  responseLatency: '24',
  integrationStatus: '200',
  integrationLatency: '21',
  integrationErrorMessage: '-',
  'integration.error': '-',
  'integration.status': '200',
  'integration.latency': '21',
  'error.message': '-',
  'error.messageString': '"-"',
  'error.responseType': '-',
  stage: '$default',
  apiId: 'a1b2c3d4e5',
  domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
};

/** A variable the table does not know is counted at this many characters (more than most). */
export const UNKNOWN_VARIABLE_CHARACTERS = 48;

/** The access log line of one request, with typical values (and the line's end). */
export const typicalAccessLogLine = (format: string): string =>
  `${format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, name: string) => TYPICAL[name] ?? 'x'.repeat(UNKNOWN_VARIABLE_CHARACTERS))}\n`;

/** Bytes of one access log line written with `format`. */
export const accessLogLineBytes = (format: string): number => Buffer.byteLength(typicalAccessLogLine(format));

/**
 * The smallest line that still tells which request got which answer: the floor's access log. An
 * access log is required of the stage (Control Tower CT.APIGATEWAY.PR.4 and cdk-nag AwsSolutions-APIG1,
 * both enforced at synth), and it is the only record of what API Gateway answers itself (throttling,
 * unknown routes, a failed integration); its content is free.
 */
export const FLOOR_ACCESS_LOG_FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}';
