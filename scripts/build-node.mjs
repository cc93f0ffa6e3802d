// Bundles the Node-side entry points (CLI, workers, e2e harness) with esbuild into out/node/*.cjs.
// Electron's own build (electron-vite) is separate; this one serves `convdesk`, tests and benchmarks.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  cli: 'src/main/cli/index.ts',
  'import-worker': 'src/main/imports/worker.ts',
  'jobs-worker': 'src/main/jobs/worker.ts',
  'export-worker': 'src/main/exports/worker.ts',
  'send-worker': 'src/main/send/worker.ts',
  'fake-meta': 'test/fakes/meta-main.ts',
  'fake-google': 'test/fakes/google-main.ts',
  harness: 'e2e/harness/server.ts',
};
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(join(root, file))).map(([name, file]) => [name, join(root, file)]),
);
await build({
  entryPoints,
  outdir: join(root, 'out/node'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['better-sqlite3', 'electron'],
  logLevel: 'warning',
});
// The browser half of the e2e harness's loopback transport (window.api over fetch + EventSource).
const harnessClient = join(root, 'e2e/harness/client-transport.ts');
if (existsSync(harnessClient)) {
  await build({
    entryPoints: [harnessClient],
    outfile: join(root, 'out/node/harness-client.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'warning',
  });
}
