import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webhookTableDefinition } from '../../lambdas/shared/adapters/webhook-store.js';
import {
  INGEST_ENVIRONMENT,
  loadIngestConfig,
  loadRouterConfig,
  ROUTER_ENVIRONMENT,
} from '../../lambdas/shared/config.js';
import { LOG_SAMPLING_ENVIRONMENT, loadLogSampleRate } from '../../lambdas/shared/log-sampling.js';
import { METRICS_NAMESPACE, MetricName } from '../../lambdas/shared/powertools.js';
import { DEFAULT_METRICS_NAMESPACE, PipelineMetric, ServiceName } from '../../lib/pipeline-metrics.js';
import { devProps, synthStack } from './synth.js';
import { environmentOf, single } from './template-helpers.js';

// The stack and the function code agree on names they both use, without lib/ importing the code.
const { template } = synthStack(devProps);

const CONFIGS = {
  [ServiceName.Ingest]: { spec: INGEST_ENVIRONMENT, load: loadIngestConfig, handler: 'ingest' },
  [ServiceName.Router]: { spec: ROUTER_ENVIRONMENT, load: loadRouterConfig, handler: 'router' },
} as const;

/** A template value as the function would see it: a reference becomes a plausible value. */
const deployedValue = (name: string, value: unknown): string => {
  if (typeof value === 'string') return value;
  return name.endsWith('_URL')
    ? 'https://sqs.eu-west-1.amazonaws.com/123456789012/queue'
    : `resolved-${name}`;
};

describe('function configuration', () => {
  it.each(Object.entries(CONFIGS))(
    'the %s environment passes the function’s configuration reader',
    (service, config) => {
      const env = Object.fromEntries(
        Object.entries(environmentOf(template, service)).map(([k, v]) => [k, deployedValue(k, v)]),
      );
      expect(() => config.load(env)).not.toThrow();
      // Every function reads LOG_SAMPLE_RATE on its own (lambdas/shared/log-sampling.ts).
      expect(() => loadLogSampleRate(env)).not.toThrow();
      const known = [...Object.keys(config.spec), ...Object.keys(LOG_SAMPLING_ENVIRONMENT)];
      const unknown = Object.keys(env).filter(
        (k) => !known.includes(k) && !k.startsWith('POWERTOOLS_') && k !== 'NODE_OPTIONS',
      );
      expect(unknown).toEqual([]);
    },
  );

  it.each(Object.entries(CONFIGS))(
    'the %s handler names its Powertools service as the stack does',
    (service, config) => {
      const source = readFileSync(
        new URL(`../../lambdas/${config.handler}/handler.ts`, import.meta.url),
        'utf8',
      );
      // The handler and the stack take the name from the same constant.
      const key = Object.entries(ServiceName).find(([, name]) => name === service)?.[0];
      expect(key).toBeDefined();
      expect(source).toContain(`createLogger(ServiceName.${key})`);
      expect(source).toContain(`createMetrics(ServiceName.${key})`);
    },
  );
});

describe('metrics', () => {
  it('uses the namespace and metric names the functions emit', () => {
    expect(DEFAULT_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(PipelineMetric).toEqual(MetricName);
  });
});

describe('webhook table', () => {
  it('matches the table definition the adapters, emulators and dev runtime use', () => {
    const expected = webhookTableDefinition('any');
    const [, table] = single(template, 'AWS::DynamoDB::Table');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(items: readonly T[] = []) =>
      [...items].sort((a, b) =>
        String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
      );
    expect(byName(table.Properties.AttributeDefinitions)).toEqual(byName(expected.AttributeDefinitions));
    expect(table.Properties.KeySchema).toEqual(expected.KeySchema);
    expect(byName(table.Properties.GlobalSecondaryIndexes)).toEqual(byName(expected.GlobalSecondaryIndexes));
    expect(table.Properties.BillingMode).toBe(expected.BillingMode);
  });
});
