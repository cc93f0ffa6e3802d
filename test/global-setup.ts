import { execFileSync } from 'node:child_process';

/** Workers and the CLI run as bundled scripts, so tests exercise what ships. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
}
