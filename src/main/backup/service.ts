/**
 * Backup and restore of the whole database (issue 14, item 11).
 *
 * - Backup: SQLite's online backup API (better-sqlite3 `db.backup()`) from the app's own connection,
 *   so the copy is one consistent state even while the app, a worker or another process writes (a
 *   write by another connection restarts the copy; after a restart the rest goes in one step). It is
 *   written to a temporary file (0600) beside the destination, checked with `integrity_check`, then
 *   renamed into place: a failed backup never leaves a half file under the chosen name.
 * - Restore: the chosen file must be an SQLite database that passes `integrity_check` and whose
 *   applied migrations are all known to this version of the app (same files, same checksums). The
 *   current database is first copied aside; the backup is then copied *into* the live file with the
 *   same API (one write transaction: other connections see the old state or the new one), migrated
 *   forward and checked. On any failure the copy set aside is put back. It is deleted once the
 *   restore has succeeded (it holds customer data).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { BackupResult, RestoreResult } from '../../shared/ipc/channels/backup';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { migrate, readMigrations } from '../db/migrate';
import { migrationsDir } from '../runtime';
import { appliedMigrations, integrityProblems, pageSize } from './repo';

export interface BackupDeps {
  db: Sqlite;
  dbPath: string;
  nativeBinding?: string;
}

/** Pages per step of the copy: small steps keep the main thread responsive. */
const STEP_PAGES = 4096;

/** Creates an empty file with mode 0600 (SQLite then writes into it and keeps the mode). */
function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'wx', 0o600));
}

function temporaryBeside(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${randomBytes(4).toString('hex')}`);
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Copies `source` into the database file at `destination` with the online backup API. Steps of
 * STEP_PAGES pages; if another connection's write restarts the copy, the rest is copied in one step
 * (which holds the read snapshot until done), so a busy database cannot starve the backup.
 */
async function copyDatabase(source: Sqlite, destination: string): Promise<number> {
  let restarted = false;
  let lastRemaining = Number.POSITIVE_INFINITY;
  const metadata = await source.backup(destination, {
    progress({ totalPages, remainingPages }) {
      if (remainingPages > lastRemaining) restarted = true;
      lastRemaining = remainingPages;
      return restarted ? Math.max(totalPages, 1) : STEP_PAGES;
    },
  });
  return metadata.totalPages;
}

function openReadonly(path: string, nativeBinding?: string): Sqlite {
  return new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
}

/** A consistent copy of the live database at `path` (absolute; replaced if it exists). */
export async function createBackup(deps: BackupDeps, path: string): Promise<BackupResult> {
  if (!isAbsolute(path)) throw new AppError('validation', `The backup path must be absolute: ${path}`);
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new AppError('io', `The folder ${dirname(path)} does not exist`);
  if (existsSync(path) && sameFile(path, deps.dbPath)) throw new AppError('validation', 'A backup cannot replace the database it is a backup of');
  const started = Date.now();
  const tmp = temporaryBeside(path, 'backup');
  try {
    createPrivateFile(tmp);
    const pages = await copyDatabase(deps.db, tmp);
    const copy = openReadonly(tmp, deps.nativeBinding);
    let problems: string[];
    let versions: number[];
    try {
      problems = integrityProblems(copy);
      versions = appliedMigrations(copy).map((m) => m.version);
    } finally {
      copy.close();
    }
    if (problems.length) throw new AppError('internal', `The backup copy failed its integrity check (${problems.slice(0, 3).join('; ')}); nothing was written`);
    // The copy is a single file: its own -wal / -shm (from the check) go before it takes its name.
    for (const suffix of ['-wal', '-shm']) rmSync(`${tmp}${suffix}`, { force: true });
    renameSync(tmp, path);
    return { path, bytes: statSync(path).size, pages, schemaVersion: Math.max(0, ...versions), durationMs: Date.now() - started };
  } catch (error) {
    removeDatabaseFiles(tmp);
    if (error instanceof AppError) throw error;
    throw new AppError('io', `The backup could not be written to ${path}: ${(error as Error).message}`);
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** Why this file cannot be restored, or null when it can (integrity and schema checks). */
function checkRestorable(path: string, nativeBinding: string | undefined): { problem: string | null; schemaVersion: number; pageSize: number } {
  let candidate: Sqlite;
  try {
    candidate = openReadonly(path, nativeBinding);
  } catch (error) {
    return { problem: `it cannot be opened as a database (${(error as Error).message})`, schemaVersion: 0, pageSize: 0 };
  }
  try {
    let problems: string[];
    try {
      problems = integrityProblems(candidate);
    } catch (error) {
      return { problem: `it is not an SQLite database (${(error as Error).message})`, schemaVersion: 0, pageSize: 0 };
    }
    if (problems.length) return { problem: `it failed SQLite's integrity check (${problems.slice(0, 3).join('; ')})`, schemaVersion: 0, pageSize: 0 };
    let applied: { version: number; name: string; checksum: string }[];
    try {
      applied = appliedMigrations(candidate);
    } catch {
      return { problem: 'it is not a Conversion Desk database (no schema_migrations table)', schemaVersion: 0, pageSize: 0 };
    }
    if (!applied.length) return { problem: 'it is not a Conversion Desk database (no migration applied)', schemaVersion: 0, pageSize: 0 };
    const known = new Map(readMigrations(migrationsDir()).map((m) => [m.version, m]));
    for (const migration of applied) {
      const mine = known.get(migration.version);
      if (!mine) return { problem: `it was made by a newer version of Conversion Desk (migration ${migration.name} is unknown to this one); update the app first`, schemaVersion: 0, pageSize: 0 };
      if (mine.checksum !== migration.checksum) return { problem: `its migration ${migration.name} differs from this app's; it was made by another build`, schemaVersion: 0, pageSize: 0 };
    }
    return { problem: null, schemaVersion: Math.max(...applied.map((m) => m.version)), pageSize: pageSize(candidate) };
  } finally {
    candidate.close();
  }
}

/**
 * Replaces the live database's content with the backup at `path`. The caller must not run jobs
 * meanwhile (a running import or export holds the write lock: the restore then fails as busy and
 * changes nothing).
 */
export async function restoreBackup(deps: BackupDeps, path: string): Promise<RestoreResult> {
  if (!isAbsolute(path)) throw new AppError('validation', `The backup path must be absolute: ${path}`);
  if (!existsSync(path) || !statSync(path).isFile()) throw new AppError('not_found', `${path} is not a file`);
  if (sameFile(path, deps.dbPath)) throw new AppError('validation', 'That file is the database in use; choose a backup');
  const started = Date.now();
  const check = checkRestorable(path, deps.nativeBinding);
  if (check.problem) throw new AppError('validation', `${basename(path)} cannot be restored: ${check.problem}. Nothing was changed.`);
  if (check.pageSize !== pageSize(deps.db)) {
    throw new AppError('unsupported', `${basename(path)} uses ${check.pageSize}-byte pages and this database ${pageSize(deps.db)}; it cannot be restored into it. Nothing was changed.`);
  }

  // The current database, kept aside until the restore has succeeded.
  const aside = temporaryBeside(deps.dbPath, 'before-restore');
  createPrivateFile(aside);
  try {
    await copyDatabase(deps.db, aside);
  } catch (error) {
    removeDatabaseFiles(aside);
    throw new AppError('io', `The current database could not be set aside before the restore (${(error as Error).message}); nothing was changed`);
  }
  let copied = false;
  try {
    const source = openReadonly(path, deps.nativeBinding);
    try {
      // One write transaction on the live file: a failure part-way leaves it as it was.
      await copyDatabase(source, deps.dbPath);
      copied = true;
    } finally {
      source.close();
    }
    // The backup may predate migrations of this version: bring it forward, then check the result.
    migrate(deps.db, migrationsDir());
    const problems = integrityProblems(deps.db);
    if (problems.length) throw new Error(`the restored database failed its integrity check (${problems.slice(0, 3).join('; ')})`);
  } catch (error) {
    if (copied) await putBack(deps, aside);
    else removeDatabaseFiles(aside);
    const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
    throw new AppError(
      busy ? 'conflict' : 'io',
      busy
        ? 'The database is busy (an import, export or bulk change is running); try the restore again when it has finished. Nothing was changed.'
        : `The restore failed (${(error as Error).message}); the database was put back as it was.`,
    );
  }
  removeDatabaseFiles(aside);
  return { restoredFrom: path, schemaVersion: check.schemaVersion, durationMs: Date.now() - started };
}

async function putBack(deps: BackupDeps, aside: string): Promise<void> {
  const source = openReadonly(aside, deps.nativeBinding);
  try {
    await copyDatabase(source, deps.dbPath);
  } finally {
    source.close();
  }
  removeDatabaseFiles(aside);
}
