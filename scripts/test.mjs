// `npm test`: unit + integration (vitest), then the browser e2e suite (Playwright + Debian Chromium
// through the loopback IPC transport), then the Electron suite (skips where no Electron binary).
// On a fresh machine it first installs the Debian packages the suites need (Chromium; Xvfb when an
// Electron binary is there without a display) when it can, and says so; when it cannot, it runs what
// it can and fails with the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../e2e/electron/electron-binary.mjs';
import { ensureSystemPackages } from './system-deps.mjs';

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

if (!existsSync(bin('vitest'))) {
  console.error('node_modules is missing or incomplete: run npm install (or npm ci) first, then npm test.');
  process.exit(1);
}

console.log('=== system packages ===');
const system = ensureSystemPackages({ electronInstalled: electronBinary() !== null });
if (system.ok && system.installed.length === 0) console.log('Chromium is installed; nothing to install.');
if (!system.ok) {
  console.error(system.message);
  steps.push({ name: 'system packages (see the command above and at the end)', ok: false, seconds: '0.0' });
}

step('unit and integration tests (vitest)', bin('vitest'), ['run']);
if (existsSync(join(root, 'e2e', 'playwright.config.ts'))) {
  if (system.ok) step('browser end-to-end tests (Playwright + Chromium, loopback IPC)', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts']);
  else steps.push({ name: 'browser end-to-end tests: not run, Chromium is missing', ok: false, seconds: '0.0' });
}
if (existsSync(join(root, 'e2e', 'electron', 'run.mjs'))) {
  step('Electron end-to-end tests', process.execPath, [join(root, 'e2e', 'electron', 'run.mjs')]);
}

console.log('\n=== summary ===');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name}  (${s.seconds}s)`);
if (!system.ok) console.error(`\n${system.message}`);
const failed = steps.filter((s) => !s.ok).length;
process.exit(failed ? 1 : 0);
