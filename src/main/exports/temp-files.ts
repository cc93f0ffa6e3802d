/**
 * The life of an export's temporary files (upload.csv.<hex>.part), so that a killed export never
 * leaves a final file without its batch, nor a .part file behind:
 *
 * 1. `journalTempFiles` records the paths (committed) before any file is created;
 * 2. the export writes, creates the batch and COMMITs; only then `placeFile` renames the .part file
 *    to the final name;
 * 3. `releaseTempFiles` removes whatever is left of the files and their journal rows.
 *
 * A process killed anywhere in between leaves journal rows; `recoverExportFiles` (at every start of
 * the app or the CLI) finishes the rename when the batch was committed and the file is complete (its
 * SHA-256 is the batch's), and deletes the file otherwise.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { batchFile, forgetTempFiles, listTempFiles, recordTempFiles } from './repo';

export function journalTempFiles(db: Sqlite, paths: readonly string[], output: { path: string; batchId: string }): void {
  const createdAt = new Date().toISOString();
  recordTempFiles(
    db,
    paths.map((path) => ({ path, final_path: output.path, batch_id: output.batchId, owner_pid: process.pid, created_at: createdAt })),
  );
}

/** After COMMIT: the complete file takes its final name (replacing an older file of that name). */
export function placeFile(tmpPath: string, finalPath: string, batchId: string): void {
  try {
    renameSync(tmpPath, finalPath);
  } catch (error) {
    throw new AppError(
      'io',
      `Batch ${batchId} was created, but its file could not be moved to ${finalPath} (${(error as Error).message}); it is complete at ${tmpPath} and the next start moves it into place.`,
    );
  }
}

/** Deletes the files that are still there and forgets them. */
export function releaseTempFiles(db: Sqlite, paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { force: true });
  forgetTempFiles(db, paths);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sha256Of(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export interface RecoveredFiles {
  /** Committed batches whose file was renamed into place now. */
  finished: string[];
  /** Temporary files deleted (their export did not commit, or they were a part already merged). */
  removed: string[];
}

/** Finishes or removes what killed exports left behind (see the top of this file). */
export function recoverExportFiles(db: Sqlite): RecoveredFiles {
  const recovered: RecoveredFiles = { finished: [], removed: [] };
  for (const row of listTempFiles(db)) {
    if (isAlive(row.owner_pid)) continue;
    if (existsSync(row.path)) {
      const batch = batchFile(db, row.batch_id);
      // A file written at the final path after this export started belongs to a later export: keep it.
      const replaced = existsSync(row.final_path) && statSync(row.final_path).mtimeMs > Date.parse(row.created_at);
      if (batch && !replaced && batch.file_path === row.final_path && batch.file_sha256 === sha256Of(row.path)) {
        renameSync(row.path, row.final_path);
        recovered.finished.push(row.final_path);
      } else {
        rmSync(row.path, { force: true });
        recovered.removed.push(row.path);
      }
    }
    forgetTempFiles(db, [row.path]);
  }
  return recovered;
}
