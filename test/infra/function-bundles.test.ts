import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

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
    expect(inputs).toContain('lambdas/providers/plaid/catalog.ts');
  });

  it('the ingest function carries both catalogues but builds neither at import, only on first use', () => {
    // Act
    const atImport = evaluatedAtImport(ingest, 'lambdas/ingest/handler.ts');
    // Assess
    expect(Object.keys(ingest.inputs)).toEqual(
      expect.arrayContaining(['lambdas/providers/plaid/catalog.ts', 'lambdas/providers/argyle/catalog.ts']),
    );
    expect([...atImport].filter((p) => /providers\/(plaid|argyle)\/(catalog|webhooks\/)/.test(p))).toEqual(
      [],
    );
    expect(atImport).toContain('lambdas/providers/plaid/verify-signature.ts');
  });
});
