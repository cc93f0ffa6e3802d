/**
 * One export (or its preview) over connections of its own (it runs in the export worker).
 *
 * - `readAndWrite` reads the matching events in time order, turns each into a line or an exclusion,
 *   and streams the lines to a temporary file (SHA-256 computed on the way).
 * - `runExport` does everything in one thread: in the write transaction that read the events it
 *   creates the sync batch, links the exported queued events (`batchLinker`, rows of
 *   sync_batch_events) and commits; then renames the file into place (temp-files.ts: a killed
 *   export never leaves a final file without its batch, and its .part file is cleaned up at the next start).
 * - For large exports the worker runs the read/write part on a second thread with its own
 *   connection whose read snapshot starts while this thread holds the write lock (so both see the
 *   same rows), and links the batch meanwhile (see worker.ts).
 *
 * Cancelling rolls everything back and removes the partial file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import type { ExcludedEvent, ExclusionCode, ExportFormat, ExportPreview, WarningCode } from '../../shared/domain/exports';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { AppSettings } from '../../shared/domain/settings';
import { AppError } from '../../shared/ipc/result';
import { begin, beginImmediate, commit, rollback } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { setSynchronous } from '../db/pragma-repo';
import { filterExpression } from '../events/filter-repo';
import { FORMAT_DESTINATION } from '../../shared/domain/delivery';
import { destinationFilter } from '../delivery/repo';
import { createFormatWriter, type ExportRow } from './formats';
import { excludedEventDetails } from './repo';
import { appendPart, warningsOf } from './parts';
import {
  batchLinker,
  countInOpenBatches,
  countMatching,
  exportRows,
  finishBatchRow,
  insertBatchRow as insertBatch,
  withRange,
  type ExportWhere,
  type KeyRange,
} from './read-repo';

export { batchLinker, countMatching, finishBatchRow, type BatchLinker } from './read-repo';
import { journalTempFiles, placeFile, releaseTempFiles } from './temp-files';

export interface RunExportOptions {
  format: ExportFormat;
  filter: EventFilterParsed;
  settings: AppSettings;
  nowMs: number;
  /** How many excluded events to list (all are counted). */
  excludedLimit: number;
  /** Absent for a preview. */
  output?: { path: string; batchId: string; createdAt: string };
}

export interface RunExportHooks {
  isCancelled(): boolean;
  onProgress(done: number, total: number): void;
}

export interface RunExportOutcome extends ExportPreview {
  file?: { path: string; sha256: string; bytes: number; batchId: string; linked: number };
  /** Milliseconds per phase (for the benchmark notes). */
  timings: Record<string, number>;
}

/**
 * For the threads that read and format rows: each row allocates a few short-lived strings, and a
 * 32 MB semi-space (V8's default is 16 MB) halves the scavenges — 1M rows read, formatted and
 * written in 4.6 s instead of 6.0 s here, for ~30 MB more RSS.
 */
export const EXPORT_THREAD_LIMITS = { maxYoungGenerationSizeMb: 96 };
/** Two reader threads each format half the rows: V8's default young generation keeps both within the RSS budget. */
export const SPLIT_READER_LIMITS = { maxYoungGenerationSizeMb: 48 };

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled; no file was written and no batch was created.');
  }
}

/**
 * The filter an export uses: queued events unless the filter names statuses. For a platform's file the
 * statuses are those of the event's delivery to THAT destination (an event sent to Meta is still
 * queued for Google); for the spreadsheet CSV they are the overall sync_status.
 */
export function exportFilter(filter: EventFilterParsed, format: ExportFormat): EventFilterParsed {
  const destination = FORMAT_DESTINATION[format];
  if (destination) return destinationFilter(filter, destination);
  return filter.statuses?.length ? filter : { ...filter, statuses: ['queued'] };
}

export function exportWhere(options: RunExportOptions): ExportWhere {
  return filterExpression(exportFilter(options.filter, options.format));
}

const FLUSH_BYTES = 1 << 20;
const CHECK_EVERY = 4096;
const PROGRESS_MS = 200;

export interface ReadResult {
  preview: ExportPreview;
  /** The warnings' raw counts (to merge two readers' previews). */
  warningCounts: Partial<Record<WarningCode, number>>;
  /** The written temporary file (when a path was given). */
  file?: { tmpPath: string; sha256: string; bytes: number };
  excludedRowids: number[];
  timings: Record<string, number>;
}

export interface ReadExtras {
  /** Write the lines here (a new file, created exclusively). */
  tmpPath?: string;
  /** Called once the read snapshot is established (after the first query). */
  onSnapshot?(): void;
  /** Only this part of the rows (two readers split a large export; parts.ts). */
  range?: KeyRange;
  /** false: no Parameters line / header (the second part). */
  withHead?: boolean;
  /** Blocks until the next part's file is written and returns its path (appended before the SHA-256 is final), or null when stopped. */
  nextPart?(): string | null;
}

/**
 * Reads and formats the events, writing the file when `extras.tmpPath` is set. The caller owns the
 * transaction. On any error the temporary file is removed.
 */
export function readAndWrite(db: Sqlite, options: RunExportOptions, hooks: RunExportHooks, extras: ReadExtras = {}): ReadResult {
  const where = withRange(exportWhere(options), extras.range);
  const writer = createFormatWriter(options.format, { settings: options.settings, nowMs: options.nowMs });
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };
  let fd: number | null = null;
  let keepFile = false;
  try {
    const total = countMatching(db, where);
    extras.onSnapshot?.();
    hooks.onProgress(0, total);
    lap('count');

    const hash = createHash('sha256');
    let bytes = 0;
    let buffer = '';
    // One reused output buffer: allocating a fresh Buffer per chunk lets hundreds of MB of external
    // memory pile up before V8 collects them.
    const out = Buffer.allocUnsafe(FLUSH_BYTES * 3 + 1024);
    const flush = () => {
      if (fd === null || buffer.length === 0) return;
      const size = Buffer.byteLength(buffer, 'utf8');
      const chunk = size <= out.length ? out.subarray(0, out.write(buffer, 0, 'utf8')) : Buffer.from(buffer, 'utf8');
      hash.update(chunk);
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
      bytes += chunk.length;
      buffer = '';
    };
    const writing = extras.tmpPath !== undefined;
    if (writing) {
      fd = openSync(extras.tmpPath!, 'wx', 0o600);
      buffer = extras.withHead === false ? '' : writer.head;
    }

    const excludedRowids: number[] = [];
    const warningCounts: Partial<Record<WarningCode, number>> = {};
    const excluded: (ExcludedEvent & { rowid: number })[] = [];
    const byCode: Partial<Record<ExclusionCode, number>> = {};
    let done = 0;
    let lastProgress = Date.now();
    // Raw rows copied into one reused object: a million rows allocate a million arrays, not also a
    // million objects with a dozen properties each.
    const columns = ['rowid', ...writer.columns];
    const width = columns.length;
    const row = Object.fromEntries(columns.map((c) => [c, null])) as unknown as ExportRow;
    const target = row as unknown as Record<string, unknown>;
    for (const values of exportRows(db, columns, where, extras.range)) {
      for (let c = 0; c < width; c++) target[columns[c]!] = values[c];
      const line = writer.line(row);
      if (typeof line === 'string') {
        writer.warn?.(row, warningCounts);
        if (writing) {
          buffer += line;
          if (buffer.length >= FLUSH_BYTES) flush();
        }
      } else {
        excludedRowids.push(row.rowid);
        const codes = line.codes ?? [line.code];
        for (const code of codes) byCode[code] = (byCode[code] ?? 0) + 1;
        if (excluded.length < options.excludedLimit) {
          excluded.push({ rowid: row.rowid, id: '', eventId: '', code: line.code, reason: line.reason, codes, reasons: line.reasons ?? [line.reason], orderId: null, sourceLine: null, eventTime: '' });
        }
      }
      if (++done % CHECK_EVERY === 0) {
        if (hooks.isCancelled()) throw new ExportCancelled();
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_MS) {
          lastProgress = now;
          hooks.onProgress(done, total);
        }
      }
    }
    if (hooks.isCancelled()) throw new ExportCancelled();
    lap('readFormatWrite');

    // The listed excluded events' ids, order ids, file lines and times, looked up once (the loop reads only rowids).
    if (excluded.length) {
      const found = excludedEventDetails(db, excluded.map((e) => e.rowid));
      for (const entry of excluded) {
        const details = found.get(entry.rowid);
        entry.id = details?.id ?? '';
        entry.eventId = details?.event_id ?? '';
        entry.orderId = details?.transaction_id ?? null;
        entry.sourceLine = details?.source_line ?? null;
        entry.eventTime = details?.event_time ?? '';
      }
    }
    const moved = countInOpenBatches(db, where, excludedRowids, options.format);
    if (moved) warningCounts.in_other_batch = moved;
    const warnings = warningsOf(warningCounts);
    const preview: ExportPreview = {
      format: options.format,
      matched: done,
      exported: done - excludedRowids.length,
      excludedCount: excludedRowids.length,
      excludedByCode: byCode,
      excluded: excluded.map(({ rowid: _rowid, ...entry }) => entry),
      excludedTruncated: excludedRowids.length > excluded.length,
      warnings,
    };
    hooks.onProgress(done, total);
    if (!writing || fd === null) return { preview, warningCounts, excludedRowids, timings };

    flush();
    if (extras.nextPart) {
      const part = extras.nextPart();
      if (part === null) throw new ExportCancelled();
      lap('waitForPart');
      bytes += appendPart(fd, hash, part, out);
      lap('appendPart');
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    const sha256 = hash.digest('hex');
    lap('flushFsync');
    keepFile = true;
    return { preview, warningCounts, excludedRowids, timings, file: { tmpPath: extras.tmpPath!, sha256, bytes } };
  } finally {
    if (fd !== null) closeSync(fd);
    if (!keepFile && extras.tmpPath !== undefined) rmSync(extras.tmpPath, { force: true });
  }
}

/** Refuses to write a file (and open a batch) with no events in it; the details carry the preview. */
export function assertSomethingToExport(preview: ExportPreview): void {
  if (preview.exported > 0) return;
  const message =
    preview.matched === 0
      ? 'Nothing to export: no events match the filter (by default, queued events).'
      : `Nothing to export: all ${preview.matched} matching event(s) are excluded (${Object.entries(preview.excludedByCode).map(([code, n]) => `${n} ${code}`).join(', ')}).`;
  throw new AppError('validation', message, { preview });
}

export function temporaryPathFor(path: string): string {
  return `${path}.${randomBytes(4).toString('hex')}.part`;
}

export function insertBatchRow(db: Sqlite, options: RunExportOptions): void {
  const output = options.output!;
  insertBatch(db, { id: output.batchId, destination: options.format, file_path: output.path, created_at: output.createdAt });
}

/**
 * The whole export in this thread (previews, and exports small enough not to need a second thread).
 * `tmpPath`: a temporary path the caller has already journaled (temp-files.ts); otherwise one is made.
 */
export function runExport(db: Sqlite, options: RunExportOptions, hooks: RunExportHooks, tmpPath?: string): RunExportOutcome {
  const output = options.output;
  if (!output) {
    // A read snapshot for a preview.
    begin(db);
    try {
      const read = readAndWrite(db, options, hooks);
      return { ...read.preview, timings: read.timings };
    } finally {
      if (db.inTransaction) rollback(db);
    }
  }
  const partPath = tmpPath ?? temporaryPathFor(output.path);
  journalTempFiles(db, [partPath], output);
  let committed = false;
  let placed = false;
  try {
    // A write transaction: the file and the batch agree with the database. Its COMMIT is durable
    // (FULL) before the file takes its final name, so not even a power loss leaves a file without a batch.
    setSynchronous(db, 'FULL');
    beginImmediate(db);
    const read = readAndWrite(db, options, hooks, { tmpPath: partPath });
    assertSomethingToExport(read.preview);
    const file = read.file!;
    let mark = performance.now();
    insertBatchRow(db, options);
    finishBatchRow(db, output.batchId, file.sha256, read.preview.exported);
    const linker = batchLinker(db, exportWhere(options), output.batchId, read.preview.matched, options.format);
    while (linker.step()) if (hooks.isCancelled()) throw new ExportCancelled();
    const linked = linker.finish(read.excludedRowids);
    read.timings.linkBatch = Math.round(performance.now() - mark);
    mark = performance.now();
    commit(db);
    committed = true;
    // Only a committed batch gets its file under the final name.
    placeFile(file.tmpPath, output.path, output.batchId);
    placed = true;
    read.timings.commit = Math.round(performance.now() - mark);
    return { ...read.preview, timings: read.timings, file: { path: output.path, sha256: file.sha256, bytes: file.bytes, batchId: output.batchId, linked } };
  } catch (error) {
    if (db.inTransaction) rollback(db);
    throw error;
  } finally {
    // A committed batch whose file could not be renamed keeps its journal row: the next start retries.
    if (!committed || placed) releaseTempFiles(db, [partPath]);
  }
}
