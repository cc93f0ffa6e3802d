/**
 * The export worker (bundled to out/node/export-worker.cjs): runs one export or preview on its own
 * connection so the window never blocks. Cancellation is a shared flag the loop polls.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/ipc/result';
import { openDatabase } from '../db/connection';
import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { closeBatchOn, type CloseRequest } from './batches';
import { ExportCancelled, runExport, type RunExportOptions, type RunExportOutcome } from './run';

export interface ExportWorkerData {
  dbPath: string;
  nativeBinding?: string;
  /** An export / preview, or closing a large batch (bulk status change off the main thread). */
  options?: RunExportOptions;
  close?: CloseRequest;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
}

export type ExportWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; outcome: RunExportOutcome }
  /** Sent after 'done' once the WAL has been checkpointed (the worker then exits). */
  | { type: 'checkpointed' }
  | { type: 'closed'; outcome: TransitionOutcome }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string; details?: unknown };

function run(data: ExportWorkerData): ExportWorkerMessage {
  const flag = new Int32Array(data.cancel);
  let db;
  try {
    db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
    if (data.close) return { type: 'closed', outcome: closeBatchOn(db, data.close) };
    if (!data.options) throw new Error('export worker started without a task');
    // A million-row export leaves ~1 GB in the WAL. Its checkpoint runs here after the answer is
    // sent (below), not inside COMMIT, and never on the main thread's next write.
    if (data.options.output) db.pragma('wal_autocheckpoint = 0');
    const outcome = runExport(db, data.options, {
      isCancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (done, total) => parentPort?.postMessage({ type: 'progress', done, total } satisfies ExportWorkerMessage),
    });
    if (data.options.output) {
      parentPort?.postMessage({ type: 'done', outcome } satisfies ExportWorkerMessage);
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        /* another connection is checkpointing: it will finish the job */
      }
      return { type: 'checkpointed' };
    }
    return { type: 'done', outcome };
  } catch (error) {
    if (error instanceof ExportCancelled) return { type: 'cancelled' };
    if (error instanceof AppError) return { type: 'failed', code: error.code, message: error.message, details: error.details };
    if ((error as { code?: string })?.code === 'SQLITE_BUSY') {
      return { type: 'failed', code: 'conflict', message: 'Another job (an import or a bulk change) is writing to the database; try again when it has finished.' };
    }
    const nodeError = error as NodeJS.ErrnoException;
    if (nodeError?.code && /^E[A-Z]+$/.test(nodeError.code)) {
      return { type: 'failed', code: 'io', message: `Could not write the file: ${nodeError.message}` };
    }
    return { type: 'failed', code: 'internal', message: `The export failed: ${nodeError?.message ?? String(error)}` };
  } finally {
    db?.close();
  }
}

/** Below the window's main thread when all cores are busy (Linux: per thread; see the import worker). */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, 10);
  } catch {
    /* not permitted: keep the default priority */
  }
}

if (parentPort && workerData) {
  lowerThreadPriority();
  const port = parentPort;
  port.postMessage(run(workerData as ExportWorkerData));
}
