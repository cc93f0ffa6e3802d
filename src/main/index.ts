import { app, safeStorage } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAppContext, WINDOW_BUSY_TIMEOUT_MS, type AppContext } from './app/context';
import { scheduleRetention } from './privacy/service';
import { SafeStorageSecretStore } from './secrets/electron-store';
import { createHandlers } from './app/handlers';
import { stopWorkAndClose } from './app/shutdown';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { electronDialogs } from './dialogs-electron';
import { allowOrigins, bindContract } from './ipc/bind';
import { electronServerTransport, forwardPushTo } from './ipc/electron-transport';
import { appOrigin, createWindow, hardenContents, hardenSession, openExternalSafely, rendererDir } from './window';
import { startDiagnosticsPolling } from './google/diagnostics';
import { sendServiceForContext } from './send/handlers';

/**
 * better-sqlite3 compiled for Electron's ABI lives apart from the Node build used by tests and the
 * CLI (scripts/start.mjs rebuilds it into .electron-native/). Packaged apps use the default location.
 */
function electronNativeBinding(): string | undefined {
  const candidate = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

let ctx: AppContext | undefined;

function start(): void {
  app.enableSandbox();
  registerAppScheme();

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));

  app.whenReady().then(() => {
    hardenSession();
    if (!process.env.ELECTRON_RENDERER_URL) serveRenderer(rendererDir());
    const userData = app.getPath('userData');
    ctx = openAppContext({
      dbPath: join(userData, 'convdesk.db'),
      dataDir: userData,
      transport: 'electron',
      nativeBinding: electronNativeBinding(),
      dialogs: electronDialogs,
      fileSources: ['path'],
      busyTimeoutMs: WINDOW_BUSY_TIMEOUT_MS,
      // Tokens go to the OS keychain / DPAPI / libsecret through safeStorage, never to SQLite.
      secrets: new SafeStorageSecretStore(safeStorage, join(userData, 'secrets.enc.json')),
      openExternal: openExternalSafely,
    });
    // Google's processing results for sent requests arrive ~30 minutes later: checked in the background.
    startDiagnosticsPolling(sendServiceForContext(ctx).googleDiagnostics);
    bindContract(electronServerTransport, createHandlers(ctx), allowOrigins([appOrigin()]));
    scheduleRetention(ctx.db, () => ctx?.push.emit('events:changed', { reason: 'retention' }));
    const window = createWindow();
    forwardPushTo(ctx.push, window.webContents);
    app.on('second-instance', () => {
      if (window.isMinimized()) window.restore();
      window.focus();
    });
  });

  app.on('window-all-closed', () => app.quit());

  // Every way out (last window closed, Cmd+Q, app.quit()) passes here: running imports, exports and
  // bulk jobs are cancelled (their transactions roll back) and the database is closed before exit.
  app.on('will-quit', (event) => {
    const current = ctx;
    if (!current) return;
    ctx = undefined;
    event.preventDefault();
    void stopWorkAndClose(current)
      .catch(() => undefined)
      .finally(() => app.quit());
  });
}

// Tests (and users with several profiles) can point the app at another user-data folder.
if (process.env.CONVDESK_USER_DATA) app.setPath('userData', process.env.CONVDESK_USER_DATA);

// A second instance hands over to the first (its 'second-instance' focuses the window) and does
// nothing else: it never opens the database.
if (app.requestSingleInstanceLock()) start();
else app.quit();
