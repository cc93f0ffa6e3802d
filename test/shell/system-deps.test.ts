import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs script without types
import { ensureSystemPackages } from '../../scripts/system-deps.mjs';

// `npm test` on a fresh Debian machine: the install logic runs against a fake PATH (apt-get and sudo
// are scripts that log their arguments) and a fake root, so nothing is installed for real here.
type Outcome = { ok: boolean; installed: string[]; message?: string };
let dir: string;
let bin: string;
let fakeRoot: string;
let lines: string[];
const calls = () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);
const exists = (path: string) => existsSync(join(fakeRoot, path));

function script(name: string, body: string): void {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\nPATH=${bin}:/usr/bin:/bin\necho "${name} $*" >> "${join(dir, 'calls.log')}"\n${body}\n`);
  chmodSync(file, 0o755);
}

/** apt-get that "installs" chromium and xvfb into the fake root. */
function fakeAptGet(): void {
  script(
    'apt-get',
    `if [ "$1" = install ]; then
  for p in "$@"; do
    case "$p" in
      chromium) mkdir -p "${fakeRoot}/usr/bin" && touch "${fakeRoot}/usr/bin/chromium" ;;
      fonts-dejavu-core) mkdir -p "${fakeRoot}/usr/share/fonts/truetype/dejavu" ;;
      xvfb) printf '#!/bin/sh\\n' > "${bin}/xvfb-run" && chmod +x "${bin}/xvfb-run" ;;
    esac
  done
fi
exit 0`,
  );
}

function ensure(options: { uid: number; env?: Record<string, string>; electronInstalled?: boolean }): Outcome {
  return ensureSystemPackages({ env: { PATH: bin, ...options.env }, uid: options.uid, electronInstalled: options.electronInstalled ?? false, platform: 'linux', exists, log: (line: string) => lines.push(line) });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shell-system-deps-'));
  bin = join(dir, 'bin');
  fakeRoot = join(dir, 'root');
  mkdirSync(bin);
  mkdirSync(fakeRoot);
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm test installs the Debian packages it needs when it can', () => {
  it('as root: installs chromium (and a font), saying what and why', () => {
    fakeAptGet();
    const outcome = ensure({ uid: 0 });
    expect(outcome).toEqual({ ok: true, installed: ['chromium', 'fonts-dejavu-core'] });
    expect(calls()).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core']);
    expect(lines[0]).toMatch(/^Installing chromium, fonts-dejavu-core from Debian for npm test: Chromium for the browser e2e suite/);
    expect(lines).toContain('Installed chromium, fonts-dejavu-core.');
  });

  it('with passwordless sudo: installs through sudo -n', () => {
    fakeAptGet();
    script('sudo', '[ "$1" = -n ] && shift\nexec "$@"');
    expect(ensure({ uid: 1000 })).toMatchObject({ ok: true, installed: ['chromium', 'fonts-dejavu-core'] });
    expect(calls()).toEqual([
      'sudo -n true',
      'sudo -n apt-get update -qq',
      'apt-get update -qq',
      'sudo -n apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core',
      'apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core',
    ]);
  });

  it('without root or passwordless sudo: installs nothing and gives the exact command', () => {
    fakeAptGet();
    script('sudo', 'exit 1');
    const outcome = ensure({ uid: 1000 });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('sudo apt-get update && sudo apt-get install -y chromium fonts-dejavu-core');
    expect(calls()).toEqual(['sudo -n true']);
  });

  it('without sudo at all: the same exact command, nothing run', () => {
    fakeAptGet();
    const outcome = ensure({ uid: 1000 });
    expect(outcome.message).toContain('sudo apt-get install -y chromium');
    expect(calls()).toEqual([]);
  });

  it('when apt-get fails: says so with the command', () => {
    script('apt-get', 'exit 100');
    const outcome = ensure({ uid: 0 });
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('apt-get exit 100') });
    expect(outcome.message).toContain('apt-get install -y chromium');
  });

  it('does nothing when Chromium is there', () => {
    fakeAptGet();
    mkdirSync(join(fakeRoot, 'usr/bin'), { recursive: true });
    writeFileSync(join(fakeRoot, 'usr/bin/chromium'), '');
    expect(ensure({ uid: 0 })).toEqual({ ok: true, installed: [] });
    expect(calls()).toEqual([]);
  });

  it('adds xvfb only when an Electron binary is installed and there is no display', () => {
    fakeAptGet();
    mkdirSync(join(fakeRoot, 'usr/bin'), { recursive: true });
    writeFileSync(join(fakeRoot, 'usr/bin/chromium'), '');
    expect(ensure({ uid: 0, electronInstalled: true, env: { DISPLAY: ':0' } })).toEqual({ ok: true, installed: [] });
    expect(ensure({ uid: 0, electronInstalled: true })).toEqual({ ok: true, installed: ['xvfb'] });
    expect(calls()).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends xvfb']);
  });

  it('respects CHROMIUM_PATH and does not install over it', () => {
    fakeAptGet();
    const outcome = ensure({ uid: 0, env: { CHROMIUM_PATH: '/opt/my/chromium' } });
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('CHROMIUM_PATH is set to /opt/my/chromium') });
    expect(calls()).toEqual([]);
  });

  it('on a system without apt-get: says to install Chromium and set CHROMIUM_PATH', () => {
    expect(ensure({ uid: 0 })).toMatchObject({ ok: false, message: expect.stringContaining('set CHROMIUM_PATH') });
  });
});
