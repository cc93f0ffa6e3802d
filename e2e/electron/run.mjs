// Runs the Electron e2e suite where the Electron runtime is installed; prints a clear skip line where
// it is not (these build machines cannot download it). Never fails for a missing binary.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = electronBinary();
if (!binary) {
  console.log('skipped: Electron binary not installed (node_modules/electron has no runtime; the browser e2e suite covers the renderer through the loopback transport)');
  process.exit(0);
}
const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// Electron needs a display; without one (CI, containers) it runs under a virtual X server.
const playwright = [join(root, 'node_modules', '.bin', 'playwright'), 'test', '-c', 'e2e/electron/playwright.config.ts'];
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const [command, ...args] = headless ? ['xvfb-run', '-a', ...playwright] : playwright;
const result = spawnSync(command, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CONVDESK_ELECTRON_BINARY: binary },
});
process.exit(result.status ?? 1);
