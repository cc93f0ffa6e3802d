import { EventEmitter } from 'node:events';

/**
 * A recording stand-in for the `electron` module, just enough for the main process to boot in Node:
 * it records what the shell asks for (lock, sandbox, schemes, windows, handlers) so the boot test can
 * assert it. Anything the main process touches that is not here fails loudly, naming the member.
 */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: { channel: string; payload: unknown }[] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return false;
  }
}

type IpcListener = (event: { senderFrame: { url: string; parent: null } | null }, input: unknown) => Promise<unknown>;

export interface FakeElectronOptions {
  userData: string;
  appPath: string;
  singleInstanceLock?: boolean;
}

export function createFakeElectron(options: FakeElectronOptions) {
  /** Every call the shell made, in order ("app.enableSandbox", "protocol.handle:app", …). */
  const log: string[] = [];
  let isReady = false;
  let resolveReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let resolveExit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => {
    resolveExit = resolve;
  });

  const appEvents = new EventEmitter();
  const windows: FakeBrowserWindow[] = [];
  const ipcHandlers = new Map<string, IpcListener>();
  const ipcHandleCalls: string[] = [];
  const privilegedSchemes: { scheme: string; privileges: Record<string, unknown>; beforeReady: boolean }[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const openedExternally: string[] = [];
  const session = {
    permissionRequestHandler: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void),
    permissionCheckHandler: null as null | ((contents: unknown, permission: string, origin: string, details?: unknown) => boolean),
    headersReceived: null as null | ((details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void),
  };

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    readonly options: Record<string, unknown>;
    constructor(windowOptions: Record<string, unknown>) {
      super();
      log.push('BrowserWindow.new');
      this.options = windowOptions;
      windows.push(this);
      appEvents.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    static getFocusedWindow(): FakeBrowserWindow | null {
      return windows[0] ?? null;
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    loadFile(file: string): Promise<void> {
      this.loadedUrl = `file-via-loadFile:${file}`;
      return Promise.resolve();
    }
    show(): void {}
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {
      log.push('window.focus');
    }
  }

  const app = {
    on(name: string, listener: (...args: unknown[]) => void) {
      appEvents.on(name, listener);
      return app;
    },
    once(name: string, listener: (...args: unknown[]) => void) {
      appEvents.once(name, listener);
      return app;
    },
    setPath(name: string, value: string) {
      log.push(`app.setPath:${name}`);
      if (name === 'userData') options.userData = value;
    },
    getPath(name: string): string {
      if (name === 'userData') return options.userData;
      throw new Error(`fake electron: app.getPath(${name}) is not faked`);
    },
    getAppPath: () => options.appPath,
    getVersion: () => '0.0.0-boot-test',
    getName: () => 'conversion-desk',
    isPackaged: false,
    requestSingleInstanceLock() {
      log.push('app.requestSingleInstanceLock');
      return options.singleInstanceLock ?? true;
    },
    enableSandbox() {
      if (isReady) throw new Error('app.enableSandbox() must be called before the app is ready');
      log.push('app.enableSandbox');
    },
    whenReady: () => readyPromise,
    isReady: () => isReady,
    /** Like Electron: before-quit, then will-quit; a listener may preventDefault to finish work first. */
    quit() {
      log.push('app.quit');
      if (!isReady) {
        resolveExit();
        return;
      }
      appEvents.emit('before-quit', fakeEvent());
      const willQuit = fakeEvent();
      appEvents.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) log.push('will-quit.prevented');
      else {
        log.push('exit');
        resolveExit();
      }
    },
  };

  const electron: Record<string, unknown> = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle(channel: string, listener: IpcListener) {
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandleCalls.push(channel);
        ipcHandlers.set(channel, listener);
      },
      removeHandler(channel: string) {
        ipcHandlers.delete(channel);
      },
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, unknown> }[]) {
        log.push('protocol.registerSchemesAsPrivileged');
        for (const s of schemes) privilegedSchemes.push({ ...s, beforeReady: !isReady });
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
        log.push(`protocol.handle:${scheme}`);
        protocolHandlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof session.permissionRequestHandler) => {
          session.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: (handler: typeof session.permissionCheckHandler) => {
          session.permissionCheckHandler = handler;
        },
        webRequest: {
          onHeadersReceived: (handler: typeof session.headersReceived) => {
            session.headersReceived = handler;
          },
        },
      },
    },
    shell: {
      openExternal: (url: string) => {
        openedExternally.push(url);
        return Promise.resolve();
      },
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showSaveDialog: () => Promise.resolve({ canceled: true, filePath: undefined }),
    },
    // The app's SecretStore (secrets/electron-store.ts) uses only the async API.
    safeStorage: {
      getSelectedStorageBackend: () => 'gnome_libsecret',
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: (text: string) => Promise.resolve(Buffer.from(text).reverse()),
      decryptStringAsync: (data: Buffer) => Promise.resolve({ result: Buffer.from(data).reverse().toString(), shouldReEncrypt: false }),
    },
  };

  const module = new Proxy(electron, {
    get(target, key) {
      if (typeof key === 'symbol' || key === '__esModule' || key === 'default' || key === 'then') return Reflect.get(target, key);
      if (!(key in target)) throw new Error(`fake electron: electron.${key} is not faked; add it to test/shell/fake-electron.ts`);
      return target[key];
    },
  });

  return {
    module,
    log,
    windows,
    ipcHandlers,
    ipcHandleCalls,
    privilegedSchemes,
    protocolHandlers,
    openedExternally,
    session,
    appEvents,
    exited,
    /** Fires 'ready' (resolves app.whenReady()) and lets the shell's ready handler run. */
    async ready(): Promise<void> {
      isReady = true;
      log.push('ready');
      resolveReady();
      await new Promise((resolve) => setImmediate(resolve));
    },
    /** The user quits (Cmd+Q, last window closed). */
    quit: () => app.quit(),
    /** Calls a channel the way Electron would, from a frame with this URL. */
    invoke(channel: string, input: unknown, frameUrl = 'app://bundle/index.html'): Promise<unknown> {
      const listener = ipcHandlers.get(channel);
      if (!listener) throw new Error(`no handler registered for ${channel}`);
      return listener({ senderFrame: { url: frameUrl, parent: null } }, input);
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
