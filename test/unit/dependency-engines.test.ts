import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string };
}
type Locked = Readonly<Record<string, LockedPackage>>;

const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
};
const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Locked };

/** The packages whose `engines.node` the oldest Node that `range` admits does not satisfy. */
const refusing = (range: string, packages: Locked): string[] => {
  const oldest = semver.minVersion(range);
  if (!oldest) throw new Error(`"${range}" admits no version`);
  return Object.entries(packages).flatMap(([path, locked]) => {
    const theirs = locked.engines?.node;
    return path && theirs && !semver.satisfies(oldest, theirs)
      ? [`${path}@${locked.version} wants node ${theirs}`]
      : [];
  });
};

/** The packages an install of the published package brings (not the development tools). */
const runtime = (packages: Locked): Locked =>
  Object.fromEntries(Object.entries(packages).filter(([, p]) => !p.dev));

// npm install warns EBADENGINE for a package that wants a newer Node than the one running, and such a
// package may not load at all on the oldest Node we promise: cookie 2 (under fauxqs, through fastify's
// light-my-request) wants Node 22 and is ESM only, which Node 20 can require only from 20.19. The
// override in package.json keeps light-my-request on cookie 1.1, which has the same stringifySetCookie.
describe('the engines we promise', () => {
  it(`every package the published package installs runs on the oldest Node of engines (${pkg.engines.node})`, () => {
    expect(refusing(pkg.engines.node, runtime(lock.packages))).toEqual([]);
  });

  it(`every package of the development setup runs on the oldest Node of devEngines (${pkg.devEngines.runtime.version})`, () => {
    expect(pkg.devEngines.runtime.name).toBe('node');
    expect(refusing(pkg.devEngines.runtime.version, lock.packages)).toEqual([]);
  });

  it('a package that wants Node 22 is named', () => {
    const planted = { 'node_modules/cookie': { version: '2.0.2', engines: { node: '>=22' } } };
    expect(refusing(pkg.engines.node, runtime({ ...lock.packages, ...planted }))).toEqual([
      'node_modules/cookie@2.0.2 wants node >=22',
    ]);
  });
});
