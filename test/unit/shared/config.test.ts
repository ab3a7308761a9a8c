import { describe, expect, it } from 'vitest';
import { MAX_STORABLE_BODY_BYTES } from '../../../lambdas/shared/aws-limits.js';
import { loadIngestConfig, loadRouterConfig } from '../../../lambdas/shared/config.js';
import { ConfigError } from '../../../lambdas/shared/errors.js';
import { loadLogSampleRate } from '../../../lambdas/shared/log-sampling.js';

const ingestEnv = {
  TABLE_NAME: 'webhooks',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks',
};

const problemsOf = (load: () => unknown): string => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('function configuration read at cold start', () => {
  it('gives the defaults and resolves the Plaid base URL from PLAID_ENV', () => {
    // Act
    const config = loadIngestConfig(ingestEnv);
    // Assess
    expect(config).toMatchObject({
      TABLE_NAME: 'webhooks',
      PLAID_ENV: 'production',
      plaidBaseUrl: 'https://production.plaid.com',
      MAX_BODY_BYTES: 256 * 1024,
      RETENTION_DAYS: 30,
      PLAID_MAX_TOKEN_AGE_SECONDS: 300,
      PLAID_KEY_FETCHES_PER_MINUTE: 20,
      SECRETS_MAX_AGE_SECONDS: 300,
    });
    expect(config.PLAID_SECRET_ARN).toBeUndefined();
    expect(loadIngestConfig({ ...ingestEnv, PLAID_ENV: 'sandbox' }).plaidBaseUrl).toBe(
      'https://sandbox.plaid.com',
    );
  });

  it('trims optional values, reads blank ones as not set, and prefers PLAID_BASE_URL', () => {
    // Act
    const config = loadIngestConfig({
      ...ingestEnv,
      PLAID_SECRET_ARN: '  arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid  ',
      ARGYLE_SECRET_ARN: '   ',
      PLAID_BASE_URL: ' http://127.0.0.1:4010 ',
      RETENTION_DAYS: ' 7 ',
    });
    // Assess
    expect(config.PLAID_SECRET_ARN).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:plaid');
    expect(config.ARGYLE_SECRET_ARN).toBeUndefined();
    expect(config.plaidBaseUrl).toBe('http://127.0.0.1:4010');
    expect(config.RETENTION_DAYS).toBe(7);
  });

  it('names every bad variable in one error, with what was expected', () => {
    // Act
    const message = problemsOf(() =>
      loadIngestConfig({
        QUEUE_URL: 'webhooks',
        PLAID_ENV: 'staging',
        RETENTION_DAYS: '1.5',
        PLAID_KEY_FETCHES_PER_MINUTE: '0',
        SECRETS_MAX_AGE_SECONDS: 'soon',
        MAX_BODY_BYTES: String(MAX_STORABLE_BODY_BYTES + 1),
        DYNAMODB_ENDPOINT: 'http//localhost:8000',
      }),
    );
    // Assess
    expect(message).toMatch(/^invalid function configuration: /);
    expect(message).toContain('TABLE_NAME: required');
    expect(message).toContain('QUEUE_URL: expected an SQS queue URL');
    expect(message).toContain('PLAID_ENV: expected one of "sandbox", "production", got "staging"');
    expect(message).toContain('RETENTION_DAYS: expected a positive whole number, got "1.5"');
    expect(message).toContain('PLAID_KEY_FETCHES_PER_MINUTE: expected a positive whole number, got "0"');
    expect(message).toContain('SECRETS_MAX_AGE_SECONDS: expected a positive whole number, got "soon"');
    expect(message).toContain(
      `MAX_BODY_BYTES: at most ${MAX_STORABLE_BODY_BYTES}: the largest body a DynamoDB item stores`,
    );
    expect(message).toContain('DYNAMODB_ENDPOINT: expected a URL, got "http//localhost:8000"');
    expect(message.split('; ')).toHaveLength(8);
  });

  it('refuses an empty required value and an empty number', () => {
    // Act
    const message = problemsOf(() =>
      loadRouterConfig({ TABLE_NAME: '', EVENT_BUS_NAME: 'bus', MAX_RECEIVE_COUNT: '' }),
    );
    // Assess
    expect(message).toContain('TABLE_NAME: must not be empty');
    expect(message).toContain('MAX_RECEIVE_COUNT: expected a positive whole number, got ""');
    expect(message).not.toContain('EVENT_BUS_NAME');
  });

  it('reads LOG_SAMPLE_RATE as a share from 0 to 1, naming it when it is not one', () => {
    // Act / Assess
    expect(loadLogSampleRate({})).toBe(0.01);
    expect(loadLogSampleRate({ LOG_SAMPLE_RATE: ' 1 ' })).toBe(1);
    expect(problemsOf(() => loadLogSampleRate({ LOG_SAMPLE_RATE: '-0.1' }))).toBe(
      'invalid function configuration: LOG_SAMPLE_RATE: expected a number from 0 to 1, got "-0.1"',
    );
  });
});
