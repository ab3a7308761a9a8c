import { describe, expect, it } from 'vitest';
import { ServiceName } from '../../lib/pipeline-metrics.js';
import {
  ALARM_TOPIC_ARN,
  ARGYLE_SECRET_ARN,
  CERTIFICATE_ARN,
  PLAID_SECRET_ARN,
  productionProps,
  synthStack,
} from './synth.js';
import { environmentOf, functionOf, permissionsOf } from './template-helpers.js';

// One synth for the file: a production stage with every option set.
const { template } = synthStack(productionProps);
const SERVICES = Object.values(ServiceName);

describe('a production stage', () => {
  it('retains the table, protects it from deletion, and retains the logs', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true },
    });
    // Ingest, router and the API access log (no reconciler any more).
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(3);
    for (const logGroup of logGroups) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    }
  });

  it('asks Plaid production for verification keys', () => {
    expect(environmentOf(template, ServiceName.Ingest).PLAID_ENV).toBe('production');
  });

  it('uses the imported secrets by ARN and creates none', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(environmentOf(template, ServiceName.Ingest)).toMatchObject({
      PLAID_SECRET_ARN: PLAID_SECRET_ARN,
      ARGYLE_SECRET_ARN: ARGYLE_SECRET_ARN,
    });
    expect(permissionsOf(template, ServiceName.Ingest, SERVICES)).toEqual(
      expect.arrayContaining([
        `secretsmanager:GetSecretValue on ${PLAID_SECRET_ARN}`,
        `secretsmanager:GetSecretValue on ${ARGYLE_SECRET_ARN}`,
      ]),
    );
  });

  it('serves the webhooks on the custom domain and gives its DNS target', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'webhooks.example.com',
      DomainNameConfigurations: [{ CertificateArn: CERTIFICATE_ARN, EndpointType: 'REGIONAL' }],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.PlaidWebhookUrl?.Value).toBe('https://webhooks.example.com/webhooks/plaid');
    expect(outputs.ArgyleWebhookUrl?.Value).toBe('https://webhooks.example.com/webhooks/argyle');
    expect(outputs).toHaveProperty('CustomDomainTarget');
  });

  it('reserves concurrency and applies the router batching settings', () => {
    expect(functionOf(template, ServiceName.Ingest)[1].Properties.ReservedConcurrentExecutions).toBe(50);
    expect(functionOf(template, ServiceName.Router)[1].Properties.ReservedConcurrentExecutions).toBe(20);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps archived events forever when the retention is 0 days', () => {
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 0 });
  });

  it('lets every consumer account manage its rules', () => {
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy'));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      const principals = JSON.stringify(policy?.Properties.Statement.Principal);
      expect(principals).toContain(':iam::111111111111:root');
      expect(principals).toContain(':iam::222222222222:root');
    }
  });

  it('notifies the existing topic and creates none', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([ALARM_TOPIC_ARN]);
    }
  });
});
