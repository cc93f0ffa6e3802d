// `npm test`: unit + integration (vitest), then the browser e2e suite (Playwright + Debian Chromium
// through the loopback IPC transport), then the Electron suite (skips where no Electron binary).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const steps = [];

function step(name, command, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  const ok = result.status === 0;
  steps.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  return ok;
}

step('unit and integration tests (vitest)', bin('vitest'), ['run']);
if (existsSync(join(root, 'e2e', 'playwright.config.ts'))) {
  step('browser end-to-end tests (Playwright + Chromium, loopback IPC)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts']);
}
if (existsSync(join(root, 'e2e', 'electron', 'run.mjs'))) {
  step('Electron end-to-end tests', process.execPath, [join(root, 'e2e', 'electron', 'run.mjs')]);
}

console.log('\n=== summary ===');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name}  (${s.seconds}s)`);
const failed = steps.filter((s) => !s.ok).length;
process.exit(failed ? 1 : 0);
