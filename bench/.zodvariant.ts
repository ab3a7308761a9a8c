import { readFileSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

const banner = "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);";
const opts = {
  bundle: true,
  platform: 'node' as const,
  target: 'node24',
  format: 'esm' as const,
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  banner: { js: banner },
};
const zodNs: Plugin = {
  name: 'zod-ns',
  setup(b) {
    b.onLoad({ filter: /\/lambdas\/.*\.ts$/ }, (args) => ({
      loader: 'ts',
      contents: readFileSync(args.path, 'utf8')
        .replace(/import \{ z \} from 'zod';/g, "import * as z from 'zod';")
        .replace(/import \{ type z, z \} from 'zod';/g, "import * as z from 'zod';"),
    }));
  },
};
await build({
  ...opts,
  entryPoints: ['lambdas/ingest/handler.ts'],
  outfile: '/tmp/variants/zodns/index.mjs',
  plugins: [zodNs],
});
await build({
  ...opts,
  entryPoints: ['lambdas/ingest/handler.ts'],
  outfile: '/tmp/variants/zodns-nojwt/index.mjs',
  plugins: [zodNs],
  alias: { 'fast-jwt': '/tmp/stub/fast-jwt.mjs' },
});
await build({ ...opts, entryPoints: ['lambdas/ingest/handler.ts'], outfile: '/tmp/variants/full/index.mjs' });
await build({
  ...opts,
  entryPoints: ['lambdas/ingest/handler.ts'],
  outfile: '/tmp/variants/nojwt/index.mjs',
  alias: { 'fast-jwt': '/tmp/stub/fast-jwt.mjs' },
});
await build({ ...opts, entryPoints: ['bench/baseline-handler.ts'], outfile: '/tmp/variants/base/index.mjs' });
