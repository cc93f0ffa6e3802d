// What `npm test` needs from the operating system, installed on the spot when it can be.
// The browser e2e suite drives Debian's Chromium (never a downloaded browser); the Electron suite,
// where an Electron binary is installed, needs an X server (Xvfb) when there is no display.
// As root, or with passwordless sudo, the missing Debian packages are installed with apt-get (and
// said so); otherwise the exact command to run is returned for the caller to print.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Looks a command up on PATH (no shell). */
export function onPath(command, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return null;
}

/**
 * The Debian packages missing for this run, with why.
 * @param {{ env?: NodeJS.ProcessEnv, electronInstalled?: boolean, platform?: string, exists?: (path: string) => boolean }} options
 * @returns {{ packages: string[], reasons: string[], unfixable: string[] }}
 */
export function missingPackages({ env = process.env, electronInstalled = false, platform = process.platform, exists = existsSync } = {}) {
  const packages = [];
  const reasons = [];
  const unfixable = [];
  const chromium = env.CHROMIUM_PATH ?? DEBIAN_CHROMIUM;
  if (!exists(chromium)) {
    if (env.CHROMIUM_PATH) unfixable.push(`CHROMIUM_PATH is set to ${chromium}, which does not exist; fix it or unset it to use Debian's /usr/bin/chromium`);
    else {
      packages.push('chromium');
      reasons.push(`Chromium for the browser e2e suite (${DEBIAN_CHROMIUM} is missing)`);
      if (!exists('/usr/share/fonts/truetype/dejavu')) packages.push('fonts-dejavu-core');
    }
  }
  if (electronInstalled && platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY && !onPath('xvfb-run', env)) {
    packages.push('xvfb');
    reasons.push('Xvfb for the Electron suite (an Electron binary is installed and there is no display)');
  }
  return { packages, reasons, unfixable };
}

/** The command a person would type, for messages. */
export function installCommand(packages, asRoot) {
  return `${asRoot ? '' : 'sudo '}apt-get update && ${asRoot ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}

/**
 * Installs the missing packages when it can (root, or `sudo -n` works) and says what it installs.
 * @param {{ env?: NodeJS.ProcessEnv, uid?: number, electronInstalled?: boolean, platform?: string, exists?: (path: string) => boolean, log?: (line: string) => void }} options
 * @returns {{ ok: boolean, installed: string[], message?: string }}
 */
export function ensureSystemPackages(options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  const uid = options.uid ?? (typeof process.getuid === 'function' ? process.getuid() : -1);
  const { packages, reasons, unfixable } = missingPackages({ ...options, env });
  if (unfixable.length) return { ok: false, installed: [], message: unfixable.join('\n') };
  if (packages.length === 0) return { ok: true, installed: [] };

  const asRoot = uid === 0;
  const command = installCommand(packages, asRoot);
  if (!onPath('apt-get', env)) {
    return { ok: false, installed: [], message: `npm test needs ${reasons.join('; ')}. This is not a Debian-like system (no apt-get): install Chromium and set CHROMIUM_PATH to it.` };
  }
  const run = (args) => {
    const [cmd, ...rest] = asRoot ? args : ['sudo', '-n', ...args];
    return spawnSync(cmd, rest, { stdio: 'inherit', env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  if (!asRoot) {
    const sudo = onPath('sudo', env) ? spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', env }) : null;
    if (!sudo || sudo.status !== 0) {
      return { ok: false, installed: [], message: `npm test needs ${reasons.join('; ')}, and cannot install it without root or passwordless sudo. Run:\n  ${command}\nthen npm test again.` };
    }
  }
  log(`Installing ${packages.join(', ')} from Debian for npm test: ${reasons.join('; ')}`);
  log(`  $ ${command}`);
  const update = run(['apt-get', 'update', '-qq']);
  const install = update.status === 0 ? run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]) : update;
  const still = missingPackages({ ...options, env });
  if (install.status !== 0 || still.packages.length) {
    return { ok: false, installed: [], message: `Installing ${packages.join(', ')} failed (apt-get exit ${install.status}). Run:\n  ${command}\nthen npm test again.` };
  }
  log(`Installed ${packages.join(', ')}.`);
  return { ok: true, installed: packages };
}
