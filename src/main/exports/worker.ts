/**
 * The export worker (bundled to out/node/export-worker.cjs): runs one export or preview on its own
 * connection so the window never blocks; closes large batches. Cancellation is a shared flag the
 * loops poll.
 *
 * Exports of more than PARALLEL_MIN_ROWS run on two threads: this one takes the write lock, then
 * starts a reader thread (same script, role 'reader') whose read snapshot begins while the lock is
 * held — so it sees exactly the rows this thread links. The reader formats and writes the file while
 * this thread links the matching queued events to the batch; the reader's excluded rows are unlinked
 * at the end, before COMMIT. From SPLIT_MIN_ROWS on, two readers each take half of the rows and the
 * first appends the second's file to its own (parts.ts).
 */
import { rmSync } from 'node:fs';
import { parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import { begin, beginImmediate, commit, rollback } from '../db/common-repo';
import { openDatabase, type Sqlite } from '../db/connection';
import { setCacheSizeKib, setSynchronous, setWalAutocheckpoint, walCheckpoint } from '../db/pragma-repo';
import { closeBatchOn, type CloseRequest } from './batches';
import {
  assertSomethingToExport,
  countMatching,
  EXPORT_THREAD_LIMITS,
  SPLIT_READER_LIMITS,
  ExportCancelled,
  exportWhere,
  batchLinker,
  finishBatchRow,
  insertBatchRow,
  readAndWrite,
  runExport,
  temporaryPathFor,
  type BatchLinker,
  type ReadResult,
  type RunExportOptions,
  type RunExportOutcome,
} from './run';
import { mergePreviews, middleKey, PART_ABANDONED, PART_READY, signalPart, waitForPart, type KeyRange } from './parts';
import { lowerThreadPriority } from '../lib/thread-priority';
import { journalTempFiles, placeFile, releaseTempFiles } from './temp-files';

export interface ExportWorkerData {
  dbPath: string;
  nativeBinding?: string;
  /** An export / preview, or closing a large batch (bulk status change off the main thread). */
  options?: RunExportOptions;
  close?: CloseRequest;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
  /** Exports with at least this many matching rows use the reader thread (tests lower it). */
  parallelMinRows?: number;
  /** …and with at least this many, two reader threads (tests lower it). */
  splitMinRows?: number;
}

interface ReaderData {
  role: 'reader';
  dbPath: string;
  nativeBinding?: string;
  options: RunExportOptions;
  tmpPath: string;
  cancel: SharedArrayBuffer;
  range?: KeyRange;
  withHead: boolean;
  /** The first of two readers appends the second's file (path) once `partCell` says it is ready. */
  nextPart?: { path: string; partCell: SharedArrayBuffer };
}

type ReaderMessage =
  | { type: 'snapshot' }
  | { type: 'progress'; done: number; total: number }
  | { type: 'read'; result: ReadResult }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string; details?: unknown };

export type ExportWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; outcome: RunExportOutcome }
  /** Sent after 'done' once the WAL has been checkpointed (the worker then exits). */
  | { type: 'checkpointed' }
  | { type: 'closed'; outcome: TransitionOutcome }
  | { type: 'cancelled' }
  | { type: 'failed'; code: string; message: string; details?: unknown };

export const PARALLEL_MIN_ROWS = 100_000;
export const SPLIT_MIN_ROWS = 200_000;

function failure(error: unknown): { type: 'failed'; code: string; message: string; details?: unknown } {
  if (error instanceof AppError) return { type: 'failed', code: error.code, message: error.message, details: error.details };
  const nodeError = error as NodeJS.ErrnoException;
  if (nodeError?.code === 'SQLITE_BUSY') {
    return { type: 'failed', code: 'conflict', message: 'Another job (an import or a bulk change) is writing to the database; try again when it has finished.' };
  }
  if (nodeError?.code && /^E[A-Z]+$/.test(nodeError.code)) return { type: 'failed', code: 'io', message: `Could not write the file: ${nodeError.message}` };
  return { type: 'failed', code: 'internal', message: `The export failed: ${nodeError?.message ?? String(error)}` };
}

/** The reader thread: read snapshot, format, write the temporary file, stream exported rowids. */
function runReader(port: MessagePort, data: ReaderData): void {
  const flag = new Int32Array(data.cancel);
  let db: Sqlite | undefined;
  try {
    db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding, readonly: true });
    // A forward scan needs little cache; keeps two connections' caches within the RSS budget.
    setCacheSizeKib(db, 4096);
    begin(db);
    const result = readAndWrite(
      db,
      data.options,
      {
        isCancelled: () => Atomics.load(flag, 0) === 1,
        onProgress: (done, total) => port.postMessage({ type: 'progress', done, total } satisfies ReaderMessage),
      },
      {
        tmpPath: data.tmpPath,
        onSnapshot: () => port.postMessage({ type: 'snapshot' } satisfies ReaderMessage),
        range: data.range,
        withHead: data.withHead,
        nextPart: data.nextPart
          ? () => (waitForPart(new Int32Array(data.nextPart!.partCell), () => Atomics.load(flag, 0) === 1) ? data.nextPart!.path : null)
          : undefined,
      },
    );
    port.postMessage({ type: 'read', result } satisfies ReaderMessage);
  } catch (error) {
    port.postMessage((error instanceof ExportCancelled ? { type: 'cancelled' } : failure(error)) satisfies ReaderMessage);
  } finally {
    if (db?.inTransaction) rollback(db);
    db?.close();
  }
}

interface ReaderState {
  worker: Worker;
  snapshot: boolean;
  rowsDone: number;
  read: ReadResult | null;
  exited: boolean;
}

/**
 * The writer side of a parallel export: one reader thread, or two that each read half of the rows;
 * this thread links the batch meanwhile. Resolves with the outcome or the reason it stopped.
 */
/** How far a parallel export got: a committed batch whose file could not be renamed keeps its .part file for the next start. */
interface Placement {
  committed: boolean;
  placed: boolean;
}

function runParallel(
  db: Sqlite,
  data: ExportWorkerData,
  options: RunExportOptions,
  matching: number,
  flag: Int32Array,
  journaled: readonly string[],
  placement: Placement,
): Promise<ExportWorkerMessage> {
  const output = options.output!;
  const started = performance.now();
  const where = exportWhere(options);
  const middle = matching >= (data.splitMinRows ?? SPLIT_MIN_ROWS) ? middleKey(db, where, matching) : null;
  const partCell = new SharedArrayBuffer(4);
  const partState = new Int32Array(partCell);
  const ranges: (KeyRange | undefined)[] = middle ? [{ to: middle }, { from: middle }] : [undefined];
  const tmpPaths = ranges.map((_, index) => journaled[index]!);
  const readers: ReaderState[] = ranges.map((range, index) => {
    const workerData: ReaderData = {
      role: 'reader', dbPath: data.dbPath, nativeBinding: data.nativeBinding, options, tmpPath: tmpPaths[index]!, cancel: data.cancel,
      range, withHead: index === 0, nextPart: index === 0 && middle ? { path: tmpPaths[1]!, partCell } : undefined,
    };
    const resourceLimits = ranges.length > 1 ? SPLIT_READER_LIMITS : EXPORT_THREAD_LIMITS;
    return { worker: new Worker(__filename, { workerData, resourceLimits }), snapshot: false, rowsDone: 0, read: null, exited: false };
  });
  let linker: BatchLinker | null = null;
  let linkingDone = false;
  let linkMs = 0;
  let final: ExportWorkerMessage | null = null;
  let crash: string | null = null;
  let settle: (message: ExportWorkerMessage) => void = () => {};
  const done = new Promise<ExportWorkerMessage>((resolve) => (settle = resolve));

  let settled = false;
  const settleWhenReady = () => {
    if (settled || !final || readers.some((r) => !r.exited)) return;
    settled = true;
    if (final.type !== 'done') {
      if (db.inTransaction) rollback(db);
      if (!placement.committed) for (const path of tmpPaths) rmSync(path, { force: true });
    }
    settle(final);
  };
  const stop = (message: ExportWorkerMessage) => {
    if (!final) {
      final = message;
      Atomics.store(flag, 0, 1); // stop the readers too
      signalPart(partState, PART_ABANDONED);
    }
    settleWhenReady();
  };
  const finishIfReady = () => {
    if (final || !linkingDone || readers.some((r) => !r.read)) return;
    try {
      const reads = readers.map((r) => r.read!);
      const preview = reads.length === 1 ? reads[0]!.preview : mergePreviews(reads, options.excludedLimit);
      assertSomethingToExport(preview);
      const file = reads[0]!.file!;
      const t0 = performance.now();
      const linked = linker!.finish(reads.flatMap((r) => r.excludedRowids));
      linkMs += performance.now() - t0;
      finishBatchRow(db, output.batchId, file.sha256, preview.exported);
      const t1 = performance.now();
      commit(db);
      placement.committed = true;
      // Only a committed batch gets its file under the final name (temp-files.ts).
      placeFile(file.tmpPath, output.path, output.batchId);
      placement.placed = true;
      final = {
        type: 'done',
        outcome: {
          ...preview,
          timings: { ...reads[0]!.timings, readers: reads.length, linkBatch: Math.round(linkMs), commit: Math.round(performance.now() - t1), total: Math.round(performance.now() - started) },
          file: { path: output.path, sha256: file.sha256, bytes: file.bytes, batchId: output.batchId, linked },
        },
      };
    } catch (error) {
      stop(failure(error));
    }
    settleWhenReady();
  };
  // One chunk per turn of the event loop, so the readers' progress messages are relayed in between.
  const linkNextChunk = () => {
    if (final) return settleWhenReady();
    if (Atomics.load(flag, 0) === 1) return stop({ type: 'cancelled' });
    try {
      const t0 = performance.now();
      const more = linker!.step();
      linkMs += performance.now() - t0;
      if (more) setImmediate(linkNextChunk);
      else {
        linkingDone = true;
        finishIfReady();
      }
    } catch (error) {
      stop(failure(error));
    }
  };

  for (const [index, reader] of readers.entries()) {
    reader.worker.on('message', (message: ReaderMessage) => {
      if (final) return;
      try {
        if (message.type === 'snapshot') {
          reader.snapshot = true;
          // Every reader's snapshot is taken before this thread writes anything, so all see the same rows.
          if (readers.every((r) => r.snapshot)) {
            insertBatchRow(db, options);
            linker = batchLinker(db, where, output.batchId, matching, options.format);
            setImmediate(linkNextChunk);
          }
        } else if (message.type === 'progress') {
          reader.rowsDone = message.done;
          const doneRows = readers.reduce((sum, r) => sum + r.rowsDone, 0);
          parentPort?.postMessage({ type: 'progress', done: doneRows, total: matching } satisfies ExportWorkerMessage);
        } else if (message.type === 'read') {
          reader.read = message.result;
          if (index === 1) signalPart(partState, PART_READY);
          finishIfReady();
        } else stop(message);
      } catch (error) {
        stop(failure(error));
      }
    });
    reader.worker.on('error', (error) => {
      crash = `The export reader crashed: ${error.message}`;
    });
    reader.worker.on('exit', () => {
      reader.exited = true;
      if (!final && !reader.read) stop(Atomics.load(flag, 0) === 1 ? { type: 'cancelled' } : { type: 'failed', code: 'internal', message: crash ?? 'The export reader stopped before finishing.' });
      // Otherwise the last link chunks or the other reader may still be running.
      settleWhenReady();
    });
  }
  return done;
}

async function run(data: ExportWorkerData, port: MessagePort): Promise<ExportWorkerMessage> {
  const flag = new Int32Array(data.cancel);
  let db: Sqlite | undefined;
  let journaled: string[] = [];
  const placement: Placement = { committed: false, placed: false };
  const release = () => {
    if (db?.open && !(placement.committed && !placement.placed)) releaseTempFiles(db, journaled);
    journaled = [];
  };
  try {
    db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
    if (data.close) return { type: 'closed', outcome: closeBatchOn(db, data.close) };
    const options = data.options;
    if (!options) throw new Error('export worker started without a task');
    const hooks = {
      isCancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (done: number, total: number) => port.postMessage({ type: 'progress', done, total } satisfies ExportWorkerMessage),
    };
    if (!options.output) return { type: 'done', outcome: runExport(db, options, hooks) };

    // A million-row export leaves ~1 GB in the WAL. Its checkpoint runs here after the answer is
    // sent (below), not inside COMMIT, and never on the main thread's next write.
    setWalAutocheckpoint(db, 0);
    // Linking appends to sync_batch_events and scans events once: a small cache does, and keeps the
    // four threads (main, this, two readers) within the RSS budget.
    setCacheSizeKib(db, 8192);
    // The temporary files are journaled (committed) before any exists; see temp-files.ts.
    journaled = [temporaryPathFor(options.output.path), temporaryPathFor(options.output.path)];
    journalTempFiles(db, journaled, options.output);
    // The batch's COMMIT is durable before its file takes the final name.
    setSynchronous(db, 'FULL');
    beginImmediate(db);
    const matching = countMatching(db, exportWhere(options));
    let message: ExportWorkerMessage;
    if (matching >= (data.parallelMinRows ?? PARALLEL_MIN_ROWS)) {
      message = await runParallel(db, data, options, matching, flag, journaled, placement);
    } else {
      rollback(db);
      // runExport takes care of the first path itself (kept for the next start only if its rename failed).
      const [first, ...unused] = journaled;
      journaled = unused;
      message = { type: 'done', outcome: runExport(db, options, hooks, first) };
    }
    release();
    if (message.type !== 'done') return message;
    port.postMessage(message);
    try {
      walCheckpoint(db, 'PASSIVE');
    } catch {
      /* another connection is checkpointing: it will finish the job */
    }
    return { type: 'checkpointed' };
  } catch (error) {
    if (db?.inTransaction) rollback(db);
    if (error instanceof ExportCancelled) return { type: 'cancelled' };
    return failure(error);
  } finally {
    try {
      release();
    } catch {
      /* the database is busy: the next start removes the files */
    }
    db?.close();
  }
}

if (parentPort && workerData) {
  lowerThreadPriority();
  const port = parentPort;
  const data = workerData as ExportWorkerData | ReaderData;
  if ('role' in data) runReader(port, data);
  else void run(data, port).then((message) => port.postMessage(message));
}
