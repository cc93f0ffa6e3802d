import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Finds a folder by walking up from this file (works from src/, out/main/ and out/node/). */
export function findUp(name: string, from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Could not find ${name} above ${from}`);
    dir = parent;
  }
}

export function migrationsDir(): string {
  return findUp('migrations');
}

/**
 * Path of a bundled worker script. Electron's build puts `<name>.js` beside main; the Node build
 * (CLI, harness, tests) puts `<name>.cjs` in out/node.
 */
export function workerPath(name: 'import-worker' | 'jobs-worker' | 'export-worker' | 'send-worker'): string {
  for (const candidate of [join(__dirname, `${name}.cjs`), join(__dirname, `${name}.js`)]) {
    if (existsSync(candidate)) return candidate;
  }
  const built = join(dirname(findUp('package.json')), 'out', 'node', `${name}.cjs`);
  if (existsSync(built)) return built;
  throw new Error(`Worker ${name} is not built; run npm run build:node`);
}
