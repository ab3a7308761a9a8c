import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateMeasurements, measureTemplate } from '../../lib/preflight/quota-preflight.js';
import { PREFLIGHT_TARGET } from '../../lib/preflight/resolve-template.js';
import {
  arnOf,
  decide,
  deployedFunctionList,
  readRecording,
  sessionOf,
} from '../infra/iam/role-simulation.js';

// What a platform team does (issue 21): pack the package, install the tarball in a new CDK app with
// only aws-cdk-lib and constructs beside it, use the construct in a stack of its own and inside a
// Stage, synthesize offline, and run the CLI from the installed package: `npx webhook-pipeline dev`,
// then a fired webhook becomes an event. `npm run test:package` (in .ci/run); it installs from the
// registry, so it is not part of `npm test`.

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const PACKAGE_REPORT = join(ROOT, 'reports', 'package.json');
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

let work: string;
let app: string;
const tarballs: Record<string, string> = {};

const npm = (args: string[], cwd: string) =>
  run('npm', args, { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, npm_config_fund: 'false' } });

/** Bytes of a folder, every file counted once. */
const sizeOf = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
};

/** The app a platform team writes: the construct twice in one stack of its own, once more in a Stage. */
const APP = `import { App, Stack, Stage, Tags } from 'aws-cdk-lib';
import { ManagedPolicy, PermissionsBoundary } from 'aws-cdk-lib/aws-iam';
import { WebhookPipeline } from 'webhook-pipeline/cdk';

const app = new App({ outdir: process.env.OUT });
const platform = new Stack(app, 'Platform');
new WebhookPipeline(platform, 'Webhooks', { production: false });
new WebhookPipeline(platform, 'PartnerWebhooks', { production: false });
const prod = new Stage(app, 'Prod');
const prodStack = new Stack(prod, 'Webhooks');
new WebhookPipeline(prodStack, 'Webhooks', { production: true, alarmEmail: 'ops@example.com' });
// The user's own aspects: a permissions boundary on every role, tags on everything (aspects stop at
// a Stage, so the Stage gets them too).
for (const [scope, holder] of [[app, platform], [prod, prodStack]]) {
  PermissionsBoundary.of(scope).apply(
    ManagedPolicy.fromManagedPolicyArn(holder, 'Boundary', 'arn:aws:iam::123456789012:policy/boundary'),
  );
  Tags.of(scope).add('team', 'platform');
}
if (process.env.NAG === '1') {
  const { Validations } = await import('aws-cdk-lib');
  const { AwsSolutionsChecks } = await import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
app.synth();
`;

const synth = async (out: string, nag = false) => {
  const { stdout, stderr } = await run(process.execPath, ['app.mjs'], {
    cwd: app,
    env: { ...process.env, OUT: out, NAG: nag ? '1' : '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { stdout, stderr };
};

const templatesOf = (out: string): Map<string, Record<string, unknown>> => {
  const templates = new Map<string, Record<string, unknown>>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.template.json'))
        templates.set(name.replace('.template.json', ''), JSON.parse(readFileSync(path, 'utf8')));
    }
  };
  walk(out);
  return templates;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'webhook-pipeline-package-'));
  for (const [name, dir] of [
    ['events', join(ROOT, 'packages', 'events')],
    ['main', ROOT],
  ] as const) {
    const { stdout } = await npm(['pack', '--json', '--pack-destination', work], dir);
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    tarballs[name] = join(work, packed?.filename ?? '');
  }
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'user-app', private: true, type: 'module' }),
  );
  writeFileSync(join(app, 'app.mjs'), APP);
  await npm(
    [
      'install',
      '--no-audit',
      '--prefer-offline',
      `aws-cdk-lib@${versionOf('aws-cdk-lib')}`,
      `constructs@${versionOf('constructs')}`,
      tarballs.events as string,
      tarballs.main as string,
    ],
    app,
  );
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('webhook-pipeline installed in a user app', () => {
  it('installs only what a user needs, and says how much', async () => {
    const { stdout } = await npm(['ls', '--all', '--json', '--long'], app);
    const tree = JSON.parse(stdout) as { dependencies: Record<string, Dependency> };
    interface Dependency {
      readonly path?: string;
      readonly dependencies?: Record<string, Dependency>;
    }
    // Every package the tarball brings, aws-cdk-lib and constructs (the user's own) aside.
    const brought = new Map<string, string>();
    const walk = (deps: Record<string, Dependency> | undefined) => {
      for (const [name, dep] of Object.entries(deps ?? {})) {
        if (name === 'aws-cdk-lib' || name === 'constructs' || !dep.path || brought.has(dep.path)) continue;
        brought.set(dep.path, name);
        walk(dep.dependencies);
      }
    };
    walk(tree.dependencies['webhook-pipeline']?.dependencies);
    const names = new Set(brought.values());
    const installedBytes = [...brought.keys()].reduce((sum, path) => sum + sizeOf(path), 0);
    const figures = {
      tarballBytes: statSync(tarballs.main as string).size,
      eventsTarballBytes: statSync(tarballs.events as string).size,
      packages: names.size,
      installedBytes: installedBytes + sizeOf(join(app, 'node_modules', 'webhook-pipeline')),
    };
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    writeFileSync(PACKAGE_REPORT, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`package: ${JSON.stringify(figures)}`);
    // The README states these figures: each within a tenth of the measured one (dependencies move).
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const stated = /\*\*([\d.]+) MB\*\* tarball that installs\s+\*\*(\d+) packages, (\d+) MB\*\*/.exec(
      readme,
    );
    expect(stated, 'the README states the tarball, package count and installed size').not.toBeNull();
    const near = (said: number, measured: number) => Math.abs(said - measured) / measured <= 0.1;
    expect(near(Number(stated?.[1]), figures.tarballBytes / 1e6), 'tarball MB').toBe(true);
    expect(near(Number(stated?.[2]), figures.packages), 'packages').toBe(true);
    expect(near(Number(stated?.[3]), figures.installedBytes / 1e6), 'installed MB').toBe(true);
    // Nothing only our build, tests or benchmarks use.
    for (const devOnly of [
      'esbuild',
      'tsx',
      'typescript',
      'vitest',
      'fast-check',
      'cdk-nag',
      '@biomejs/biome',
    ])
      expect(names.has(devOnly), devOnly).toBe(false);
    expect(Object.keys(rootPackage.devDependencies)).toContain('esbuild');
    // One aws-cdk-lib: the user's.
    const cdk = (await npm(['ls', 'aws-cdk-lib', '--all', '--parseable'], app)).stdout.trim().split('\n');
    expect(new Set(cdk.map((p) => p.replace(/.*node_modules\//, ''))).size).toBe(1);
  });

  it("synthesizes offline, a stack of the user's and a Stage, with the same asset hashes from any folder", async () => {
    const first = join(work, 'out-1');
    const second = join(work, 'out-2');
    await synth(first);
    // The same app from another folder: the function assets are the package's files, hashed alike.
    cpSync(app, join(work, 'app-moved'), { recursive: true, verbatimSymlinks: true });
    const moved = join(work, 'app-moved');
    await run(process.execPath, ['app.mjs'], { cwd: moved, env: { ...process.env, OUT: second } });
    const assets = (out: string) =>
      readdirSync(out)
        .filter((n) => n.startsWith('asset.'))
        .sort();
    expect(assets(first).length).toBeGreaterThanOrEqual(2);
    expect(assets(second)).toEqual(assets(first));
    const templates = templatesOf(first);
    const names = [...templates.keys()].sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('Platform');
    expect(names[1]).toMatch(/^ProdWebhooks/);
    // Two complete pipelines in the user's stack, one in the Stage, each with names of its own.
    const all = [...templates.values()].flatMap((t) =>
      Object.values(t.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>),
    );
    const busNames = all.filter((r) => r.Type === 'AWS::Events::EventBus').map((r) => r.Properties.Name);
    expect(busNames).toHaveLength(3);
    expect(new Set(busNames).size).toBe(3);
    expect(all.filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(6);
    expect(all.filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(3);
    expect(all.filter((r) => r.Type === 'AWS::ApiGatewayV2::Api')).toHaveLength(3);
    // The permissions boundary the user's aspect set reached every role.
    for (const role of all.filter((r) => r.Type === 'AWS::IAM::Role'))
      expect(role.Properties.PermissionsBoundary, JSON.stringify(role).slice(0, 300)).toBe(
        'arn:aws:iam::123456789012:policy/boundary',
      );
  }, 180_000);

  it('is cdk-nag clean in the user app, holds the quota preflight, and every recorded function call is allowed on its own pipeline only', async () => {
    // cdk-nag is not the user's dependency: the check puts the project's copy beside the app.
    cpSync(join(ROOT, 'node_modules', 'cdk-nag'), join(app, 'node_modules', 'cdk-nag'), { recursive: true });
    const out = join(work, 'out-nag');
    const result = await synth(out, true).then(
      (r) => ({ ok: true, ...r }),
      (e: { stdout: string; stderr: string }) => ({ ok: false, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.ok, result.stderr).toBe(true);
    const recording = readRecording(join(ROOT, 'reports', 'iam-calls.json'));
    for (const [stackName, template] of templatesOf(out)) {
      const target = { ...PREFLIGHT_TARGET, stackName };
      const findings = evaluateMeasurements(measureTemplate(template, target));
      expect(findings.filter((f) => f.level === 'fail')).toEqual([]);
      // The IAM simulation: each function's recorded calls on its own pipeline's resources.
      const functions = deployedFunctionList(template, target);
      expect(functions.length).toBeGreaterThanOrEqual(2);
      for (const fn of functions) {
        for (const recorded of recording.functions[fn.service]?.actions ?? []) {
          const call = {
            action: recorded.action,
            arn: arnOf(recorded.resource, fn, target),
            origin: 'recorded',
          };
          expect(
            await decide(call, fn.policies, sessionOf(fn, target.account), target.account),
            call.arn,
          ).toBe('Allowed');
        }
      }
    }
  }, 180_000);

  it('runs the CLI from the installed package: dev, fire and send become events; events, replay, requeue, redrive-dlq run; register and reconcile answer', async () => {
    const port = 3900 + Math.floor(Math.random() * 90);
    let dev: ChildProcess | undefined;
    try {
      dev = spawn('npx', ['webhook-pipeline', 'dev', '--port', String(port)], {
        cwd: app,
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      dev.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      dev.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 120 && !output.includes('local pipeline running'); i += 1)
        await new Promise((r) => setTimeout(r, 250));
      expect(output).toContain('local pipeline running');
      const fired = await run(
        'npx',
        ['webhook-pipeline', 'fire', 'plaid', 'TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE'],
        {
          cwd: app,
          env: { ...process.env, PORT: String(port) },
        },
      );
      const webhookId = /"webhookId":"([^"]+)"/.exec(fired.stdout)?.[1];
      expect(webhookId).toBeDefined();
      const log = join(app, '.local', 'events.ndjson');
      let found = false;
      for (let i = 0; i < 80 && !found; i += 1) {
        found = existsSync(log) && readFileSync(log, 'utf8').includes(webhookId as string);
        if (!found) await new Promise((r) => setTimeout(r, 250));
      }
      expect(found).toBe(true);
      // The operations commands run from the installed package against the same local pipeline.
      const cli = (args: string[]) =>
        run('npx', ['webhook-pipeline', ...args], { cwd: app, env: { ...process.env, PORT: String(port) } });
      writeFileSync(
        join(app, 'captured.json'),
        '{"event":"items.removed","name":"n","data":{"item":"item_9"}}',
      );
      expect((await cli(['send', 'argyle', '--file', 'captured.json'])).stdout).toContain(
        '"status":"accepted"',
      );
      expect((await cli(['events', 'tail', '--json'])).stdout).toContain(webhookId as string);
      const reports = join(app, 'reports');
      for (const args of [
        ['replay', '--local', '--from', '1h', '--dry-run', '--report', join(reports, 'replay.json')],
        ['requeue', '--local', '--dry-run', '--report', join(reports, 'requeue.json')],
        ['redrive-dlq', '--local', '--dry-run', '--report', join(reports, 'redrive.json')],
      ])
        await expect(cli(args), args.join(' ')).resolves.toMatchObject({ stdout: expect.any(String) });
      for (const [command, usage] of [
        [['register', 'plaid'], 'webhook-pipeline register plaid'],
        [['register', 'argyle'], 'webhook-pipeline register argyle'],
        [['reconcile', 'plaid'], 'webhook-pipeline reconcile plaid'],
        [['unregister', 'argyle'], 'webhook-pipeline unregister'],
      ] as const)
        expect((await cli([...command, '--help'])).stdout).toContain(usage);
    } finally {
      if (dev?.pid) process.kill(-dev.pid, 'SIGINT');
    }
  }, 120_000);
});
