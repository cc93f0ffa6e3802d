/**
 * The connection settings the features change (PRAGMA: no builder form, and no bound parameters, so
 * each value is checked and written as a literal). Statements are cached per connection like any other.
 */
import { sql } from 'kysely';
import type { Sqlite } from './connection';
import { pluckOne, rawQuery, run } from './query';

const whole = (n: number, what: string): number => {
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, not ${n}`);
  return n;
};
const set = (db: Sqlite, name: string, value: string | number) => run(db, rawQuery(sql`pragma ${sql.raw(name)} = ${sql.raw(String(value))}`));
const read = <T>(db: Sqlite, name: string): T => pluckOne<T>(db, rawQuery(sql`pragma ${sql.raw(name)}`))!;

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
/** Pages of WAL before an automatic checkpoint (0: never; the caller checkpoints). */
export function setWalAutocheckpoint(db: Sqlite, pages: number): void {
  set(db, 'wal_autocheckpoint', whole(pages, 'wal_autocheckpoint'));
}
export function walCheckpoint(db: Sqlite, mode: 'PASSIVE' | 'TRUNCATE'): void {
  run(db, rawQuery(sql`pragma wal_checkpoint(${sql.raw(mode)})`));
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
