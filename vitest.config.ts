import { defineConfig } from 'vitest/config';

// Three projects so `npm test` can run (and report) each layer on its own.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['packages/*/test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts', 'bench/test/**/*.test.ts', 'packages/server/test/reliability/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      { test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
