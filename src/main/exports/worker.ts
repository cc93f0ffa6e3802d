/**
 * The export worker (bundled to out/node/export-worker.cjs): runs one export or preview on its own
 * connection so the window never blocks. Cancellation is a shared flag the loop polls.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/ipc/result';
import { openDatabase } from '../db/connection';
import { ExportCancelled, runExport, type RunExportOptions, type RunExportOutcome } from './run';

export interface ExportWorkerData {
  dbPath: string;
  nativeBinding?: string;
  options: RunExportOptions;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
}

export type ExportWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; outcome: RunExportOutcome }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string };

function run(data: ExportWorkerData): ExportWorkerMessage {
  const flag = new Int32Array(data.cancel);
  let db;
  try {
    db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
    const outcome = runExport(db, data.options, {
      isCancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (done, total) => parentPort?.postMessage({ type: 'progress', done, total } satisfies ExportWorkerMessage),
    });
    return { type: 'done', outcome };
  } catch (error) {
    if (error instanceof ExportCancelled) return { type: 'cancelled' };
    if (error instanceof AppError) return { type: 'failed', code: error.code, message: error.message };
    const nodeError = error as NodeJS.ErrnoException;
    if (nodeError?.code && /^E[A-Z]+$/.test(nodeError.code)) {
      return { type: 'failed', code: 'io', message: `Could not write the file: ${nodeError.message}` };
    }
    return { type: 'failed', code: 'internal', message: `The export failed: ${nodeError?.message ?? String(error)}` };
  } finally {
    db?.close();
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  port.postMessage(run(workerData as ExportWorkerData));
}
