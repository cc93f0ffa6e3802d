import { defineConfig } from 'vitest/config';

/** `npm run test:stress`: the kill test of exports and the import fuzz run (minutes, not in `npm test`). */
export default defineConfig({
  test: {
    include: ['test/**/*.stress.test.ts'],
    environment: 'node',
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: 'forks',
    // One file at a time: the machine has 2 cores, and the kill timings must not be skewed by the fuzz run.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
