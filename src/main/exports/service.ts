import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ExportRequestSchema, type ExportPreview, type ExportRequest, type ExportResult, type SyncBatch } from '../../shared/domain/exports';
import type { JobProgress } from '../../shared/ipc/events';
import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError, type ErrorCode } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { parseOrThrow } from '../events/service';
import { applyResultsFile, closeBatchOn, type CloseRequest } from './batches';
import { uuidv7 } from '../lib/ids';
import { workerPath } from '../runtime';
import { getSettings } from '../settings/service';
import * as repo from './repo';
import { EXPORT_THREAD_LIMITS, type RunExportOptions, type RunExportOutcome } from './run';
import type { ExportWorkerData, ExportWorkerMessage } from './worker';

export interface ExportServiceDeps {
  db: Sqlite;
  dbPath: string;
  nativeBinding?: string;
  emitProgress(progress: JobProgress): void;
  emitChanged(reason: string): void;
}

export interface RunOptions {
  /** Client-chosen id for progress and cancel; generated when absent. */
  jobId?: string;
  /** "Now" for the platform windows (tests, reproducible files). */
  now?: Date;
  /** How many excluded events to list in the answer (all are counted). Default 1,000. */
  excludedLimit?: number;
  /** Exports of at least this many rows read on a second thread while linking (default 100,000). */
  parallelMinRows?: number;
  /** …and from this many on two reader threads, each half of the rows (default 200,000). */
  splitMinRows?: number;
}

function rowsFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

interface Running {
  worker: Worker;
  cancel: Int32Array;
}

const nowIso = () => new Date().toISOString();

/** Exports (preview / run / cancel, in the export worker) and sync batches (list / mark uploaded / mark failed). */
export class ExportService {
  private readonly running = new Map<string, Running>();
  /** Workers that answered and are checkpointing the WAL before they exit. */
  private readonly finishing = new Set<Worker>();
  /** Phase timings of the last export (benchmark notes). */
  lastTimings: Record<string, number> = {};

  constructor(private readonly deps: ExportServiceDeps) {}

  private options(request: ExportRequest, opts: RunOptions): Omit<RunExportOptions, 'output'> {
    const parsed = parseOrThrow(ExportRequestSchema, request, 'export request');
    return {
      format: parsed.format,
      filter: parsed.filter,
      settings: getSettings(this.deps.db),
      nowMs: (opts.now ?? new Date()).getTime(),
      excludedLimit: opts.excludedLimit ?? 1000,
    };
  }

  /** Counts what a file would hold and lists the excluded events with their reasons. */
  async preview(request: ExportRequest, opts: RunOptions = {}): Promise<ExportPreview> {
    const outcome = await this.spawn(this.options(request, opts), opts.jobId ?? uuidv7(), opts.jobId !== undefined);
    const { file: _file, timings: _timings, ...preview } = outcome;
    return preview;
  }

  /** Writes the file to `path` (absolute) and creates the sync batch. */
  async run(request: ExportRequest, path: string, opts: RunOptions = {}): Promise<ExportResult> {
    if (!isAbsolute(path)) throw new AppError('validation', `The export path must be absolute: ${path}`);
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AppError('io', `The folder ${dir} does not exist`);
    if (existsSync(path) && !statSync(path).isFile()) throw new AppError('io', `${path} is not a regular file`);
    const jobId = opts.jobId ?? uuidv7();
    const batchId = uuidv7();
    const started = Date.now();
    const base = this.options(request, opts);
    const threads = {
      parallelMinRows: opts.parallelMinRows ?? rowsFromEnv('CONVDESK_EXPORT_PARALLEL_MIN'),
      splitMinRows: opts.splitMinRows ?? rowsFromEnv('CONVDESK_EXPORT_SPLIT_MIN'),
    };
    const outcome = await this.spawn({ ...base, output: { path, batchId, createdAt: nowIso() } }, jobId, true, threads);
    const file = outcome.file!;
    const { file: _file, timings, ...preview } = outcome;
    this.lastTimings = timings;
    if (file.linked > 0) this.deps.emitChanged('export');
    return { ...preview, batchId: file.batchId, path: file.path, fileSha256: file.sha256, bytes: file.bytes, linked: file.linked, durationMs: Date.now() - started };
  }

  private spawn(
    options: RunExportOptions,
    jobId: string,
    announce: boolean,
    threads: Pick<ExportWorkerData, 'parallelMinRows' | 'splitMinRows'> = {},
  ): Promise<RunExportOutcome> {
    if (this.running.has(jobId)) throw new AppError('conflict', `Job ${jobId} is already running`);
    const cancel = new SharedArrayBuffer(4);
    const data: ExportWorkerData = { dbPath: this.deps.dbPath, nativeBinding: this.deps.nativeBinding, options, cancel, ...threads };
    const worker = new Worker(workerPath('export-worker'), { workerData: data, resourceLimits: EXPORT_THREAD_LIMITS });
    this.running.set(jobId, { worker, cancel: new Int32Array(cancel) });
    let last = { done: 0, total: 0 };
    const emit = (phase: JobProgress['phase']) => {
      if (announce) this.deps.emitProgress({ jobId, kind: 'export', done: last.done, total: last.total, phase });
    };
    return new Promise<RunExportOutcome>((resolve, reject) => {
      let final: ExportWorkerMessage | null = null;
      let crash: string | null = null;
      let settled = false;
      worker.on('message', (message: ExportWorkerMessage) => {
        if (message.type === 'progress') {
          last = message;
          emit('running');
        } else if (message.type === 'done') {
          // The file and the batch are committed: answer now; the worker checkpoints the WAL and exits.
          final = message;
          settled = true;
          this.running.delete(jobId);
          this.finishing.add(worker);
          emit('done');
          resolve(message.outcome);
        } else if (message.type !== 'checkpointed') final = message;
      });
      worker.on('error', (error) => {
        crash = `The export worker crashed: ${error.message}`;
      });
      worker.on('exit', () => {
        this.finishing.delete(worker);
        if (settled) return;
        this.running.delete(jobId);
        const outcome = final as ExportWorkerMessage | null;
        if (outcome?.type === 'cancelled' || (!outcome && Atomics.load(new Int32Array(cancel), 0) === 1)) {
          emit('cancelled');
          return reject(new AppError('cancelled', 'The export was cancelled; no file was written and no batch was created.'));
        }
        emit('failed');
        if (outcome?.type === 'failed') return reject(new AppError(outcome.code as ErrorCode, outcome.message, outcome.details));
        reject(new AppError('internal', crash ?? 'The export stopped before finishing; no batch was created.'));
      });
    });
  }

  /** Stops a running export or preview; it rolls back and removes its partial file. */
  cancel(jobId: string): { cancelled: boolean } {
    const running = this.running.get(jobId);
    if (!running) return { cancelled: false };
    Atomics.store(running.cancel, 0, 1);
    const timer = setTimeout(() => void running.worker.terminate(), 10_000);
    running.worker.once('exit', () => clearTimeout(timer));
    return { cancelled: true };
  }

  listBatches(limit = 100): SyncBatch[] {
    return repo.listBatches(this.deps.db, limit);
  }

  getBatch(batchId: string): SyncBatch {
    const batch = repo.findBatch(this.deps.db, batchId);
    if (!batch) throw new AppError('not_found', `No sync batch with id ${batchId}`);
    return batch;
  }

  /** Batches with more events than this are closed in the export worker, off the main thread. */
  static readonly IN_THREAD_CLOSE_MAX = 20_000;

  private async close(request: CloseRequest): Promise<{ batch: SyncBatch; outcome: TransitionOutcome }> {
    const batch = this.getBatch(request.batchId);
    const outcome =
      batch.eventCount <= ExportService.IN_THREAD_CLOSE_MAX || request.eventIds?.length
        ? closeBatchOn(this.deps.db, request)
        : await this.closeInWorker(request);
    this.deps.emitChanged(request.action === 'uploaded' ? 'batch-uploaded' : 'batch-failed');
    return { batch: this.getBatch(request.batchId), outcome };
  }

  private closeInWorker(request: CloseRequest): Promise<TransitionOutcome> {
    const data: ExportWorkerData = { dbPath: this.deps.dbPath, nativeBinding: this.deps.nativeBinding, close: request, cancel: new SharedArrayBuffer(4) };
    const worker = new Worker(workerPath('export-worker'), { workerData: data });
    this.finishing.add(worker);
    return new Promise((resolve, reject) => {
      let final: ExportWorkerMessage | null = null;
      let crash: string | null = null;
      worker.on('message', (message: ExportWorkerMessage) => {
        final = message;
      });
      worker.on('error', (error) => {
        crash = `The batch worker crashed: ${error.message}`;
      });
      worker.on('exit', () => {
        this.finishing.delete(worker);
        const outcome = final as ExportWorkerMessage | null;
        if (outcome?.type === 'closed') return resolve(outcome.outcome);
        if (outcome?.type === 'failed') return reject(new AppError(outcome.code as ErrorCode, outcome.message, outcome.details));
        reject(new AppError('internal', crash ?? 'The batch change stopped before finishing; nothing was changed.'));
      });
    });
  }

  /** The file was uploaded: the batch's queued events → sent (attempts +1, synced_at, history with the batch id). */
  markUploaded(batchId: string): Promise<{ batch: SyncBatch; outcome: TransitionOutcome }> {
    return this.close({ batchId, action: 'uploaded' });
  }

  /**
   * The platform refused the file (whole batch → failed, its queued events → failed with the reason)
   * or some of its rows (`eventIds`: only those → failed; the batch stays open for "mark uploaded").
   */
  markFailed(batchId: string, reason: string, eventIds?: string[]): Promise<{ batch: SyncBatch; outcome: TransitionOutcome }> {
    if (!reason.trim()) return Promise.reject(new AppError('validation', 'Marking a batch failed needs a reason (what the platform said)'));
    return this.close({ batchId, action: 'failed', reason, eventIds });
  }

  /** "Mark failed" from the platform's per-row results file (its text, read by the caller). */
  applyResults(batchId: string, text: string) {
    const result = applyResultsFile(this.deps.db, batchId, text, getSettings(this.deps.db).timeZone);
    if (result.failed) this.deps.emitChanged('batch-failed');
    return { batch: this.getBatch(batchId), ...result };
  }

  /** Stops running workers (app quit, tests). */
  async shutdown(): Promise<void> {
    const workers = [...this.running.entries()];
    for (const [id] of workers) this.cancel(id);
    const all = [...workers.map(([, r]) => r.worker), ...this.finishing];
    await Promise.all(all.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
  }
}

const services = new WeakMap<Sqlite, ExportService>();

export function exportServiceFor(deps: ExportServiceDeps): ExportService {
  let service = services.get(deps.db);
  if (!service) {
    service = new ExportService(deps);
    services.set(deps.db, service);
  }
  return service;
}
