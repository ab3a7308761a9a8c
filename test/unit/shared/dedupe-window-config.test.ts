import { describe, expect, it } from 'vitest';
import { loadIngestConfig, loadRouterConfig } from '../../../lambdas/shared/config.js';
import { ConfigError } from '../../../lambdas/shared/errors.js';

const ingestEnv = {
  TABLE_NAME: 'webhooks',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks',
};

describe('dedupe window configuration (issue 14 #7)', () => {
  it('defaults to 600 s, above the oldest accepted Plaid token plus skew', () => {
    expect(loadIngestConfig(ingestEnv).DEDUPE_WINDOW_SECONDS).toBe(600);
  });

  it('refuses a window shorter than PLAID_MAX_TOKEN_AGE_SECONDS + 30, naming both settings', () => {
    expect(() => loadIngestConfig({ ...ingestEnv, DEDUPE_WINDOW_SECONDS: '300' })).toThrow(ConfigError);
    expect(() => loadIngestConfig({ ...ingestEnv, DEDUPE_WINDOW_SECONDS: '329' })).toThrow(
      /DEDUPE_WINDOW_SECONDS: must be at least 330 \(PLAID_MAX_TOKEN_AGE_SECONDS \+ 30/,
    );
    expect(loadIngestConfig({ ...ingestEnv, DEDUPE_WINDOW_SECONDS: '330' }).DEDUPE_WINDOW_SECONDS).toBe(330);
  });

  it('follows a shorter accepted token age', () => {
    const env = { ...ingestEnv, PLAID_MAX_TOKEN_AGE_SECONDS: '60', DEDUPE_WINDOW_SECONDS: '90' };
    expect(loadIngestConfig(env).DEDUPE_WINDOW_SECONDS).toBe(90);
    expect(() => loadIngestConfig({ ...env, DEDUPE_WINDOW_SECONDS: '89' })).toThrow(/at least 90/);
  });

  it('gives the router the queue and window settings it decides with, with defaults', () => {
    const config = loadRouterConfig({ TABLE_NAME: 'webhooks', EVENT_BUS_NAME: 'bus' });
    expect(config).toMatchObject({
      MAX_RECEIVE_COUNT: 5,
      DEDUPE_WINDOW_SECONDS: 600,
      INGEST_BUDGET_SECONDS: 10,
      RETENTION_DAYS: 30,
    });
  });
});
