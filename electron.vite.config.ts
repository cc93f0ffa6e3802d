import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

/** Main-process entry points: the app, plus the worker_threads scripts that exist. */
function mainEntries(): Record<string, string> {
  const entries: Record<string, string> = { index: resolve(__dirname, 'src/main/index.ts') };
  const workers = { 'import-worker': 'src/main/imports/worker.ts', 'jobs-worker': 'src/main/jobs/worker.ts', 'export-worker': 'src/main/exports/worker.ts', 'send-worker': 'src/main/send/worker.ts' };
  for (const [name, file] of Object.entries(workers)) {
    if (existsSync(resolve(__dirname, file))) entries[name] = resolve(__dirname, file);
  }
  return entries;
}

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: mainEntries(),
      },
    },
  },
  preload: {
    // A sandboxed preload can require only 'electron': everything else (zod, shared code) is bundled.
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') }, output: { format: 'cjs' } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
  },
});
