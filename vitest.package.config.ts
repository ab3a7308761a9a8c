import { defineConfig } from 'vitest/config';

// `npm run test:package`: the package as a user installs it (test/package). It packs, installs from
// the registry and synthesizes, so it runs on its own, not in `npm test`.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
