import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from './schema';
import { all, get, run, type Compilable } from './query';
import { setBusyTimeout, setCacheSizeKib, setForeignKeys, setJournalModeWal, setSynchronous, setTempStore } from './pragma-repo';

export type Sqlite = Database.Database;

export interface OpenOptions {
  /**
   * How long a write waits for another connection's write lock (default 5 s). The window's own
   * connection uses a short wait so a click during an import answers "busy" instead of freezing it.
   */
  busyTimeoutMs?: number;
  /** Path to better-sqlite3's native addon built for this runtime (Electron uses its own ABI build). */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens the database file: created with mode 0600, WAL, synchronous=NORMAL, foreign keys on.
 * WAL lets the UI keep reading while a worker writes.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Sqlite {
  if (path !== ':memory:' && !options.readonly) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path, {
    nativeBinding: options.nativeBinding,
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  setJournalModeWal(db);
  setSynchronous(db, 'NORMAL');
  setForeignKeys(db, true);
  setBusyTimeout(db, options.busyTimeoutMs ?? 5000);
  setCacheSizeKib(db, 65536);
  setTempStore(db, 'MEMORY');
  return db;
}

/** Kysely over the same connection. Used as a typed query builder; queries run synchronously via `compile()`. */
export function createKysely(db: Sqlite): Kysely<DB> {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: db }) });
}

export type { CompiledLike } from './query';

/** Runs a Kysely query synchronously on better-sqlite3 (keeps transactions synchronous); statements are cached (query.ts). */
export function allRows<T>(db: Sqlite, query: Compilable): T[] {
  return all<T>(db, query);
}
export function firstRow<T>(db: Sqlite, query: Compilable): T | undefined {
  return get<T>(db, query);
}
export function runQuery(db: Sqlite, query: Compilable): Database.RunResult {
  return run(db, query);
}
