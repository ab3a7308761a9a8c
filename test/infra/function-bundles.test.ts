import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_ENTRY_FILE,
  bundleFunction,
  type FunctionBundle,
} from '../../lib/constructs/function-bundle.js';
import { PIPELINE_NODE_MAJOR } from '../../lib/constructs/pipeline-function.js';
import { startPlaidKeyServer } from '../../local/plaid-key-server.js';
import { generatePlaidSigningKey, signArgyleBody, signPlaidBody } from '../../local/signing.js';
import { httpApiEvent } from '../helpers/api-gateway-event.js';
import { startTestEmulators } from '../helpers/emulators.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The bundle's module graph, built with the options the stack's functions are bundled with. */
const moduleGraph = async (entry: string): Promise<Metafile> => {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    outfile: join(ROOT, 'bench', '.work', 'graph', 'index.mjs'),
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  return result.metafile;
};

/** Every module evaluated when the bundle is imported: reached from the entry by static imports only. */
const evaluatedAtImport = (graph: Metafile, entry: string): Set<string> => {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const edge of graph.inputs[path]?.imports ?? []) {
      if (edge.kind === 'dynamic-import' || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
};

let ingest: Metafile;
let router: Metafile;
beforeAll(async () => {
  [ingest, router] = await Promise.all([
    moduleGraph('lambdas/ingest/handler.ts'),
    moduleGraph('lambdas/router/handler.ts'),
  ]);
}, 60_000);

describe('what each function bundle carries and evaluates at cold start', () => {
  it('the router carries no signature verification: no fast-jwt, no verifier, no key client', () => {
    // Act
    const inputs = Object.keys(router.inputs);
    // Assess
    expect(inputs.filter((p) => /node_modules\/fast-jwt\//.test(p))).toEqual([]);
    expect(inputs.filter((p) => /verify-signature|verification-key-client/.test(p))).toEqual([]);
    expect(inputs).toContain('packages/events/src/plaid/catalog.ts');
  });

  it('the ingest function carries both catalogues and the Plaid verifier but loads them on first use', () => {
    // Act
    const atImport = evaluatedAtImport(ingest, 'lambdas/ingest/handler.ts');
    // Assess
    expect(Object.keys(ingest.inputs)).toEqual(
      expect.arrayContaining([
        'packages/events/src/plaid/catalog.ts',
        'packages/events/src/argyle/catalog.ts',
      ]),
    );
    expect([...atImport].filter((p) => /providers\/(plaid|argyle)\/(catalog|webhooks\/)/.test(p))).toEqual(
      [],
    );
    expect(atImport).toContain('lambdas/providers/argyle/verify-signature.ts');
    // The Plaid verifier and fast-jwt are loaded with the first Plaid webhook, like the catalogue.
    expect([...atImport].filter((p) => /node_modules\/fast-jwt\/|plaid\/verify-signature/.test(p))).toEqual(
      [],
    );
    expect(Object.keys(ingest.inputs)).toContain('lambdas/providers/plaid/verify-signature.ts');
  });

  it('the ingest function loads zod with the first webhook, not at import', () => {
    // Act
    const atImport = evaluatedAtImport(ingest, 'lambdas/ingest/handler.ts');
    // Assess
    expect(Object.keys(ingest.inputs).some((p) => p.startsWith('node_modules/zod/'))).toBe(true);
    expect([...atImport].filter((p) => p.startsWith('node_modules/zod/'))).toEqual([]);
  });

  it('no dynamic import reaches a CommonJS module (a split bundle would give it only a default export)', () => {
    for (const graph of [ingest, router]) {
      // Act
      const cjsTargets = Object.values(graph.inputs).flatMap((input) =>
        input.imports
          .filter((edge) => edge.kind === 'dynamic-import' && graph.inputs[edge.path]?.format === 'cjs')
          .map((edge) => edge.path),
      );
      // Assess
      expect(cjsTargets).toEqual([]);
    }
  });
});

describe('the ingest bundle as the stack builds it (split at its dynamic imports)', () => {
  let dir: string;
  let bundle: FunctionBundle;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-bundle-'));
    bundle = bundleFunction(join(ROOT, 'lambdas/ingest/handler.ts'), dir, ROOT, PIPELINE_NODE_MAJOR);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads neither a catalogue, nor zod, nor fast-jwt when the handler is imported', () => {
    // Act
    const sourcesAtImport = bundle.loadedAtImport.flatMap((file) =>
      Object.keys(bundle.metafile.outputs[relative(ROOT, file)]?.inputs ?? {}),
    );
    // Assess
    expect(sourcesAtImport).toContain('lambdas/ingest/handler.ts');
    expect(
      sourcesAtImport.filter((p) =>
        /providers\/(plaid|argyle)\/catalog|node_modules\/zod\/|node_modules\/fast-jwt\//.test(p),
      ),
    ).toEqual([]);
    expect(bundle.files.length).toBeGreaterThan(bundle.loadedAtImport.length);
  });

  it('accepts the first Plaid and the first Argyle webhook of a fresh instance', async () => {
    // Arrange
    const emulators = await startTestEmulators();
    const key = generatePlaidSigningKey();
    const keyServer = await startPlaidKeyServer({ keys: [key.jwk] });
    const argyleSecret = 'whsec_bundle_test';
    try {
      const plaidBody = Buffer.from(
        JSON.stringify({
          webhook_type: 'ITEM',
          webhook_code: 'ERROR',
          item_id: 'i1',
          error: null,
          environment: 'sandbox',
        }),
      );
      const argyleBody = Buffer.from(
        JSON.stringify({ event: 'accounts.added', name: 'bundle', data: { account: 'a1', user: 'u1' } }),
      );
      const events = [
        httpApiEvent('plaid', plaidBody, {
          headers: { 'plaid-verification': signPlaidBody(plaidBody, key) },
        }),
        httpApiEvent('argyle', argyleBody, {
          headers: { 'x-argyle-signature': signArgyleBody(argyleBody, argyleSecret) },
        }),
      ];
      // Act: a fresh process per provider, as a new instance's first webhook
      const answers = await Promise.all(
        events.map((event) =>
          runBundle(join(dir, BUNDLE_ENTRY_FILE), event, {
            TABLE_NAME: emulators.tableName,
            QUEUE_URL: emulators.queueUrl,
            DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
            SQS_ENDPOINT: emulators.sqsEndpoint,
            PLAID_BASE_URL: keyServer.url,
            PLAID_CLIENT_ID: 'client',
            PLAID_SECRET: 'secret',
            ARGYLE_WEBHOOK_SECRETS: argyleSecret,
          }),
        ),
      );
      // Assess
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      expect(answers.map((a) => JSON.parse(a.body).status)).toEqual(['accepted', 'accepted']);
      expect(keyServer.requests()).toBe(1);
    } finally {
      await keyServer.close();
      await emulators.stop();
    }
  }, 60_000);
});

/** Imports the bundle in a fresh `node` and hands its handler one event; resolves with the answer. */
const runBundle = (file: string, event: unknown, env: Record<string, string>) =>
  new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
    const probe = `
      const { handler } = await import(process.argv[1]);
      const answer = await handler(JSON.parse(process.env.EVENT), {
        functionName: 'webhook-ingest', awsRequestId: 'req-1', memoryLimitInMB: '1024',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:webhook-ingest',
        getRemainingTimeInMillis: () => 8000,
      });
      process.stderr.write('ANSWER' + JSON.stringify(answer));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(file).href], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'webhook-ingest',
        EVENT: JSON.stringify(event),
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (status) => {
      const answer = stderr.split('ANSWER')[1];
      if (status !== 0 || answer === undefined) reject(new Error(`the bundle failed (${status}): ${stderr}`));
      else resolve(JSON.parse(answer));
    });
  });
