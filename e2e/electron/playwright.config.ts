import { defineConfig } from '@playwright/test';

/** The real app under Electron (run through e2e/electron/run.mjs, which skips when Electron is absent). */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
});
