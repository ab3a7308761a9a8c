#!/usr/bin/env node
// The package's command. Installed, it runs the compiled CLI in dist/. In this repository it runs
// the TypeScript sources through tsx instead (with the project's tsconfig, whose paths map the
// workspace package to its sources), so an edit is seen at once and no stale build ever runs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The SDK warns once per process that Node 20 support ends in 2027; the functions run on nodejs24.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fromSources = existsSync(fileURLToPath(new URL('../cli/main.ts', import.meta.url)));
if (fromSources) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
}
const entry = (name) =>
  new URL(fromSources ? `../cli/${name}.ts` : `../dist/cli/${name}.js`, import.meta.url).href;
const { exitQuietlyOnBrokenPipe } = await import(entry('broken-pipe'));
exitQuietlyOnBrokenPipe();
const { main } = await import(entry('main'));
process.exitCode = await main(process.argv.slice(2));
