import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentedCommands } from '../docs/markdown-commands.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
/** JSON that biome's formatter would rewrite: a file that is checked fails `biome check`. */
const UNFORMATTED = '{"a":1,   "b":[1,2]}';

/** The JSON files the docs' commands read or write in the folder they run in (`captured.json`, `@pattern.json`). */
const filesFromTheDocs = (): string[] => [
  ...new Set(
    documentedCommands(ROOT)
      .flatMap((c) => c.args)
      .map((w) => w.replace(/^@/, ''))
      .filter((w) => /^[\w.-]+\.json$/.test(w)),
  ),
];

/** The JSON files of the project root that git tracks (package-lock.json is biome's to skip). */
const trackedRootJson = (): string[] =>
  execFileSync('git', ['ls-files', '*.json'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.includes('/') && f !== 'package-lock.json');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `biome check` with the project's biome.json in a new git work tree holding `files`. */
const biomeCheck = (files: Readonly<Record<string, string>>) => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-lint-scope-'));
  dirs.push(dir);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const run = spawnSync(BIOME, ['check', '.'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

// Following the README leaves captured.json, pattern.json, event.json and rules.json in the project
// root; `npm test` lints the project and must not fail on them.
describe('what npm run lint checks', () => {
  it('not the JSON files a user creates in the project root by following the docs', () => {
    const created = filesFromTheDocs();
    expect(created).toEqual(
      expect.arrayContaining(['captured.json', 'pattern.json', 'event.json', 'rules.json']),
    );
    const run = biomeCheck(Object.fromEntries(created.map((f) => [f, UNFORMATTED])));
    expect(run.output).not.toMatch(/\.json (format|lint)/);
    expect(run.status, run.output).toBe(0);
  });

  it.each(trackedRootJson())('the project root JSON file %s, still', (name) => {
    // biome.json is the configuration itself: the same settings on one line.
    const content =
      name === 'biome.json'
        ? JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8')))
        : UNFORMATTED;
    const run = biomeCheck({ [name]: content });
    expect(run.status).toBe(1);
    expect(run.output).toContain(`${name} format`);
  });

  it('JSON files in folders, still', () => {
    const run = biomeCheck({ 'test/fixture.json': UNFORMATTED });
    expect(run.status).toBe(1);
    expect(run.output).toContain('test/fixture.json format');
  });
});
