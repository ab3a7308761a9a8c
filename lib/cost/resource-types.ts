import type { UnpricedResource } from './errors.js';
import type { TemplateResource } from './template-facts.js';

/**
 * Every CloudFormation type the cost model knows, with how it is priced. A type missing from both
 * lists fails the bill (`UnpricedResourceError`), so a resource added to the stack never reaches a
 * bill unpriced: it is priced here, or listed as free with the reason.
 */

/** Types with a line in the bill, and which. */
export const PRICED_TYPES: Readonly<Record<string, string>> = {
  'AWS::ApiGatewayV2::Api': 'HTTP API requests (tiered), one per webhook',
  'AWS::ApiGatewayV2::Stage': 'its access log (ingestion and storage); detailed route metrics when on',
  'AWS::Lambda::Function':
    'requests, duration (CPU measured, I/O assumed), log lines, X-Ray traces when tracing, custom metrics',
  'AWS::Lambda::EventSourceMapping':
    "the queue's receives, deletes and idle long polls; the batches it makes",
  'AWS::SQS::Queue': 'SendMessage per webhook (the dead-letter queue: nothing on the happy path)',
  'AWS::DynamoDB::Table': 'write and read units, storage until TTL, point-in-time recovery',
  'AWS::Events::EventBus': 'PutEvents, one entry per webhook',
  'AWS::Events::Archive': 'GB processed and GB-months kept',
  'AWS::Logs::LogGroup': 'storage of what its writers ingest, at its retention',
  'AWS::Logs::MetricFilter': 'the custom metric of each transformation, for the hours it has data',
  'AWS::CloudWatch::Alarm':
    'by kind: standard, high resolution, metric math, anomaly detection, Metrics Insights',
  'AWS::CloudWatch::CompositeAlarm': 'per alarm',
  'AWS::CloudWatch::Dashboard': 'per dashboard',
  'AWS::SecretsManager::Secret': 'per secret, and the GetSecretValue calls of the functions that read it',
  'AWS::KMS::Key': 'per key, and the decrypts of the secrets under it',
};

/** Types that cost nothing in themselves, with the reason. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'IAM has no charge',
  'AWS::IAM::Policy': 'IAM has no charge',
  'AWS::Lambda::Permission': 'a resource policy statement; no charge',
  'AWS::ApiGatewayV2::Integration': 'part of the API; requests are priced on the API',
  'AWS::ApiGatewayV2::Route': 'part of the API; requests are priced on the API',
  'AWS::ApiGatewayV2::DomainName':
    'a regional custom domain has no API Gateway charge (the ACM certificate is free; DNS is outside the stack)',
  'AWS::ApiGatewayV2::ApiMapping': 'part of the custom domain; no charge',
  'AWS::SQS::QueuePolicy': 'a resource policy; no charge',
  'AWS::Events::EventBusPolicy': 'a resource policy; no charge',
  'AWS::EventSchemas::Registry':
    'the schema registry has no charge; only schema discovery is priced, and the stack creates no discoverer',
  'AWS::EventSchemas::Schema': 'the schema registry has no charge',
  'AWS::EventSchemas::RegistryPolicy': 'a resource policy; no charge',
  'AWS::SNS::Topic':
    'a standard topic has no monthly charge; the alarms publish on a change of state only ($0.50 per million publishes)',
  'AWS::SNS::Subscription':
    'an email subscription is billed per notification ($2.00 per 100,000): alarm changes of state only',
  'AWS::SNS::TopicPolicy': 'a resource policy; no charge',
  'AWS::CDK::Metadata': 'CDK bookkeeping, not deployed as anything billed',
};

/** The resources of the template whose type is neither priced nor known to be free. */
export const unknownTypes = (resources: readonly TemplateResource[]): UnpricedResource[] =>
  resources
    .filter((r) => PRICED_TYPES[r.type] === undefined && FREE_TYPES[r.type] === undefined)
    .map((r) => ({ logicalId: r.id, type: r.type, reason: 'a type the cost model does not price' }));
