import { defineConfig } from 'vitest/config';

// Test files live under test/, mirroring the source tree; type tests are *.test-d.ts.
export default defineConfig({
  // The workspace package resolves to its sources (tsconfig paths), as in the typecheck and bundles.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    // The package as a user installs it runs on its own (`npm run test:package`, in .ci/run).
    exclude: ['test/package/**', '**/node_modules/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    setupFiles: ['test/setup.ts'],
    // The worktree guard first: global teardowns run in reverse, so it checks after every other one.
    globalSetup: ['test/worktree-guard.ts', 'test/reliability/global-setup.ts'],
    // The JSON report lets CI print one plain closing line (see .ci/run).
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    // Most files wait on child processes and emulators, not the CPU: two at a time even on a
    // 2-core machine, where the default would be one.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
