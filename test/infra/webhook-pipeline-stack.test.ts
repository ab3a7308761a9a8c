import { DETAIL_TYPES } from '@webhook-pipeline/events';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_LAYOUT } from '../../lambdas/shared/table-layout.js';
import { ServiceName } from '../../lib/pipeline-metrics.js';
import { CONSUMER_ACCOUNT, devProps, synthStack } from './synth.js';
import { environmentOf, functionOf, permissionsOf, policyStatements, single } from './template-helpers.js';

// One synth for the whole file: a dev stage with consumer accounts and an alarm email; and the
// same with the opt-ins that cost money (tracing, dashboard).
const { template } = synthStack(devProps);
const { template: optedIn } = synthStack({ ...devProps, tracing: true, dashboard: true });
const SERVICES = Object.values(ServiceName);
const [tableId] = single(template, 'AWS::DynamoDB::Table');
const [busId] = single(template, 'AWS::Events::EventBus');
const [queueId] = single(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
const [dlqId] = single(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.absent() });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const NAMESPACE = 'WebhookPipeline/webhook-pipeline-dev';

describe('HTTP API', () => {
  it('has exactly the two webhook routes, both on the ingest function', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    for (const provider of ['plaid', 'argyle']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `POST /webhooks/${provider}`,
        AuthorizationType: 'NONE',
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: arnOf(functionOf(template, ServiceName.Ingest)[0]),
    });
  });

  it('throttles the default stage and writes JSON access logs without headers', () => {
    const [, stage] = single(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
    const [logGroupId] = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'];
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(JSON.stringify(format)).not.toMatch(/header|body/i);
  });
});

describe('functions', () => {
  it.each(SERVICES)('%s traces with X-Ray when tracing is set', (service) => {
    expect(functionOf(optedIn, service)[1].Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it.each(SERVICES)('%s runs on nodejs24.x, arm64, untraced, with its own log group', (service) => {
    const [, fn] = functionOf(template, service);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
    // X-Ray is an opt-in (`tracing`): docs/costs.md prices it.
    expect(fn.Properties.TracingConfig).toBeUndefined();
    expect(environmentOf(template, service)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: service,
      // The pipeline's own namespace: another stage's metrics never reach its alarms.
      POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // Source maps are shipped, not loaded at every cold start (runtimeSourceMaps).
    expect(environmentOf(template, service)).not.toHaveProperty('NODE_OPTIONS');
  });

  it('each function deploys its own bundle', () => {
    const keys = SERVICES.map((service) => functionOf(template, service)[1].Properties.Code.S3Key);
    expect(keys.every((key) => typeof key === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(SERVICES.length);
  });

  it.each(SERVICES)(
    '%s logs JSON without Lambda START, END and REPORT lines, request lines sampled',
    (service) => {
      const [, fn] = functionOf(template, service);
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        SystemLogLevel: 'WARN',
        ApplicationLogLevel: 'INFO',
      });
      expect(environmentOf(template, service)).toMatchObject({ LOG_SAMPLE_RATE: '0.01' });
    },
  );

  it('gives every function a log group with a retention', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const service of SERVICES) {
      const logGroupId = functionOf(template, service)[1].Properties.LoggingConfig.LogGroup.Ref;
      expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('passes the ingest function names, ARNs and settings, never a secret value', () => {
    expect(environmentOf(template, ServiceName.Ingest)).toEqual({
      POWERTOOLS_SERVICE_NAME: 'webhook-ingest',
      POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      LOG_SAMPLE_RATE: '0.01',
      TABLE_NAME: { Ref: tableId },
      QUEUE_URL: { Ref: queueId },
      PLAID_ENV: 'sandbox',
      PLAID_SECRET_ARN: { Ref: expect.stringMatching(/^SecretsPlaidSecret/) },
      ARGYLE_SECRET_ARN: { Ref: expect.stringMatching(/^SecretsArgyleSecret/) },
      MAX_BODY_BYTES: '262144',
      DEDUPE_WINDOW_SECONDS: '600',
      RETENTION_DAYS: '30',
    });
  });

  it('tells the router the queue’s maxReceiveCount, the ingest window and retention, and a claim lease past its timeout', () => {
    const env = environmentOf(template, ServiceName.Router);
    const [, queue] = single(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
    expect(env).toMatchObject({
      MAX_RECEIVE_COUNT: String(queue.Properties.RedrivePolicy.maxReceiveCount),
      DEDUPE_WINDOW_SECONDS: '600',
      RETENTION_DAYS: '30',
      CLAIM_LEASE_SECONDS: String(functionOf(template, ServiceName.Router)[1].Properties.Timeout * 2),
    });
  });

  it('keeps the ingest function under the 10 s Plaid allows for an answer', () => {
    expect(functionOf(template, ServiceName.Ingest)[1].Properties.Timeout).toBeLessThan(10);
  });
});

describe('webhook table', () => {
  it('is keyed by pk, on demand, with PITR, TTL and the AWS managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      // SSE on without a key of ours: the AWS managed key aws/dynamodb.
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
    });
  });

  it('has only the sparse exceptions index: no index entry is written per webhook', () => {
    const [, table] = single(template, 'AWS::DynamoDB::Table');
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: TABLE_LAYOUT.exceptions.indexName,
        KeySchema: [
          { AttributeName: 'exception', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['webhookId', 'provider', 'detailType'] },
      },
    ]);
  });

  it('is deleted with a dev stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});

describe('queue', () => {
  it('moves a message to the DLQ after 5 receives, with a visibility of 6 × the router timeout', () => {
    const routerTimeout = functionOf(template, ServiceName.Router)[1].Properties.Timeout;
    expect(routerTimeout).toBe(30);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * routerTimeout,
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: 5 },
    });
  });

  it('keeps dead letters for 14 days', () => {
    expect(
      single(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.absent() })[1].Properties,
    ).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('encrypts both queues and refuses requests without TLS', () => {
    for (const id of [queueId, dlqId]) {
      expect(template.findResources('AWS::SQS::Queue')[id]?.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('feeds the router in batches of 10 with partial batch failures, at most 10 invocations at once', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(queueId),
      FunctionName: { Ref: functionOf(template, ServiceName.Router)[0] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('IAM', () => {
  it('lets ingest write the table conditionally, send to the queue and read the two secrets', () => {
    expect(permissionsOf(template, ServiceName.Ingest, SERVICES)).toEqual([
      'dynamodb:PutItem on table',
      'dynamodb:UpdateItem on table',
      'logs:CreateLogStream on webhook-ingest logs',
      'logs:PutLogEvents on webhook-ingest logs',
      'secretsmanager:GetSecretValue on argyleSecret',
      'secretsmanager:GetSecretValue on plaidSecret',
      'sqs:SendMessage on queue',
    ]);
  });

  it('lets the router read, claim, adopt and mark records, consume the queue and put events on the bus only', () => {
    expect(permissionsOf(template, ServiceName.Router, SERVICES)).toEqual([
      'dynamodb:BatchGetItem on table',
      'dynamodb:PutItem on table',
      'dynamodb:UpdateItem on table',
      'events:PutEvents on bus',
      'logs:CreateLogStream on webhook-router logs',
      'logs:PutLogEvents on webhook-router logs',
      'sqs:DeleteMessage on queue',
      'sqs:GetQueueAttributes on queue',
      'sqs:ReceiveMessage on queue',
    ]);
  });

  it('uses a wildcard resource for X-Ray only, which has no resource-level permissions, and only when tracing', () => {
    const wildcards = (t: typeof template) =>
      policyStatements(t)
        .map(({ statement }) => statement)
        .filter((s) => [s.Resource].flat().some((r: unknown) => typeof r === 'string' && r.includes('*')));
    expect(wildcards(template)).toEqual([]);
    const traced = wildcards(optedIn);
    expect(traced.length).toBeGreaterThan(0);
    for (const statement of traced) {
      expect([statement.Action].flat().every((a: string) => a.startsWith('xray:'))).toBe(true);
    }
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('event bus', () => {
  it('archives every event of both sources for 90 days', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: arnOf(busId),
      EventPattern: { source: ['webhooks.plaid', 'webhooks.argyle'] },
      RetentionDays: 90,
    });
  });

  it('lets consumer accounts manage only the rules they create on this bus', () => {
    // consumer-access.test.ts checks the statements one by one and simulates them.
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties).toMatchObject({
        EventBusName: { Ref: busId },
        Statement: {
          Effect: 'Allow',
          Principal: {
            AWS: { 'Fn::Join': ['', expect.arrayContaining([`:iam::${CONSUMER_ACCOUNT}:root`])] },
          },
          Resource: { 'Fn::Join': ['', expect.arrayContaining([':rule/', { Ref: busId }, '/*'])] },
          Condition: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
            StringEqualsIfExists: { 'events:creatorAccount': '${aws:PrincipalAccount}' },
          },
        },
      });
    }
  });

  it('publishes one draft-04 JSON Schema per detail-type, in registries of at most 80 schemas', () => {
    const registries = template.findResources('AWS::EventSchemas::Registry');
    expect(Object.keys(registries)).toHaveLength(3);
    template.resourceCountIs('AWS::EventSchemas::Schema', DETAIL_TYPES.length);
    const perRegistry = new Map<string, number>();
    for (const schema of Object.values(template.findResources('AWS::EventSchemas::Schema'))) {
      const [registryId] = schema.Properties.RegistryName['Fn::GetAtt'];
      perRegistry.set(registryId, (perRegistry.get(registryId) ?? 0) + 1);
    }
    expect([...perRegistry.keys()].sort()).toEqual(Object.keys(registries).sort());
    for (const count of perRegistry.values()) expect(count).toBeLessThanOrEqual(80);
    expect(
      Object.values(registries)
        .map((r) => r.Properties.RegistryName)
        .sort(),
    ).toEqual([
      'webhook-pipeline-dev-argyle',
      'webhook-pipeline-dev-plaid-1',
      'webhook-pipeline-dev-plaid-2',
    ]);
    const [, schema] = single(template, 'AWS::EventSchemas::Schema', {
      SchemaName: 'webhooks.plaid@TRANSACTIONS.SYNC_UPDATES_AVAILABLE',
    });
    expect(schema.Properties.Type).toBe('JSONSchemaDraft4');
    const content = JSON.parse(schema.Properties.Content);
    expect(content.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(content.properties).toHaveProperty('metadata');
    expect(content.properties).toHaveProperty('data');
    template.hasResourceProperties('AWS::EventSchemas::Schema', {
      SchemaName: 'webhooks.argyle@items.updated',
    });
  });

  it('lets consumer accounts read the schemas', () => {
    template.hasResourceProperties('AWS::EventSchemas::RegistryPolicy', {
      Policy: {
        Statement: [
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['schemas:DescribeSchema', 'schemas:ExportSchema']),
          }),
        ],
      },
    });
  });
});

describe('no reconciler', () => {
  it('has no scheduled rule and only the ingest and router functions', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
    const services = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
      .filter(Boolean);
    expect(services.sort()).toEqual([ServiceName.Ingest, ServiceName.Router]);
  });
});

describe('secrets', () => {
  it('creates both secrets with a placeholder the functions read as not configured', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((s) => s.Properties.SecretString).sort()).toEqual([
      '[]',
      '{"client_id":"","secret":""}',
    ]);
    for (const secret of secrets) expect(secret.Properties.GenerateSecretString).toBeUndefined();
  });
});

describe('alarms', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const alarmNamed = (name: string) => {
    const found = alarms.find((a) => a.Properties.AlarmName === `webhook-pipeline-dev-${name}`);
    if (!found) throw new Error(`no alarm ${name}`);
    return found.Properties;
  };

  it('raises an alarm as soon as the DLQ holds a message', () => {
    expect(alarmNamed('DeadLetterQueueNotEmpty')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('sums quarantined webhooks over every provider and service with Metrics Insights', () => {
    const [query] = alarmNamed('WebhooksQuarantined').Metrics;
    expect(query).toMatchObject({
      Expression: `SELECT SUM(WebhookQuarantined) FROM SCHEMA("${NAMESPACE}", provider, service)`,
      Period: 300,
      ReturnData: true,
    });
  });

  it('counts signature failures of the ingest function over providers and reasons, above a threshold', () => {
    const props = alarmNamed('SignatureFailures');
    expect(props.Threshold).toBe(10);
    expect(props.Metrics[0].Expression).toBe(
      `SELECT SUM(SignatureFailure) FROM SCHEMA("${NAMESPACE}", provider, reason, service) WHERE service = 'webhook-ingest'`,
    );
  });

  it('watches the 5xx share, router errors, queue age, records the router failed and webhooks marked failed', () => {
    // production-defaults.test.ts checks the 5xx share, 429, latency and throttle alarms in detail.
    expect(JSON.stringify(alarmNamed('Ingest5xx').Metrics)).toContain('"MetricName":"5xx"');
    expect(alarmNamed('RouterErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf(template, ServiceName.Router)[0] } }],
    });
    expect(alarmNamed('OldestMessageAge')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 600,
    });
    // A batch whose every record failed is no function error: its records are counted instead.
    expect(alarmNamed('RouterRecordsFailed').Metrics[0].Expression).toBe(
      `SELECT SUM(PublishFailed) FROM SCHEMA("${NAMESPACE}", provider, service) WHERE service = 'webhook-router'`,
    );
    expect(alarmNamed('WebhooksFailed').Metrics[0].Expression).toBe(
      `SELECT SUM(WebhooksFailed) FROM SCHEMA("${NAMESPACE}", provider, service) WHERE service = 'webhook-router'`,
    );
    expect(alarmNamed('PlaidKeyEndpointFailing').Metrics[0].Expression).toBe(
      `SELECT SUM(PlaidKeyFetchFailed) FROM SCHEMA("${NAMESPACE}", provider, reason, service) WHERE service = 'webhook-ingest'`,
    );
    expect(alarms).toHaveLength(13);
  });

  it('notifies the alarm topic on ALARM and OK, and the topic refuses plain HTTP publishers', () => {
    const [topicId] = single(template, 'AWS::SNS::Topic');
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has a dashboard only when asked for (dashboard: true), named after the pipeline and the region (dashboards are account-wide)', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(template.toJSON().Outputs).not.toHaveProperty('DashboardName');
    optedIn.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['webhook-pipeline-dev-', { Ref: 'AWS::Region' }]] },
    });
    expect(optedIn.toJSON().Outputs).toHaveProperty('DashboardName');
  });
});

describe('outputs', () => {
  it('gives the webhook URLs, bus, table, queues and secrets', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'PlaidWebhookUrl',
        'ArgyleWebhookUrl',
        'EventBusName',
        'EventBusArn',
        'TableName',
        'QueueUrl',
        'DeadLetterQueueUrl',
        'PlaidSecretArn',
        'ArgyleSecretArn',
      ]),
    );
    expect(JSON.stringify(outputs.PlaidWebhookUrl?.Value)).toMatch(/\.execute-api\..*"\/webhooks\/plaid"/);
    expect(outputs.EventBusArn?.Value).toEqual(arnOf(busId));
    expect(outputs.TableName?.Value).toEqual({ Ref: tableId });
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({ Ref: dlqId });
  });
});
