/**
 * Grants that no recorded SDK call of the function uses, each with the reason it is there. The IAM
 * simulation (test/infra/iam-simulation.test.ts) fails on any other granted action that the
 * recording (reports/iam-calls.json) never used.
 */
export interface DeclaredGrant {
  /** `POWERTOOLS_SERVICE_NAME` of the functions, or `*` for every function. */
  readonly functions: readonly string[] | '*';
  readonly actions: readonly string[];
  readonly reason: string;
}

export const DECLARED_GRANTS: readonly DeclaredGrant[] = [
  {
    functions: '*',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    reason:
      'The Lambda service writes the function output to its log group with the execution role; the ' +
      'code makes no CloudWatch Logs call. Scoped to the function’s own log group.',
  },
  {
    functions: '*',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    reason:
      'Active tracing (`tracing: true`): the Lambda service sends the trace segments with the execution role. X-Ray has no ' +
      'resource-level permissions, hence Resource "*".',
  },
  {
    functions: ['webhook-router'],
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    reason:
      'The SQS event source mapping polls the queue and deletes processed messages with the function’s ' +
      'role (the three actions AWS documents for it); the router code never calls SQS.',
  },
];
