/**
 * The connection settings the features change (PRAGMA: no builder form, and no bound parameters, so
 * each value is checked and written as a literal). Each PRAGMA text is compiled once per process (the
 * import switches CHECK constraints off and on around every batch) and its statement cached per
 * connection like any other.
 */
import { sql } from 'kysely';
import type { Sqlite } from './connection';
import { get, once, pluckOne, rawQuery, run, type Compilable } from './query';

const whole = (n: number, what: string): number => {
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, not ${n}`);
  return n;
};
const compiled = new Map<string, Compilable>();
function pragma(text: string): Compilable {
  let query = compiled.get(text);
  if (!query) compiled.set(text, (query = once(() => rawQuery(sql`pragma ${sql.raw(text)}`))));
  return query;
}
const set = (db: Sqlite, name: string, value: string | number) => run(db, pragma(`${name} = ${value}`));
const read = <T>(db: Sqlite, name: string): T => pluckOne<T>(db, pragma(name))!;

/** WAL: readers keep reading while a writer writes. */
export function setJournalModeWal(db: Sqlite): void {
  // Answers a row (the mode now); a read-only connection keeps the file's mode.
  pluckOne(db, rawQuery(sql`pragma journal_mode = wal`));
}
export function setForeignKeys(db: Sqlite, on: boolean): void {
  set(db, 'foreign_keys', on ? 'ON' : 'OFF');
}
/** FULL: a COMMIT is durable before it returns (an export's batch before its file is placed); NORMAL otherwise (WAL). */
export function setSynchronous(db: Sqlite, mode: 'FULL' | 'NORMAL'): void {
  set(db, 'synchronous', mode);
}
/** The page cache, in KiB (cache_size = -KiB). */
export function setCacheSizeKib(db: Sqlite, kib: number): void {
  set(db, 'cache_size', -whole(Math.abs(kib), 'cache size'));
}
/** The page cache in MB (an import's settings, read from the environment: refused unless positive). */
export function setCacheSizeMb(db: Sqlite, mb: number): void {
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`cache size ${mb} MB`);
  setCacheSizeKib(db, Math.round(mb * 1024));
}
/** Pages of WAL before an automatic checkpoint (0: never; the caller checkpoints). */
export function setWalAutocheckpoint(db: Sqlite, pages: number): void {
  set(db, 'wal_autocheckpoint', whole(pages, 'wal_autocheckpoint'));
}
/**
 * Copies the WAL into the database. PASSIVE never takes the write lock (writers and readers go on);
 * TRUNCATE also empties the WAL file and throws SQLITE_BUSY when a reader holds it. `log`: frames in
 * the WAL; `checkpointed`: how many of them are in the database now (a reader of an older snapshot
 * holds back the rest).
 */
export function walCheckpoint(db: Sqlite, mode: 'PASSIVE' | 'TRUNCATE'): { busy: number; log: number; checkpointed: number } {
  return get<{ busy: number; log: number; checkpointed: number }>(db, pragma(`wal_checkpoint(${mode})`))!;
}
export function busyTimeout(db: Sqlite): number {
  return read<number>(db, 'busy_timeout');
}
export function setBusyTimeout(db: Sqlite, ms: number): void {
  set(db, 'busy_timeout', whole(ms, 'busy timeout'));
}
/** A connection that may not write (a reader thread's). */
export function setQueryOnly(db: Sqlite, on: boolean): void {
  set(db, 'query_only', on ? 'ON' : 'OFF');
}
export function setTempStore(db: Sqlite, where: 'FILE' | 'MEMORY'): void {
  set(db, 'temp_store', where);
}
export function setIgnoreCheckConstraints(db: Sqlite, on: boolean): void {
  set(db, 'ignore_check_constraints', on ? 'ON' : 'OFF');
}
/** Moves when another connection commits (with total_changes(), names the state a connection sees). */
export function dataVersion(db: Sqlite): number {
  return read<number>(db, 'data_version');
}
