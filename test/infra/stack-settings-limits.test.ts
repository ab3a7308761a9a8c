import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  MAX_CONSUMER_ACCOUNTS,
  MAX_URL_LENGTH,
  parseStackSettings,
  SettingsError,
} from '../../lib/stack-settings.js';
import { WebhookPipelineStack } from '../../lib/webhook-pipeline-stack.js';
import { testApp } from './synth.js';
import type { Json } from './template-helpers.js';

const problemsOf = (context: Record<string, unknown>): readonly string[] => {
  try {
    parseStackSettings(context);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
};

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-aaaa-bbbb-cccc-123456789012';

describe('settings bounded by AWS limits (quota preflight)', () => {
  it(`takes at most ${MAX_CONSUMER_ACCOUNTS} consumer accounts (the bus policy lists each)`, () => {
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100_000_000_000 + i));
    expect(problemsOf({ consumerAccountIds: accounts(MAX_CONSUMER_ACCOUNTS) })).toEqual([]);
    expect(problemsOf({ consumerAccountIds: accounts(MAX_CONSUMER_ACCOUNTS + 1) })).toEqual([
      `consumerAccountIds: at most ${MAX_CONSUMER_ACCOUNTS} accounts, got ${MAX_CONSUMER_ACCOUNTS + 1}`,
    ]);
  });

  it(`takes a plaidBaseUrl of at most ${MAX_URL_LENGTH} characters (a function variable)`, () => {
    const url = (n: number) => `https://plaid.example.com/${'p'.repeat(n - 26)}`;
    expect(problemsOf({ plaidBaseUrl: url(MAX_URL_LENGTH) })).toEqual([]);
    expect(problemsOf({ plaidBaseUrl: url(MAX_URL_LENGTH + 1) })[0]).toMatch(/plaidBaseUrl: at most 1024/);
  });

  it('takes a KMS key ARN as secretsKmsKeyArn and grants kms:Decrypt through Secrets Manager only', () => {
    expect(problemsOf({ secretsKmsKeyArn: 'alias/aws/secretsmanager' })[0]).toMatch(
      /secretsKmsKeyArn: a KMS key ARN/,
    );
    const { props, stackId } = parseStackSettings({ secretsKmsKeyArn: KEY });
    const template = Template.fromStack(new WebhookPipelineStack(testApp(), stackId, props)).toJSON();
    const statements = Object.values(template.Resources as Record<string, { Type: string; Properties: Json }>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s) => s.Action === 'kms:Decrypt')).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY,
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
            },
          },
        },
      },
    ]);
  });
});
