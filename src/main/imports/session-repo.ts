/**
 * The import's connection settings and transaction (pipeline.ts): PRAGMAs and BEGIN/COMMIT have no
 * Kysely builder form, so they are written with its `sql` template, compiled once per process.
 */
import { sql } from 'kysely';
import type { Sqlite } from '../db/connection';
import { get, once, rawQuery, run } from '../db/query';

const SYNCHRONOUS_FULL = once(() => rawQuery(sql`pragma synchronous = FULL`));
const TEMP_STORE_FILE = once(() => rawQuery(sql`pragma temp_store = FILE`));
const CHECKS_OFF = once(() => rawQuery(sql`pragma ignore_check_constraints = ON`));
const CHECKS_ON = once(() => rawQuery(sql`pragma ignore_check_constraints = OFF`));
const CHECKPOINT_TRUNCATE = once(() => rawQuery(sql`pragma wal_checkpoint(TRUNCATE)`));
const CHECKPOINT_PASSIVE = once(() => rawQuery(sql`pragma wal_checkpoint(PASSIVE)`));
const NO_AUTOCHECKPOINT = once(() => rawQuery(sql`pragma wal_autocheckpoint = 0`));
const NO_BUSY_WAIT = once(() => rawQuery(sql`pragma busy_timeout = 0`));

/** The import's COMMIT waits until its pages are on disk (a committed import survives a power cut). */
export function syncFully(db: Sqlite): void {
  run(db, SYNCHRONOUS_FULL);
}

/** Sorts (CREATE INDEX) spill to temp files instead of memory; must be set outside a transaction. */
export function tempStoreOnFile(db: Sqlite): void {
  run(db, TEMP_STORE_FILE);
}

export function setCacheSizeMb(db: Sqlite, mb: number): void {
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`cache size ${mb} MB`);
  run(db, rawQuery(sql`pragma cache_size = ${sql.lit(-Math.round(mb * 1024))}`));
}

/** CHECK constraints off while storing rows the import has checked itself (storable.ts), back on after. */
export function checkConstraints(db: Sqlite, on: boolean): void {
  run(db, on ? CHECKS_ON : CHECKS_OFF);
}

/** This connection's COMMIT returns once the WAL is synced, without copying it into the database (checkpointAfterImport does, later). */
export function noAutoCheckpoint(db: Sqlite): void {
  run(db, NO_AUTOCHECKPOINT);
}

/** Lock waits fail at once (SQLITE_BUSY) instead of waiting. */
export function noBusyWait(db: Sqlite): void {
  run(db, NO_BUSY_WAIT);
}

/**
 * Copies the WAL's frames into the database without taking the write lock (writers and readers go
 * on); `log` frames in the WAL, `checkpointed` of them in the database now (a reader of an older
 * snapshot holds back the rest).
 */
export function checkpointPassive(db: Sqlite): { busy: number; log: number; checkpointed: number } {
  return get<{ busy: number; log: number; checkpointed: number }>(db, CHECKPOINT_PASSIVE)!;
}

/** Copies the WAL into the database and truncates it (throws when a reader holds it). */
export function checkpointTruncate(db: Sqlite): void {
  run(db, CHECKPOINT_TRUNCATE);
}
