import { readFileSync } from 'node:fs';
import { loadPriceTable } from '../../../lib/cost/prices.js';
import { parseUsageProfile } from '../../../lib/cost/usage-profile.js';

/** The fixture profile: round numbers, so that the tests can price by hand. */
export const fixtureProfile = () =>
  parseUsageProfile(
    JSON.parse(readFileSync(new URL('../../fixtures/cost/usage-profile.json', import.meta.url), 'utf8')),
  );

/** The committed price list (the tests read their prices from it, so a price change moves both sides). */
export const prices = loadPriceTable();

/** A template of the pipeline's shape, by hand: only what the model reads. */
export const pipelineTemplate = (extra: Record<string, unknown> = {}) => ({
  Resources: {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
    Integration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { IntegrationUri: { 'Fn::GetAtt': ['Ingest', 'Arn'] } },
    },
    Ingest: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 1024,
        Architectures: ['arm64'],
        LoggingConfig: { SystemLogLevel: 'WARN', LogGroup: { Ref: 'IngestLogs' } },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'webhook-ingest',
            POWERTOOLS_METRICS_NAMESPACE: 'WebhookPipeline',
            LOG_SAMPLE_RATE: '0',
            TABLE_NAME: { Ref: 'Table' },
            RETENTION_DAYS: '30',
          },
        },
      },
    },
    IngestLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        FunctionName: { Ref: 'Router' },
        BatchSize: 10,
      },
    },
    Router: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 512,
        Architectures: ['arm64'],
        LoggingConfig: { SystemLogLevel: 'WARN', LogGroup: { Ref: 'RouterLogs' } },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'webhook-router',
            POWERTOOLS_METRICS_NAMESPACE: 'WebhookPipeline',
            LOG_SAMPLE_RATE: '0',
          },
        },
      },
    },
    RouterLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bus' } },
    ...extra,
  },
});
