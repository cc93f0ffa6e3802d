import { BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { APP_ENTRY_URL, APP_ORIGIN } from './app-protocol';
import { APP_CSP } from './csp';
import { GOOGLE_CONSENT_HOST } from './google/config';

/**
 * https hosts the app may open in the user's browser: help pages, and Google's consent page for
 * signing in (accounts.google.com); everything else is refused.
 */
const EXTERNAL_ALLOWLIST = new Set(['support.google.com', 'developers.google.com', 'developers.facebook.com', 'www.facebook.com', GOOGLE_CONSENT_HOST]);

export { APP_CSP };

/** Where the renderer is served from (dev server origin, or the app's own app://bundle scheme); IPC senders must match it. */
export function appOrigin(): string {
  return process.env.ELECTRON_RENDERER_URL ? new URL(process.env.ELECTRON_RENDERER_URL).origin : APP_ORIGIN;
}

/** The built renderer's folder, served on app://bundle/ (see app-protocol.ts). */
export function rendererDir(): string {
  return join(__dirname, '../renderer');
}

export function openExternalSafely(url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' && EXTERNAL_ALLOWLIST.has(parsed.hostname)) void shell.openExternal(parsed.toString());
  } catch {
    /* not a URL: ignore */
  }
}

/** No navigation, redirects, webviews or new windows for any web contents (allowlisted https links open in the browser). */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

/** Session-wide guards: deny every permission, add the CSP header to every http(s) response (the dev server; app:// answers carry their own). */
export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
}

/** The one window factory: isolated, sandboxed, no Node in the page, no navigation, no new windows. */
export function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 980,
    minHeight: 620,
    show: false,
    title: 'Conversion Desk',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(process.env.ELECTRON_RENDERER_URL ?? APP_ENTRY_URL);
  return window;
}
