// `npm start`: builds the app and launches Electron.
// better-sqlite3 must be compiled for Electron's ABI, while tests and the CLI use the Node build in
// node_modules. So the Electron build goes to .electron-native/better_sqlite3.node (main passes it as
// better-sqlite3's `nativeBinding`), and node_modules is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const nativeDir = join(root, '.electron-native');

function fail(message) {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  return result.status === 0;
}

function electronBinary() {
  const electronPkg = join(root, 'node_modules', 'electron');
  const pathFile = join(electronPkg, 'path.txt');
  if (!existsSync(pathFile) || !existsSync(join(electronPkg, 'dist', readFileSync(pathFile, 'utf8')))) {
    console.log('Electron runtime not installed yet; downloading it (install-electron)…');
    if (!run(process.execPath, [join(electronPkg, 'install.js')])) {
      fail('the Electron runtime could not be downloaded (no access to its release server?). ' +
        'The CLI (npx convdesk) and the tests (npm test) work without it.');
    }
  }
  return join(electronPkg, 'dist', readFileSync(pathFile, 'utf8'));
}

async function rebuildSqliteForElectron(electronVersion) {
  const stamp = join(nativeDir, 'electron-version.txt');
  const target = join(nativeDir, 'better_sqlite3.node');
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) return;
  console.log(`Compiling better-sqlite3 for Electron ${electronVersion} (once; about a minute)…`);
  const work = join(nativeDir, 'build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(work, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (source) => !source.includes(`${join('better-sqlite3', 'build')}`),
  });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'electron-native', version: '0.0.0', dependencies: { 'better-sqlite3': '*' } }));
  const { rebuild } = require('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  copyFileSync(join(work, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), target);
  writeFileSync(stamp, electronVersion);
  rmSync(work, { recursive: true, force: true });
}

const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const binary = electronBinary();
try {
  await rebuildSqliteForElectron(electronVersion);
} catch (error) {
  fail(`could not compile better-sqlite3 for Electron: ${error.message}`);
}
if (!run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])) fail('the build failed');
const result = spawnSync(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 0);
