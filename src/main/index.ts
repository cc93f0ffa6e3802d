import { app, BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeAppContext, openAppContext, WINDOW_BUSY_TIMEOUT_MS, type AppContext } from './app/context';
import { createHandlers } from './app/handlers';
import { electronDialogs } from './dialogs-electron';
import { jobServiceForContext } from './jobs/specs';
import { allowOrigins, bindContract } from './ipc/bind';
import { electronServerTransport, forwardPushTo } from './ipc/electron-transport';
import { appOrigin, createWindow, hardenSession } from './window';

/**
 * better-sqlite3 compiled for Electron's ABI lives apart from the Node build used by tests and the
 * CLI (scripts/start.mjs rebuilds it into .electron-native/). Packaged apps use the default location.
 */
function electronNativeBinding(): string | undefined {
  const candidate = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}

let ctx: AppContext | undefined;

// Tests (and users with several profiles) can point the app at another user-data folder.
if (process.env.CONVDESK_USER_DATA) app.setPath('userData', process.env.CONVDESK_USER_DATA);

if (!app.requestSingleInstanceLock()) app.quit();

app.enableSandbox();

app.whenReady().then(() => {
  hardenSession();
  const userData = app.getPath('userData');
  ctx = openAppContext({
    dbPath: join(userData, 'convdesk.db'),
    dataDir: userData,
    transport: 'electron',
    nativeBinding: electronNativeBinding(),
    dialogs: electronDialogs,
    fileSources: ['path'],
    busyTimeoutMs: WINDOW_BUSY_TIMEOUT_MS,
  });
  bindContract(electronServerTransport, createHandlers(ctx), allowOrigins([appOrigin()]));
  const window = createWindow();
  forwardPushTo(ctx.push, window.webContents);
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => {
  const current = ctx;
  ctx = undefined;
  if (!current) return app.quit();
  // A running bulk job is cancelled (its transaction rolls back) before the database closes.
  void jobServiceForContext(current)
    .shutdown()
    .catch(() => undefined)
    .finally(() => {
      void closeAppContext(current);
      app.quit();
    });
});

export { BrowserWindow };
