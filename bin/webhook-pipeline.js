#!/usr/bin/env node
// The package's command. The CLI and the local runtime are TypeScript; tsx loads them directly,
// so the same sources run in Lambda bundles, in tests and here without a build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The SDK warns once per process that Node 20 support ends in 2027; the functions run on nodejs24.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The project's tsconfig (its paths map the workspace package to its sources), whatever the cwd.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { exitQuietlyOnBrokenPipe } = await import('../cli/broken-pipe.ts');
exitQuietlyOnBrokenPipe();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
