import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The architecture's rules (.dependency-cruiser.cjs, docs/architecture.md) hold for the tree, and
// each one refuses a violation planted for it in a small tree of the same shape.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

const cruise = async (cwd: string, places: readonly string[]): Promise<Violation[]> => {
  const { stdout } = await run(
    process.execPath,
    [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...places],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
};

/** Planted violations of each rule: the files that break it, and what each holds. */
const PLANTED: Record<string, readonly { readonly file: string; readonly code: string }[]> = {
  'no-circular': [
    {
      file: 'lambdas/shared/loop-a.ts',
      code: "export { b } from './loop-b.js';\nexport const a = 1;",
    },
  ],
  'lambda-stays-deployable': [
    {
      file: 'lambdas/ingest/uses-local.ts',
      code: "import { devThing } from '../../local/dev-thing.js';\nexport const x = devThing;",
    },
  ],
  'lambda-no-dev-packages': [
    {
      file: 'lambdas/router/uses-dev-package.ts',
      code: "import { describe } from 'vitest';\nexport const x = describe;",
    },
  ],
  'lambda-no-tooling-packages': [
    {
      file: 'lambdas/router/uses-cdk.ts',
      code: "import { Stack } from 'aws-cdk-lib';\nexport const x = Stack;",
    },
  ],
  'shared-never-imports-a-provider': [
    {
      file: 'lambdas/shared/uses-provider.ts',
      code: "import { plaid } from '../providers/plaid/thing.js';\nexport const x = plaid;",
    },
  ],
  'only-adapters-import-aws-sdk': [
    {
      file: 'lambdas/router/uses-sdk.ts',
      code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const x = DynamoDBClient;",
    },
  ],
  'event-contract-stands-alone': [
    {
      file: 'packages/events/src/uses-shared.ts',
      code: "import { shared } from '../../../lambdas/shared/ok.js';\nexport const x = shared;",
    },
    {
      file: 'packages/events/src/uses-cdk.ts',
      code: "import { Stack } from 'aws-cdk-lib';\nexport const x = Stack;",
    },
    {
      file: 'packages/events/src/plaid/uses-subscription.ts',
      code: "import { subscription } from '../cdk/ok.js';\nexport const x = subscription;",
    },
  ],
  'event-subscription-construct-stays-small': [
    {
      file: 'packages/events/src/cdk/uses-shared.ts',
      code: "import { shared } from '../../../../lambdas/shared/ok.js';\nexport const x = shared;",
    },
    {
      file: 'packages/events/src/cdk/uses-tooling.ts',
      code: "import { Command } from 'commander';\nexport const x = Command;",
    },
  ],
  'local-runtime-is-not-deployed': [
    {
      file: 'local/uses-cli.ts',
      code: "import { cli } from '../cli/thing.js';\nexport const x = cli;",
    },
  ],
  'cdk-code-installs-alone': [
    {
      file: 'lib/uses-nag.ts',
      code: "import { AwsSolutionsChecks } from 'cdk-nag';\nexport const x = AwsSolutionsChecks;",
    },
  ],
  'cdk-code-stays-synthesizable': [
    {
      file: 'lib/uses-local.ts',
      code: "import { devThing } from '../local/dev-thing.js';\nexport const x = devThing;",
    },
  ],
};

/** Files the planted ones import, which break nothing themselves. */
const HARMLESS: Record<string, string> = {
  'lambdas/shared/loop-b.ts': "export { a } from './loop-a.js';\nexport const b = 2;",
  'lambdas/shared/ok.ts': 'export const shared = 1;',
  'lambdas/providers/plaid/thing.ts': 'export const plaid = 1;',
  'local/dev-thing.ts': 'export const devThing = 1;',
  'cli/thing.ts': 'export const cli = 1;',
  // The construct's folder may import the contract, zod, aws-cdk-lib and constructs.
  'packages/events/src/cdk/ok.ts': [
    "import { Stack } from 'aws-cdk-lib';",
    "import { Construct } from 'constructs';",
    "import * as z from 'zod';",
    "import { contract } from '../contract.js';",
    'export const subscription = [Stack, Construct, z, contract];',
  ].join('\n'),
  'packages/events/src/contract.ts': "import * as z from 'zod';\nexport const contract = z.string();",
};

let planted: string;
beforeAll(async () => {
  planted = await mkdtemp(join(tmpdir(), 'architecture-'));
  for (const [file, code] of [
    ...Object.values(PLANTED).flatMap((files) => files.map(({ file, code }) => [file, code] as const)),
    ...Object.entries(HARMLESS),
  ]) {
    await mkdir(join(planted, dirname(file)), { recursive: true });
    await writeFile(join(planted, file), `${code}\n`);
  }
  // The same package manifest (dev and runtime dependencies) and modules as the project.
  await symlink(join(ROOT, 'node_modules'), join(planted, 'node_modules'), 'junction');
  await symlink(join(ROOT, 'package.json'), join(planted, 'package.json'));
  await writeFile(
    join(planted, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
}, 30_000);

afterAll(async () => {
  if (planted) await rm(planted, { recursive: true, force: true });
});

describe('architecture rules', () => {
  it('hold for the whole tree', async () => {
    const violations = await cruise(ROOT, ['lambdas', 'local', 'cli', 'lib', 'bin', 'packages/events/src']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);

  it('refuse each planted violation, by the rule it breaks and on the file that breaks it', async () => {
    const violations = await cruise(planted, ['lambdas', 'local', 'cli', 'lib', 'packages/events/src']);
    const found = new Map<string, Set<string>>();
    for (const v of violations) {
      const files = found.get(v.rule.name) ?? new Set<string>();
      files.add(v.from);
      found.set(v.rule.name, files);
    }
    for (const [rule, files] of Object.entries(PLANTED)) {
      for (const { file } of files) expect([...(found.get(rule) ?? [])], rule).toContain(file);
    }
    // The harmless files break no rule (the loop's other half aside), the construct's imports included.
    const harmless = violations.filter((v) => v.from in HARMLESS && v.rule.name !== 'no-circular');
    expect(harmless.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    // Nothing else is refused: the harmless files and the rules' other sides stay quiet.
    expect([...found.keys()].sort()).toEqual(Object.keys(PLANTED).sort());
  }, 60_000);
});
