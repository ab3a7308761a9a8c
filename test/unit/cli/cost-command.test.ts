import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../ops/stubs/run-cli.js';

// Bench results holding the fixture profile, so that the bill does not depend on the last run.
const results = join(tempDir(), 'latest.json');
writeFileSync(
  results,
  JSON.stringify({
    cost: {
      profile: JSON.parse(
        readFileSync(new URL('../../fixtures/cost/usage-profile.json', import.meta.url), 'utf8'),
      ),
    },
  }),
);
const cost = (...args: string[]) => runCli(['cost', ...args, '--results', results], {});

describe('webhook-pipeline cost', () => {
  it('prints the bill at a volume: each line, the total, per million, the floor and the gateways', async () => {
    const run = await cost('--per-month', '1M');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^WebhookPipeline-dev at 1,000,000 webhooks a month/);
    for (const line of [
      'API Gateway HTTP API requests',
      'Lambda webhook-router: duration',
      'DynamoDB storage',
    ]) {
      expect(run.stdout).toContain(line);
    }
    expect(run.stdout).toMatch(/Total \$[\d.]+ a month, \$[\d.]+ per million webhooks; the floor \$[\d.]+/);
    expect(run.stdout).toMatch(/Hookdeck Team \$48\.90, Svix Professional \$585\.00/);
  });

  it('prices the stack the -c settings describe, as JSON for tools', async () => {
    const plain = JSON.parse((await cost('--per-month', '1M', '--json')).stdout);
    const run = await cost(
      '--per-month',
      '1M',
      '-c',
      'tracing=true',
      '--context',
      'dashboard=true',
      '--json',
    );
    expect(run.code).toBe(0);
    const bill = JSON.parse(run.stdout);
    expect(bill).toMatchObject({
      stackId: 'WebhookPipeline-dev',
      settings: { tracing: 'true', dashboard: 'true' },
      webhooksPerMonth: 1_000_000,
    });
    expect(bill.lines.map((l: { line: string }) => l.line)).toEqual(
      expect.arrayContaining([
        'X-Ray traces: webhook-ingest',
        'X-Ray traces: webhook-router',
        'CloudWatch dashboards (1)',
      ]),
    );
    expect(bill.totalUsd).toBeGreaterThan(plain.totalUsd + 13);
    expect(bill.floorUsd).toBe(plain.floorUsd);
  });

  it.each([
    [
      ['--per-month', 'lots'],
      '--per-month must be a number of webhooks a month (250000, 250k, 1M, 2.5M, 1B), got "lots"',
    ],
    [['--per-month', '1M', '-c', 'tracing'], '-c takes a setting as key=value, got "tracing"'],
    [['--per-month', '1M', '-c', 'tracin=true'], 'tracin: unknown setting'],
    [['--per-month', '1M', '-c', 'tracing=yes'], 'tracing: true or false, got "yes"'],
    [[], "required option '--per-month <webhooks>' not specified"],
  ])('refuses %j with a usage error naming it', async (args, message) => {
    const run = await cost(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('says where the profile is missing', async () => {
    const run = await runCli(['cost', '--per-month', '1M', '--results', join(tempDir(), 'none.json')], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read the bench results .*none\.json/);
  });
});
