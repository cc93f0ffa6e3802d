/**
 * The import worker (bundled to out/node/import-worker.cjs): runs the pipeline on its own
 * connection so the main thread never blocks. Cancellation is a shared flag the pipeline polls
 * (its loop is synchronous, so it cannot receive messages while it runs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/ipc/result';
import { openDatabase, type Sqlite } from '../db/connection';
import { runMapperWorker, type MapperConfig } from './map-pool';
import { checkpointAfterImport, ImportCancelled, runPipeline, type PipelineInput } from './pipeline';
import { finishImportRow } from './repo';
import { lowerThreadPriority } from '../lib/thread-priority';

export interface ImportWorkerData {
  dbPath: string;
  nativeBinding?: string;
  input: PipelineInput;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
}

export type ImportWorkerMessage =
  | { type: 'progress'; rowsDone: number; bytesDone: number; bytesTotal: number }
  | { type: 'indexing'; done: number; total: number }
  | { type: 'finishing' }
  | { type: 'done'; rowsRead: number; imported: number; updated: number; duplicates: number; invalid: number }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string };

/** Runs the import, posting its messages; the final one ('done', 'cancelled', 'failed') is posted before the WAL checkpoint. */
async function run(data: ImportWorkerData, post: (message: ImportWorkerMessage) => void): Promise<void> {
  const db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
  try {
    const outcome = await importOn(db, data);
    post(outcome);
    // The import is committed and has answered; the copy of its WAL into the database runs now,
    // in this thread (the service waits for this thread's exit only when the app quits).
    if (outcome.type === 'done') {
      try {
        checkpointAfterImport(db);
      } catch {
        /* e.g. a full disk: the WAL keeps the committed import, and a later checkpoint copies it */
      }
    }
  } finally {
    db.close();
  }
}

async function importOn(db: Sqlite, data: ImportWorkerData): Promise<ImportWorkerMessage> {
  const flag = new Int32Array(data.cancel);
  try {
    const result = await runPipeline(db, data.input, {
      isCancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (progress) => parentPort?.postMessage({ type: 'progress', ...progress } satisfies ImportWorkerMessage),
      onIndexing: (done, total) => parentPort?.postMessage({ type: 'indexing', done, total } satisfies ImportWorkerMessage),
      onFinishing: () => parentPort?.postMessage({ type: 'finishing' } satisfies ImportWorkerMessage),
    });
    return { type: 'done', rowsRead: result.rowsRead, imported: result.imported, updated: result.updated, duplicates: result.duplicates, invalid: result.invalid };
  } catch (error) {
    if (error instanceof ImportCancelled) {
      finishImportRow(db, data.input.importId, 'cancelled', null, error.message);
      return { type: 'cancelled' };
    }
    const message = error instanceof AppError ? error.message : `The import failed: ${(error as Error)?.message ?? String(error)}`;
    finishImportRow(db, data.input.importId, 'failed', null, message);
    return { type: 'failed', code: error instanceof AppError ? error.code : 'internal', message };
  }
}


if (parentPort && workerData) {
  lowerThreadPriority();
  const port = parentPort;
  const data = workerData as ImportWorkerData | { role: 'mapper'; config: MapperConfig };
  if ('role' in data) runMapperWorker(port, data.config);
  else void run(data, (message) => port.postMessage(message));
}
