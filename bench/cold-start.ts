/**
 * Cold start: bundles the ingest and router handlers as the stack does, and a baseline function
 * holding only the bare DynamoDB and SQS clients; then starts fresh `node` processes that import
 * each bundle (which builds its handler) and reports the median time from process start to a built
 * handler. Runs are interleaved so that a noisy moment hits every bundle alike.
 * `node --import tsx bench/cold-start.ts [runs]`
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionNodeOptions } from '../lib/constructs/pipeline-function.js';
import { BUNDLE_OPTIONS_SOURCE, type Bundle, bundleHandler } from './lib/bundle.js';
import { ROOT, WORK_DIR, writeResult } from './lib/child.js';
import { median, round } from './lib/stats.js';

const runs = Number(process.argv[2] ?? '20');
const warmupRuns = 2;

// Imports the bundle and reports, on stdout, how long after the process started the handler existed.
const PROBE = `
const started = performance.now();
const module = await import(process.argv[1]);
if (typeof module.handler !== 'function') process.exit(2);
process.stdout.write(JSON.stringify({ readyMs: performance.now(), importMs: performance.now() - started }));
`;

// The environment each function gets from the stack (names only; nothing is called at import).
const POWERTOOLS = {
  POWERTOOLS_METRICS_NAMESPACE: 'WebhookPipeline',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // What the stack sets on every function by default.
  ...functionNodeOptions(false),
};
const ENVIRONMENTS: Record<string, Record<string, string>> = {
  baseline: { ...POWERTOOLS, AWS_LAMBDA_FUNCTION_NAME: 'baseline' },
  ingest: {
    ...POWERTOOLS,
    AWS_LAMBDA_FUNCTION_NAME: 'webhook-ingest',
    POWERTOOLS_SERVICE_NAME: 'webhook-ingest',
    TABLE_NAME: 'webhooks',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks',
    PLAID_ENV: 'production',
    PLAID_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:plaid-AbCdEf',
    ARGYLE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:argyle-GhIjKl',
  },
  router: {
    ...POWERTOOLS,
    AWS_LAMBDA_FUNCTION_NAME: 'webhook-router',
    POWERTOOLS_SERVICE_NAME: 'webhook-router',
    TABLE_NAME: 'webhooks',
    EVENT_BUS_NAME: 'webhook-pipeline',
  },
};

const ENTRIES: Record<string, string> = {
  baseline: join(ROOT, 'bench', 'baseline-handler.ts'),
  ingest: join(ROOT, 'lambdas', 'ingest', 'handler.ts'),
  router: join(ROOT, 'lambdas', 'router', 'handler.ts'),
};

const baseEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
};

/** One fresh process: ms from its start to the handler built, and the import alone. */
const start = (bundle: string | undefined, env: Record<string, string>) => {
  const args = bundle ? ['--input-type=module', '-e', PROBE, pathToFileURL(bundle).href] : ['-e', '0'];
  const wallStart = performance.now();
  const out = spawnSync(process.execPath, args, { env: { ...baseEnv(), ...env }, encoding: 'utf8' });
  const wallMs = performance.now() - wallStart;
  if (out.status !== 0) throw new Error(`cold start of ${bundle ?? 'node -e 0'} failed: ${out.stderr}`);
  if (!bundle) return { readyMs: Number.NaN, importMs: 0, wallMs };
  const { readyMs, importMs } = JSON.parse(out.stdout) as { readyMs: number; importMs: number };
  return { readyMs, importMs, wallMs };
};

const dir = join(WORK_DIR, 'bundles');
rmSync(dir, { recursive: true, force: true });
const bundles: Record<string, Bundle> = {};
for (const name of Object.keys(ENTRIES)) {
  mkdirSync(join(dir, name), { recursive: true });
  bundles[name] = await bundleHandler(ENTRIES[name] as string, join(dir, name));
}

const names = Object.keys(ENTRIES);
const samples: Record<string, { readyMs: number[]; importMs: number[]; wallMs: number[] }> = {};
for (const name of [...names, 'node']) samples[name] = { readyMs: [], importMs: [], wallMs: [] };
for (let i = 0; i < warmupRuns + runs; i += 1) {
  // Rotate the order every run, so that no bundle always follows the same one.
  const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length), 'node'];
  for (const name of order) {
    const run =
      name === 'node'
        ? start(undefined, {})
        : start((bundles[name] as Bundle).file, ENVIRONMENTS[name] as Record<string, string>);
    if (i < warmupRuns) continue;
    const s = samples[name] as (typeof samples)[string];
    s.readyMs.push(run.readyMs);
    s.importMs.push(run.importMs);
    s.wallMs.push(run.wallMs);
  }
}

const summary = (name: string) => {
  const s = samples[name] as (typeof samples)[string];
  const bundle = bundles[name] as Bundle;
  return {
    bundleKb: round(bundle.bytes / 1024, 1),
    totalKb: round(bundle.totalBytes / 1024, 1),
    sourceMapKb: round(bundle.mapBytes / 1024, 1),
    medianMs: round(median(s.readyMs), 1),
    importMedianMs: round(median(s.importMs), 1),
    processMedianMs: round(median(s.wallMs), 1),
    runs: s.readyMs.length,
  };
};
const baseline = summary('baseline');
const withRatio = (name: string) => {
  const s = summary(name);
  return {
    ...s,
    baselineMs: baseline.medianMs,
    ratio: round(s.medianMs / baseline.medianMs, 2),
    baselineKb: baseline.bundleKb,
    sizeRatio: round(s.bundleKb / baseline.bundleKb, 2),
  };
};
writeResult({
  ingest: withRatio('ingest'),
  router: withRatio('router'),
  baseline,
  nodeProcessMedianMs: round(median((samples.node as (typeof samples)[string]).wallMs), 1),
  banner: BUNDLE_OPTIONS_SOURCE,
  nodeOptions: POWERTOOLS.NODE_OPTIONS ?? '',
});
