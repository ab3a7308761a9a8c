/**
 * The first request after a cold start: what a deferred import moves out of the cold start, the
 * instance's first webhook pays. Bundles the ingest handler as the stack does, starts DynamoDB and
 * SQS emulators and a Plaid key server, then starts fresh `node` processes that import the bundle
 * and hand the handler one signed webhook (Argyle or Plaid, a new body each time), then a second
 * one of the same provider. Reports the medians: process start to handler built, the first
 * request, the second, and the first answer's time from process start. The secrets are given as
 * values (the local set-up), so no Secrets Manager call is in the figures.
 * `node --import tsx bench/first-request.ts [runs] [bundle.mjs …]` (other bundles to compare, e.g.
 * one built from an earlier commit).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProviderName } from '@webhook-pipeline/events/sources';
import { functionNodeOptions } from '../lib/constructs/pipeline-function.js';
import { startPlaidKeyServer } from '../local/plaid-key-server.js';
import { generatePlaidSigningKey } from '../local/signing.js';
import { startTestEmulators } from '../test/helpers/emulators.js';
import { deliverySigner, uniqueBody } from './lib/bodies.js';
import { bundleHandler } from './lib/bundle.js';
import { ROOT, WORK_DIR, writeResult } from './lib/child.js';
import { toApiEvent } from './lib/ingest-harness.js';
import { median, round } from './lib/stats.js';

const runs = Number(process.argv[2] ?? '10');
const others = process.argv.slice(3);

// Imports the bundle, then runs two requests; writes its timings to the file it is given.
const PROBE = `
import { writeFileSync } from 'node:fs';
const module = await import(process.argv[1]);
const readyMs = performance.now();
const context = {
  functionName: 'webhook-ingest', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:webhook-ingest',
  memoryLimitInMB: '1024', awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/webhook-ingest', logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 8000,
};
const [first, second] = JSON.parse(process.env.PROBE_EVENTS);
const a = await module.handler(first, context);
const firstDoneMs = performance.now();
const b = await module.handler(second, context);
const secondDoneMs = performance.now();
writeFileSync(process.env.PROBE_RESULT, JSON.stringify({
  readyMs, firstMs: firstDoneMs - readyMs, secondMs: secondDoneMs - firstDoneMs, firstDoneMs,
  statuses: [a.statusCode, b.statusCode], bodies: [a.body, b.body],
}));
`;

const dir = join(WORK_DIR, 'first-request');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'bundle'), { recursive: true });
const bundle = await bundleHandler(join(ROOT, 'lambdas', 'ingest', 'handler.ts'), join(dir, 'bundle'));
const bundles: Record<string, string> = { current: bundle.file };
others.forEach((file, i) => {
  bundles[`other${i + 1}`] = file;
});

// The emulators' own SDK clients run in this process (Node 20 here; the functions get Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulators = await startTestEmulators();
const key = generatePlaidSigningKey();
const keyServer = await startPlaidKeyServer({ keys: [key.jwk] });
const argyleSecret = 'whsec_bench_current_0123456789abcdef';
const sign = deliverySigner(key, argyleSecret);

const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_LAMBDA_FUNCTION_NAME: 'webhook-ingest',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'webhook-ingest',
  POWERTOOLS_METRICS_NAMESPACE: 'WebhookPipeline',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  TABLE_NAME: emulators.tableName,
  QUEUE_URL: emulators.queueUrl,
  DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
  SQS_ENDPOINT: emulators.sqsEndpoint,
  PLAID_BASE_URL: keyServer.url,
  PLAID_CLIENT_ID: 'client',
  PLAID_SECRET: 'secret',
  ARGYLE_WEBHOOK_SECRETS: argyleSecret,
  ...functionNodeOptions(false),
};

/** A fresh process importing the bundle (asynchronously: the emulators answer from this process). */
const run = (bundleFile: string, childEnv: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', PROBE, pathToFileURL(bundleFile).href],
      { env: childEnv },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

type Sample = { readyMs: number; firstMs: number; secondMs: number; firstDoneMs: number };
const samples: Record<string, Sample[]> = {};
const names = Object.keys(bundles);
const providers: ProviderName[] = ['argyle', 'plaid'];
let seq = 0;
try {
  for (let i = 0; i < runs + 1; i += 1) {
    for (const provider of providers) {
      const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
      for (const name of order) {
        const events = [0, 1].map(() => {
          seq += 1;
          const { detailType, body } = uniqueBody(provider, seq);
          const delivery = sign(provider, detailType, body);
          return toApiEvent(delivery, seq);
        });
        const resultFile = join(dir, 'result.json');
        const out = await run(bundles[name] as string, {
          ...env,
          PROBE_EVENTS: JSON.stringify(events),
          PROBE_RESULT: resultFile,
        });
        if (out.status !== 0) throw new Error(`${name} failed: ${out.stderr}`);
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Sample & {
          statuses: number[];
          bodies: string[];
        };
        if (result.statuses.some((s) => s !== 202 && s !== 200))
          throw new Error(
            `${name} ${provider} answered ${result.statuses.join(', ')}: ${result.bodies[0]}\n${out.stdout}\n${out.stderr}`,
          );
        if (i === 0) continue; // warm-up round
        const key = `${name} ${provider}`;
        samples[key] ??= [];
        samples[key].push(result);
      }
    }
  }
} finally {
  await keyServer.close();
  await emulators.stop();
}

const summary = Object.fromEntries(
  Object.entries(samples).map(([key, list]) => [
    key,
    {
      readyMedianMs: round(median(list.map((s) => s.readyMs)), 1),
      firstRequestMedianMs: round(median(list.map((s) => s.firstMs)), 1),
      secondRequestMedianMs: round(median(list.map((s) => s.secondMs)), 1),
      firstAnswerMedianMs: round(median(list.map((s) => s.firstDoneMs)), 1),
      runs: list.length,
    },
  ]),
);
writeResult({ bundles, ...summary });
