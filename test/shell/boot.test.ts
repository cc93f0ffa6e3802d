import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP } from '../../src/main/csp';
import { CHANNEL_NAMES } from '../../src/shared/ipc/contract';
import { createFakeElectron, fakeEvent, FakeWebContents, type FakeElectron } from './fake-electron';

// Electron cannot run here, so the built main process (out/main/index.js, exactly what the app
// starts) is loaded in Node with a recording fake of the `electron` module. The assertions are the
// things only the shell decides; each one fails when the corresponding line of src/main is removed.
const root = join(__dirname, '..', '..');
const outMain = join(root, 'out', 'main');
const requireReal = createRequire(import.meta.url);
type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };

function bootMainProcess(fake: FakeElectron): void {
  for (const key of Object.keys(requireReal.cache)) if (key.startsWith(outMain + sep)) delete requireReal.cache[key];
  const original = moduleInternals._load;
  moduleInternals._load = function load(this: unknown, request, parent, isMain) {
    return request === 'electron' ? fake.module : original.call(this, request, parent, isMain);
  };
  try {
    requireReal(join(outMain, 'index.js'));
  } finally {
    moduleInternals._load = original;
  }
}

const SECURE_WEB_PREFERENCES = {
  preload: join(outMain, '..', 'preload', 'index.js'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
};

const scratch = mkdtempSync(join(tmpdir(), 'shell-boot-test-'));

beforeAll(() => {
  execFileSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));

describe('the Electron main process, booted with a fake electron', () => {
  let fake: FakeElectron;
  let userData: string;

  beforeAll(async () => {
    userData = join(scratch, 'first');
    fake = createFakeElectron({ userData, appPath: scratch });
    bootMainProcess(fake);
    await fake.ready();
  });

  it('takes the single-instance lock, enables the sandbox and registers its scheme before ready', () => {
    const before = fake.log.slice(0, fake.log.indexOf('ready'));
    expect(before).toEqual(expect.arrayContaining(['app.requestSingleInstanceLock', 'app.enableSandbox', 'protocol.registerSchemesAsPrivileged']));
    expect(fake.log).not.toContain('app.quit');
  });

  it('opens exactly one window with exactly the secure webPreferences', () => {
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.options.webPreferences).toEqual(SECURE_WEB_PREFERENCES);
  });

  it('points at a preload that exists and requires nothing but electron', () => {
    const preload = readFileSync(SECURE_WEB_PREFERENCES.preload, 'utf8');
    const required = new Set([...preload.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s|\bimport\(/m);
  });

  it('registers every channel of the contract exactly once, and nothing else', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThan(0);
    expect([...fake.ipcHandleCalls].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(new Set(fake.ipcHandleCalls).size).toBe(fake.ipcHandleCalls.length);
  });

  it('answers only the app page: not another file, another app:// host, a dead frame or an iframe', async () => {
    expect(await fake.invoke('app:info', {}, 'app://bundle/index.html#/review')).toMatchObject({ ok: true });
    for (const url of ['file://' + join(outMain, '..', 'renderer', 'index.html'), 'app://evil/index.html', 'https://bundle/index.html']) {
      expect(await fake.invoke('app:info', {}, url), url).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const listener = fake.ipcHandlers.get('app:info')!;
    expect(await listener({ senderFrame: null }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const iframe = { url: 'app://bundle/index.html', parent: {} } as unknown as { url: string; parent: null };
    expect(await listener({ senderFrame: iframe }, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('denies every permission request and check', () => {
    const { permissionRequestHandler, permissionCheckHandler } = fake.session;
    expect(permissionRequestHandler).toBeTypeOf('function');
    expect(permissionCheckHandler).toBeTypeOf('function');
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fileSystem', 'openExternal']) {
      let granted: boolean | undefined;
      permissionRequestHandler!(fake.windows[0]!.webContents, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
      expect(permissionCheckHandler!(fake.windows[0]!.webContents, permission, 'app://bundle'), permission).toBe(false);
    }
  });

  it('denies navigation, redirects, webviews and new windows, in the window and in any new web contents', () => {
    const created = new FakeWebContents();
    fake.appEvents.emit('web-contents-created', fakeEvent(), created);
    for (const contents of [fake.windows[0]!.webContents, created]) {
      for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
        const attempt = fakeEvent();
        contents.emit(event, attempt, 'https://evil.example/');
        expect(attempt.defaultPrevented, event).toBe(true);
      }
      expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: 'https://support.google.com/google-ads/answer/7014069' })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: 'http://support.google.com/' })).toEqual({ action: 'deny' });
    }
    // Allowlisted https help pages open in the browser; nothing else does.
    expect(fake.openedExternally.every((url) => url.startsWith('https://support.google.com/'))).toBe(true);
  });

  it('serves the renderer from app://bundle with the CSP header, and nothing outside it', async () => {
    expect(fake.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app', beforeReady: true, privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(fake.windows[0]!.loadedUrl).toBe('app://bundle/index.html');
    const handler = fake.protocolHandlers.get('app');
    expect(handler).toBeTypeOf('function');
    const page = await handler!(new Request('app://bundle/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toContain('unsafe');
    expect(await page.text()).toContain('<div id="root">');
    const asset = readdirSync(join(outMain, '..', 'renderer', 'assets')).find((name) => name.endsWith('.js'))!;
    const script = await handler!(new Request(`app://bundle/assets/${asset}`));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const url of ['app://bundle/..%2f..%2fpackage.json', 'app://bundle/%2e%2e/%2e%2e/package.json', 'app://other/index.html', 'app://bundle/%E0%A4%A']) {
      expect((await handler!(new Request(url))).status, url).toBe(404);
    }
  });

  it('hands a second launch to the first window', () => {
    fake.appEvents.emit('second-instance', fakeEvent(), [], scratch);
    expect(fake.log).toContain('window.focus');
  });

  it('on quit, cancels the running import (nothing half-written) and closes the database before exiting', async () => {
    const csv = join(scratch, 'orders.csv');
    const rows = Array.from({ length: 60_000 }, (_, i) => `user${i}@example.com,2026-01-01T00:00:00Z,purchase,${i}`);
    writeFileSync(csv, `email,event_time,event_name,order_id\n${rows.join('\n')}\n`);
    const registered = (await fake.invoke('files:register', { path: csv })) as { ok: true; value: { id: string } };
    expect(registered).toMatchObject({ ok: true });
    const preview = (await fake.invoke('imports:preview', { file: { id: registered.value.id } })) as { ok: true; value: { suggestedMapping: unknown } };
    expect(preview).toMatchObject({ ok: true });
    const started = (await fake.invoke('imports:start', { file: { id: registered.value.id }, mapping: preview.value.suggestedMapping })) as {
      ok: true;
      value: { importId: string };
    };
    expect(started).toMatchObject({ ok: true });

    fake.quit();
    expect(fake.log.at(-1)).toBe('will-quit.prevented');
    await fake.exited;
    expect(fake.log.at(-1)).toBe('exit');

    // Closed cleanly, readers included: SQLite removes the WAL only when the last connection closes.
    expect(existsSync(join(userData, 'convdesk.db-wal'))).toBe(false);
    const db = new Database(join(userData, 'convdesk.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM imports WHERE id = ?').get(started.value.importId)).toEqual({ status: 'cancelled' });
      expect(db.prepare('SELECT count(*) AS n FROM conversion_events').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('a second instance of the app', () => {
  it('quits without opening a window, binding a channel or touching the database', async () => {
    const userData = join(scratch, 'second');
    const fake = createFakeElectron({ userData, appPath: scratch, singleInstanceLock: false });
    bootMainProcess(fake);
    await fake.ready();
    expect(fake.log).toContain('app.quit');
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipcHandleCalls).toHaveLength(0);
    expect(existsSync(join(userData, 'convdesk.db'))).toBe(false);
  });
});
