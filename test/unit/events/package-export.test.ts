import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE = join(ROOT, 'packages/events');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

interface PackageJson {
  name: string;
  type: string;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  sideEffects: boolean;
}
const pkg = JSON.parse(await readFile(join(PACKAGE, 'package.json'), 'utf8')) as PackageJson;

/**
 * A consumer project with the package installed as npm would lay it out: the build output of
 * `tsconfig.build.json`, the published schemas, package.json, and zod (a dependency) beside it.
 */
let consumer: string;
let installed: string;

const emittedFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

beforeAll(async () => {
  consumer = await mkdtemp(join(tmpdir(), 'events-consumer-'));
  installed = join(consumer, 'node_modules', pkg.name);
  await mkdir(join(consumer, 'node_modules', '@types'), { recursive: true });
  await mkdir(installed, { recursive: true });
  await run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', join(installed, 'dist')], {
    cwd: PACKAGE,
  });
  await cp(join(PACKAGE, 'schemas'), join(installed, 'schemas'), { recursive: true });
  const { name, type, exports, dependencies } = pkg;
  await writeFile(join(installed, 'package.json'), JSON.stringify({ name, type, exports, dependencies }));
  await symlink(join(ROOT, 'node_modules/zod'), join(consumer, 'node_modules/zod'), 'junction');
  await symlink(
    join(ROOT, 'node_modules/@types/node'),
    join(consumer, 'node_modules/@types/node'),
    'junction',
  );
}, 60_000);

afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe('package.json', () => {
  it('exports the contract with types and ESM entry points, built by prepack; zod is its one dependency', () => {
    expect(pkg.name).toBe('@webhook-pipeline/events');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.files).toEqual(['dist', 'schemas']);
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
    expect(pkg.sideEffects).toBe(false);
  });

  it('has the subscription construct as ./cdk, with aws-cdk-lib and constructs as optional peers', () => {
    expect(pkg.exports['./cdk']).toEqual({ types: './dist/cdk/index.d.ts', import: './dist/cdk/index.js' });
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(pkg.peerDependenciesMeta).toEqual({
      'aws-cdk-lib': { optional: true },
      constructs: { optional: true },
    });
  });
});

describe('@webhook-pipeline/events as a consumer installs it', () => {
  it('emits the entry points the exports map names', async () => {
    const files = await emittedFiles(installed);
    for (const entry of Object.values(pkg.exports)) {
      if (typeof entry === 'string') continue;
      for (const target of Object.values(entry)) expect(files).toContain(join(installed, target));
    }
  });

  it('imports nothing but zod from outside the package, the ./cdk subpath aside', async () => {
    const bare = { contract: new Set<string>(), cdk: new Set<string>() };
    for (const file of await emittedFiles(join(installed, 'dist'))) {
      if (!file.endsWith('.js')) continue;
      const code = await readFile(file, 'utf8');
      const place = file.startsWith(join(installed, 'dist', 'cdk')) ? bare.cdk : bare.contract;
      for (const [, specifier] of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (specifier && !specifier.startsWith('.')) place.add(specifier);
      }
      // Nothing outside cdk/ reaches into it.
      if (place === bare.contract) expect(code, file).not.toMatch(/['"][./]+cdk\//);
    }
    expect([...bare.contract]).toEqual(['zod']);
    expect(
      [...bare.cdk].every((s) => /^(aws-cdk-lib(\/[a-z0-9-]+)?|constructs)$/.test(s)),
      [...bare.cdk].join(),
    ).toBe(true);
  });

  it('loads in Node by its subpath, resolves zod and parses a fixture', async () => {
    const fixture = join(ROOT, 'test/fixtures/events/TRANSACTIONS.SYNC_UPDATES_AVAILABLE.v1.json');
    const script = `
      import { readFileSync } from 'node:fs';
      const events = await import('@webhook-pipeline/events');
      const event = JSON.parse(readFileSync(process.argv[1], 'utf8'));
      const parsed = events.detailSchemaFor(event['detail-type']).safeParse(event.detail);
      const wrong = events.detailSchemaFor('ITEM.ERROR').safeParse(event.detail);
      const schema = import.meta.resolve('@webhook-pipeline/events/schemas/ITEM.ERROR.json');
      console.log(JSON.stringify({
        sources: events.EVENT_SOURCES,
        detailTypes: events.DETAIL_TYPES.length,
        parsed: parsed.success,
        itemId: parsed.data?.data.item_id,
        wrong: wrong.success,
        pattern: events.eventPattern({ provider: 'argyle', types: ['accounts.connected'] }),
        schema: schema.endsWith('/@webhook-pipeline/events/schemas/ITEM.ERROR.json'),
        zod: import.meta.resolve('zod').includes('/node_modules/zod/'),
      }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, fixture], {
      cwd: consumer,
    });
    expect(JSON.parse(stdout)).toEqual({
      sources: { plaid: 'webhooks.plaid', argyle: 'webhooks.argyle' },
      detailTypes: 134,
      parsed: true,
      itemId: 'wz666MBjYWTp2PDzzggYhM6oWWmBb',
      wrong: false,
      pattern: { source: ['webhooks.argyle'], 'detail-type': ['accounts.connected'] },
      schema: true,
      zod: true,
    });
  });

  it('type-checks a consumer through the declarations', async () => {
    await writeFile(
      join(consumer, 'handler.ts'),
      `import { type AnyWebhookEvent, eventPattern } from '@webhook-pipeline/events';
export const itemOf = (event: AnyWebhookEvent): string | undefined => {
  if (event['detail-type'] === 'TRANSACTIONS.SYNC_UPDATES_AVAILABLE') return event.detail.data.item_id;
  if (event['detail-type'] === 'accounts.connected') return event.detail.data.data.account;
  return undefined;
};
export const pattern = eventPattern({ provider: 'plaid', types: ['ITEM.ERROR'] });
// @ts-expect-error not a Plaid detail-type
export const wrong = eventPattern({ provider: 'plaid', types: ['NOT.A_TYPE'] });
`,
    );
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['handler.ts'],
      }),
    );
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: consumer }).then(
      () => 'ok',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('ok');
  });
});
