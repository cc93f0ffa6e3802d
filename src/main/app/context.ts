import type { Kysely } from 'kysely';
import { createKysely, openDatabase, type Sqlite } from '../db/connection';
import { migrate } from '../db/migrate';
import type { DB } from '../db/schema';
import { recoverExportFiles } from '../exports/temp-files';
import { applyRetention } from '../privacy/service';
import { recoverInterruptedImports } from '../imports/repo';
import { closeReaderPools } from '../jobs/reader';
import { PushHub } from '../ipc/push';
import { migrationsDir } from '../runtime';
import { fileSecretStoreFor, type SecretStore } from '../secrets/store';

/**
 * Native dialogs live behind this interface: Electron's `dialog` in the app, a scripted stand-in in
 * the browser e2e harness (tests set the next answer), and none in the CLI.
 */
export interface DialogProvider {
  /** Returns the chosen file's absolute path, or null when the user cancelled. */
  openFile(options: { title: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
  /** Returns the chosen destination path, or null when the user cancelled. `message` is shown in the dialog where the platform can. */
  saveFile(options: { title: string; defaultName: string; filters: { name: string; extensions: string[] }[]; message?: string }): Promise<string | null>;
}

/** Everything a service needs: the connection, the query builder, where files live, and push. */
export interface AppContext {
  db: Sqlite;
  kysely: Kysely<DB>;
  dbPath: string;
  /** Folder for the app's own files (database, logs, temp uploads in the e2e harness). */
  dataDir: string;
  push: PushHub;
  /** 'electron' | 'loopback' | 'cli' — informational only. */
  transport: string;
  nativeBinding?: string;
  dialogs: DialogProvider | null;
  /**
   * How files may be registered: by absolute path (Electron's preload resolves dropped files; CLI)
   * and/or by upload id (bytes the browser harness received). Each host allows only its own way in.
   */
  fileSources: ReadonlySet<FileSource>;
  /** Tokens and app secrets: Electron safeStorage in the app, env vars over a 0600 file in the CLI and harness. */
  secrets: SecretStore;
  /** Opens a URL in the user's browser (Electron: shell.openExternal behind the allow-list; the harness records it). */
  openExternal?: (url: string) => void;
}

export type FileSource = 'path' | 'upload';

/** The window's connection waits at most this long for a worker's write lock, then answers "busy". */
export const WINDOW_BUSY_TIMEOUT_MS = 200;

export interface OpenContextOptions {
  dbPath: string;
  dataDir: string;
  transport: string;
  nativeBinding?: string;
  dialogs?: DialogProvider | null;
  fileSources?: FileSource[];
  /** See OpenOptions.busyTimeoutMs: the app and the harness pass a short wait for the window's connection. */
  busyTimeoutMs?: number;
  /** Default: environment variables over `<dataDir>/secrets.json` (0600). */
  secrets?: SecretStore;
  openExternal?: (url: string) => void;
}

/** Opens the database, applies migrations, and returns the context every feature is built on. */
export function openAppContext(options: OpenContextOptions): AppContext {
  const db = openDatabase(options.dbPath, { nativeBinding: options.nativeBinding, busyTimeoutMs: options.busyTimeoutMs });
  migrate(db, migrationsDir());
  recoverInterruptedImports(db);
  // A killed export's temporary files: finished when its batch committed, otherwise removed.
  recoverExportFiles(db);
  try {
    // The retention rule (off by default) at every start; the app also runs it daily.
    applyRetention(db);
  } catch {
    /* another process holds the write lock: the next start (or the daily run) applies it */
  }
  return {
    db,
    kysely: createKysely(db),
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    push: new PushHub(),
    transport: options.transport,
    nativeBinding: options.nativeBinding,
    dialogs: options.dialogs ?? null,
    fileSources: new Set(options.fileSources ?? ['path', 'upload']),
    secrets: options.secrets ?? fileSecretStoreFor(options.dataDir),
    openExternal: options.openExternal,
  };
}

export function closeAppContext(ctx: AppContext): Promise<void> {
  // The reader threads (overview, SQL counts, the facet index loader) have connections of their own.
  const readers = closeReaderPools(ctx.db);
  if (ctx.db.open) ctx.db.close();
  return readers;
}
