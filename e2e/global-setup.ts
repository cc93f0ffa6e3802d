import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './chromium';

/** Builds what the harness serves (renderer + Node bundles) so the suite tests the current code. */
export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const root = join(__dirname, '..');
  if (process.env.E2E_SKIP_BUILD !== '1') {
    try {
      // Quiet unless it fails (rollup warns about zod's comment annotations on every build).
      execFileSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const failed = error as { stdout?: Buffer; stderr?: Buffer };
      process.stderr.write(failed.stdout ?? '');
      process.stderr.write(failed.stderr ?? '');
      throw new Error('electron-vite build failed; the e2e suite needs the built renderer');
    }
    execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: root, stdio: 'inherit' });
  }
}
