/**
 * The jobs worker (bundled to out/node/jobs-worker.cjs). Two roles:
 * - 'bulk': one bulk change (transition / assign / delete / undo) on its own connection, in one
 *   transaction, posting progress; cancellation is a shared flag polled between chunks.
 * - 'reader': a long-lived read-only connection answering heavy aggregate queries (overview) so
 *   they never run on the window's main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BulkResult } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import { setBusyTimeout, setCacheSizeKib, setQueryOnly, setWalAutocheckpoint, walCheckpoint } from '../db/pragma-repo';
import { openDatabase } from '../db/connection';
import { lowerThreadPriority } from '../lib/thread-priority';
import { JobCancelled, runBulk, type BulkSpec } from './bulk';
import { runReaderQuery, transferablesOf, type ReaderRequest, type ReaderResponse } from './reader-queries';

export interface BulkWorkerData {
  role: 'bulk';
  dbPath: string;
  nativeBinding?: string;
  spec: BulkSpec;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
  chunkRows?: number;
  /** Minimum ms between progress messages (the main thread also re-emits every 250 ms). */
  progressEveryMs?: number;
  /** SQLite page cache for this job's connection, in MB. */
  cacheMb?: number;
}

export interface ReaderWorkerData {
  role: 'reader';
  dbPath: string;
  nativeBinding?: string;
}

export type BulkWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: BulkResult; timings: Record<string, number> }
  /** After 'done': the committed transaction was copied back into the database file. */
  | { type: 'checkpointed'; ms: number }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string; details?: unknown };

function runBulkJob(data: BulkWorkerData, post: (message: BulkWorkerMessage) => void): void {
  const flag = new Int32Array(data.cancel);
  const db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
  // A worker may wait for the write lock (an import or another job holds it): that blocks only this thread.
  setBusyTimeout(db, 600_000);
  // The commit must not checkpoint by itself: the answer goes out first, then this thread copies the
  // transaction back into the database file (below), so the window's connection never has to.
  setWalAutocheckpoint(db, 0);
  if (data.cacheMb) setCacheSizeKib(db, Math.round(data.cacheMb * 1024));
  const every = data.progressEveryMs ?? 100;
  let lastPost = 0;
  const timings: Record<string, number> = {};
  try {
    const result = runBulk(db, data.spec, {
      timings,
      isCancelled: () => Atomics.load(flag, 0) === 1,
      chunkRows: data.chunkRows,
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - lastPost >= every || done === total) {
          lastPost = now;
          post({ type: 'progress', done, total });
        }
      },
    });
    post({ type: 'done', result, timings });
    const t = performance.now();
    walCheckpoint(db, 'PASSIVE');
    post({ type: 'checkpointed', ms: Math.round(performance.now() - t) });
  } catch (error) {
    if (error instanceof JobCancelled) post({ type: 'cancelled' });
    else if (error instanceof AppError) post({ type: 'failed', code: error.code, message: error.message, details: error.details });
    else post({ type: 'failed', code: 'internal', message: `The bulk change failed: ${(error as Error)?.message ?? String(error)}` });
  } finally {
    db.close();
  }
}

function runReader(data: ReaderWorkerData): void {
  const db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
  setQueryOnly(db, true);
  parentPort!.on('message', (request: ReaderRequest) => {
    let response: ReaderResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const value = runReaderQuery(db, request);
      transfer = transferablesOf(value);
      response = { id: request.id, ok: true, value };
    } catch (error) {
      response =
        error instanceof AppError
          ? { id: request.id, ok: false, code: error.code, message: error.message }
          : { id: request.id, ok: false, code: 'internal', message: (error as Error)?.message ?? String(error) };
    }
    parentPort!.postMessage(response, transfer);
  });
}

if (parentPort && workerData) {
  const data = workerData as BulkWorkerData | ReaderWorkerData;
  // Both roles can keep a core busy for seconds (a bulk change, a count over 1M rows): the window wins.
  lowerThreadPriority();
  if (data.role === 'reader') runReader(data);
  else {
    const port = parentPort;
    runBulkJob(data, (message) => port.postMessage(message));
  }
}
