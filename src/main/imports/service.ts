import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  ImportMappingSchema,
  ImportOptionsSchema,
  PresetSaveSchema,
  type FileRef,
  type HashPlatform,
  type ImportMapping,
  type ImportOptionsInput,
  type ImportReport,
  type ImportSummary,
  type SourceTime,
  type MappingPreset,
  type PresetSave,
  type SniffResult,
} from '../../shared/domain/imports';
import type { SampleQuality } from '../../shared/domain/match-quality';
import type { ImportProgress } from '../../shared/ipc/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { fileRegistryFor, type FileRegistry } from '../files/registry';
import { formatIssues } from '../ipc/bind';
import { uuidv7 } from '../lib/ids';
import { workerPath } from '../runtime';
import { headerKey, mappingByHeader } from './mapping';
import * as repo from './repo';
import { measureSample } from './match-quality';
import { SniffError, sniffWithSample, type RawSample, type SniffOverrides } from './sniff';
import { IMPORT_THREAD_LIMITS } from './thread-limits';
import { hasOwnOffset, wallTimeText } from './time';
import type { ImportWorkerData, ImportWorkerMessage } from './worker';

export interface ImportServiceDeps {
  db: Sqlite;
  dbPath: string;
  nativeBinding?: string;
  /** Progress and completion pushes (import:progress, events:changed). */
  emitProgress(progress: ImportProgress): void;
  emitChanged(reason: string): void;
}

interface Running {
  worker: Worker;
  cancel: Int32Array;
  done: Promise<ImportReport>;
  startedAt: number;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('validation', `Invalid ${what}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Import feature: preview, start/cancel (worker), reports, undo, presets. One instance per database. */
export class ImportService {
  readonly files: FileRegistry;
  private readonly running = new Map<string, Running>();
  /** Workers of imports that have answered and are copying their WAL into the database (worker.ts). */
  private readonly finishing = new Set<Worker>();
  /** Last preview per file and overrides, so start() does not sniff again on the main thread. */
  private readonly sniffs = new Map<string, SniffResult>();
  /** Raw sample rows per file and overrides, for the fill rates; kept in main's memory only. */
  private readonly samples = new Map<string, RawSample>();

  constructor(private readonly deps: ImportServiceDeps) {
    this.files = fileRegistryFor(deps.db);
  }

  preview(ref: Pick<FileRef, 'id'>, overrides: SniffOverrides = {}): SniffResult {
    const file = this.files.resolve(ref);
    const key = `${ref.id}\u0000${overrides.encoding ?? ''}\u0000${overrides.delimiter ?? ''}`;
    let sniffed;
    try {
      const both = sniffWithSample(file.path, file.name, overrides, true);
      sniffed = both.sniff;
      if (this.samples.size > 20) this.samples.clear();
      this.samples.set(key, both.sample);
    } catch (error) {
      if (error instanceof SniffError) throw new AppError('validation', error.message);
      throw error;
    }
    const preset = sniffed.hasHeader ? repo.findPresetByHeaderKey(this.deps.db, headerKey(sniffed.headers)) : undefined;
    const usable = preset && preset.mapping.columns.length === sniffed.headers.length;
    const result: SniffResult = {
      ...sniffed,
      suggestedMapping: usable ? preset.mapping : sniffed.suggestedMapping,
      preset: usable ? { id: preset.id, name: preset.name } : null,
    };
    if (this.sniffs.size > 50) this.sniffs.clear();
    this.sniffs.set(key, result);
    return result;
  }

  /**
   * Fill rates and match estimate of the file's sample under a mapping (the mapping screen asks again
   * as the user changes it). The sample's raw rows stay in main; only counts leave.
   */
  quality(ref: Pick<FileRef, 'id'>, mappingInput: ImportMapping, input: { encoding?: SniffOverrides['encoding']; delimiter?: SniffOverrides['delimiter']; defaultCountry?: string; prehashedFor?: HashPlatform }): SampleQuality {
    const mapping = parse(ImportMappingSchema, mappingInput, 'mapping');
    const key = `${ref.id}\u0000${input.encoding ?? ''}\u0000${input.delimiter ?? ''}`;
    if (!this.samples.has(key)) this.preview(ref, { encoding: input.encoding, delimiter: input.delimiter });
    const sample = this.samples.get(key)!;
    const sniff = this.sniffs.get(key);
    if (sniff && sniff.headers.length !== mapping.columns.length) throw new AppError('validation', `The file has ${sniff.headers.length} columns but the mapping has ${mapping.columns.length}`);
    const prehashedFor = input.prehashedFor ?? sniff?.prehashedFor ?? 'meta';
    return measureSample(sample.rows, mapping.columns, { defaultCountry: input.defaultCountry, prehashedFor }, sample);
  }

  private sniffFor(ref: Pick<FileRef, 'id'>, overrides: SniffOverrides): SniffResult {
    return this.sniffs.get(`${ref.id}\u0000${overrides.encoding ?? ''}\u0000${overrides.delimiter ?? ''}`) ?? this.preview(ref, overrides);
  }

  /**
   * Resolves a CLI/automation mapping: 'auto' (preset for this header set, else synonyms), a preset
   * name, or JSON ({"columns":[…]} or {"Header": "target"}).
   */
  resolveMapping(ref: Pick<FileRef, 'id'>, spec: string, overrides: SniffOverrides = {}): { mapping: ImportMapping; sniff: SniffResult } {
    const sniff = this.preview(ref, overrides);
    if (spec === 'auto') return { mapping: sniff.suggestedMapping, sniff };
    if (spec.trim().startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(spec);
      } catch {
        throw new AppError('validation', 'The --mapping JSON does not parse');
      }
      if (json && typeof json === 'object' && !Array.isArray(json) && !Object.hasOwn(json, 'columns')) {
        const entries = Object.entries(json);
        if (entries.length === 0) return { mapping: sniff.suggestedMapping, sniff };
        const resolved = mappingByHeader(sniff.headers, entries);
        if ('unknown' in resolved) {
          throw new AppError(
            'validation',
            `The --mapping names ${resolved.unknown.map((h) => `"${h}"`).join(', ')}, which ${resolved.unknown.length === 1 ? 'is not a header' : 'are not headers'} of ${sniff.headers.length ? 'this file' : 'the file'}; its headers are: ${sniff.headers.map((h) => `"${h}"`).join(', ')}`,
          );
        }
        json = resolved;
      }
      return { mapping: parse(ImportMappingSchema, json, 'mapping'), sniff };
    }
    const preset = repo.findPresetByName(this.deps.db, spec);
    if (!preset) throw new AppError('not_found', `No mapping preset named "${spec}"`);
    if (preset.mapping.columns.length !== sniff.headers.length) {
      throw new AppError('validation', `Preset "${spec}" maps ${preset.mapping.columns.length} columns but the file has ${sniff.headers.length}`);
    }
    return { mapping: preset.mapping, sniff };
  }

  start(ref: Pick<FileRef, 'id'>, mappingInput: ImportMapping, optionsInput: ImportOptionsInput = {}): { importId: string } {
    const file = this.files.resolve(ref);
    const mapping = parse(ImportMappingSchema, mappingInput, 'mapping');
    const options = parse(ImportOptionsSchema, optionsInput, 'import options');
    if (!mapping.columns.includes('event_time')) throw new AppError('validation', 'Map a column to Event time before importing');
    const sniff = this.sniffFor(ref, { encoding: options.encoding, delimiter: options.delimiter });
    if (sniff.headers.length !== mapping.columns.length) {
      throw new AppError('validation', `The file has ${sniff.headers.length} columns but the mapping has ${mapping.columns.length}`);
    }
    const resolved = { ...options, delimiter: options.delimiter ?? sniff.delimiter, decimalComma: options.decimalComma ?? sniff.decimalComma, hasHeader: options.hasHeader ?? sniff.hasHeader };
    const importId = uuidv7();
    repo.createImportRow(this.deps.db, { id: importId, fileName: file.name, fileSize: file.size, filePath: file.path, mapping, options: resolved, headers: sniff.headers });
    const cancel = new SharedArrayBuffer(4);
    const data: ImportWorkerData = {
      dbPath: this.deps.dbPath,
      nativeBinding: this.deps.nativeBinding,
      input: { path: file.path, fileName: file.name, importId, mapping, options: resolved, mappers: mapperThreads(file.size), workerScript: workerPath('import-worker') },
      cancel,
    };
    const worker = new Worker(workerPath('import-worker'), { workerData: data, resourceLimits: IMPORT_THREAD_LIMITS });
    const startedAt = Date.now();
    const bytesTotal = file.size;
    const done = new Promise<ImportReport>((resolve) => {
      let settled = false;
      const finish = (phase: ImportProgress['phase'], last?: { rowsDone: number; bytesDone: number }) => {
        if (settled) return;
        settled = true;
        this.running.delete(importId);
        this.emit(importId, phase, last?.rowsDone ?? 0, last?.bytesDone ?? bytesTotal, bytesTotal, startedAt);
        if (phase === 'done') this.deps.emitChanged('import');
        resolve(this.get(importId));
      };
      let last = { rowsDone: 0, bytesDone: 0 };
      let indexing: number | null = null;
      let final: ImportWorkerMessage | null = null;
      let crash: string | null = null;
      worker.on('message', (message: ImportWorkerMessage) => {
        if (message.type === 'progress') {
          last = message;
          this.emit(importId, 'reading', message.rowsDone, message.bytesDone, message.bytesTotal, startedAt);
        } else if (message.type === 'indexing') {
          indexing ??= Date.now();
          this.emit(importId, 'indexing', last.rowsDone, bytesTotal, bytesTotal, startedAt, { done: message.done, total: message.total, startedAt: indexing });
        } else if (message.type === 'finishing') {
          this.emit(importId, 'finishing', last.rowsDone, bytesTotal, bytesTotal, startedAt);
        } else {
          final = message;
          // Committed: answer now; the worker checkpoints the WAL, then exits.
          if (message.type === 'done') {
            this.finishing.add(worker);
            finish('done', { rowsDone: message.rowsRead, bytesDone: bytesTotal });
          }
        }
      });
      worker.on('error', (error) => {
        crash = `The import worker crashed: ${error.message}`;
      });
      // A failed or cancelled import is settled when the worker has fully exited (its connection is closed by then).
      worker.on('exit', () => {
        this.finishing.delete(worker);
        const outcome = final as ImportWorkerMessage | null;
        if (outcome?.type === 'done') return finish('done', { rowsDone: outcome.rowsRead, bytesDone: bytesTotal });
        if (outcome?.type === 'cancelled' || outcome?.type === 'failed') return finish(outcome.type, last);
        const cancelled = Atomics.load(new Int32Array(cancel), 0) === 1;
        this.markIfRunning(importId, cancelled ? 'cancelled' : 'failed', crash ?? 'The import stopped before finishing; nothing from it was kept.');
        finish(cancelled ? 'cancelled' : 'failed', last);
      });
    });
    this.running.set(importId, { worker, cancel: new Int32Array(cancel), done, startedAt });
    return { importId };
  }

  private markIfRunning(importId: string, status: 'failed' | 'cancelled', message: string): void {
    const row = repo.findImport(this.deps.db, importId);
    if (row?.status === 'running') {
      repo.deleteImportEvents(this.deps.db, importId);
      repo.finishImportRow(this.deps.db, importId, status, null, message);
    }
  }

  private emit(
    importId: string,
    phase: ImportProgress['phase'],
    rowsDone: number,
    bytesDone: number,
    bytesTotal: number,
    startedAt: number,
    indexes?: { done: number; total: number; startedAt: number },
  ): void {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    let eta = phase === 'reading' && bytesDone > 0 ? Math.round((seconds * (bytesTotal - bytesDone)) / bytesDone) : phase === 'reading' || phase === 'finishing' ? null : 0;
    if (indexes) {
      // The indexes take roughly the same time each (every one scans the whole table once).
      const spent = (Date.now() - indexes.startedAt) / 1000;
      eta = indexes.done > 0 ? Math.round((spent * (indexes.total - indexes.done)) / indexes.done) : null;
    }
    this.deps.emitProgress({
      importId,
      phase,
      rowsDone,
      bytesDone,
      bytesTotal,
      rowsPerSecond: Math.round(rowsDone / seconds),
      etaSeconds: eta,
      ...(indexes ? { indexesDone: indexes.done, indexesTotal: indexes.total } : {}),
    });
  }

  /** Resolves when the import ends (any outcome) with its report. */
  async wait(importId: string): Promise<ImportReport> {
    const running = this.running.get(importId);
    return running ? running.done : this.get(importId);
  }

  /** Asks the worker to stop; it rolls back. A worker that does not stop within 10 s is terminated. */
  cancel(importId: string): { cancelled: boolean } {
    const running = this.running.get(importId);
    if (!running) {
      const row = repo.findImport(this.deps.db, importId);
      if (!row) throw new AppError('not_found', `No import with id ${importId}`);
      return { cancelled: false };
    }
    Atomics.store(running.cancel, 0, 1);
    const timer = setTimeout(() => void running.worker.terminate(), 10_000);
    void running.done.finally(() => clearTimeout(timer));
    return { cancelled: true };
  }

  get(importId: string): ImportReport {
    const row = repo.findImport(this.deps.db, importId);
    if (!row) throw new AppError('not_found', `No import with id ${importId}`);
    return repo.importReport(this.deps.db, row);
  }

  /** An event's time as its file gave it; null for an event not imported from a file (or imported before 0019). */
  sourceTime(eventId: string): SourceTime | null {
    const row = repo.findSourceTime(this.deps.db, eventId);
    if (!row) throw new AppError('not_found', `No event with id ${eventId}`);
    const text = row.source_time ?? (row.time_zone ? wallTimeText(row.event_time, row.time_zone) : null);
    if (text === null) return null;
    return { text, zone: hasOwnOffset(text) ? null : row.time_zone };
  }

  list(limit = 100): ImportSummary[] {
    return repo.listImports(this.deps.db, limit);
  }

  /** Deletes exactly this import's events, in chunks so the window stays responsive. Refused if any was sent. */
  async undo(importId: string): Promise<{ deleted: number }> {
    const row = repo.findImport(this.deps.db, importId);
    if (!row) throw new AppError('not_found', `No import with id ${importId}`);
    if (row.status === 'running') throw new AppError('conflict', 'The import is still running; cancel it instead');
    const sent = repo.sentEventCount(this.deps.db, importId);
    if (sent > 0) {
      throw new AppError('conflict', `${sent} event(s) of this import were already sent to an ad platform; undo would lose that record. Skip the others instead.`, { sent });
    }
    let deleted = 0;
    for (;;) {
      const n = repo.deleteImportEventsChunk(this.deps.db, importId, 2000);
      deleted += n;
      if (n === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    repo.setImportStatus(this.deps.db, importId, 'undone');
    this.deps.emitChanged('import-undo');
    return { deleted };
  }

  listPresets(): MappingPreset[] {
    return repo.listPresets(this.deps.db);
  }

  savePreset(input: PresetSave): MappingPreset {
    const data = parse(PresetSaveSchema, input, 'preset');
    if (data.headers.length !== data.mapping.columns.length) throw new AppError('validation', 'The preset has a different number of headers and mapped columns');
    const id = repo.upsertPreset(this.deps.db, data.name, headerKey(data.headers), data.headers, data.mapping);
    return repo.listPresets(this.deps.db).find((p) => p.id === id)!;
  }

  deletePreset(id: string): { deleted: boolean } {
    return { deleted: repo.deletePreset(this.deps.db, id) };
  }

  /** Stops running workers and waits for the ones still checkpointing (app quit, tests). */
  async shutdown(): Promise<void> {
    for (const [id] of this.running) this.cancel(id);
    const finishing = [...this.finishing].map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
    await Promise.all([...[...this.running.values()].map((r) => r.done), ...finishing]);
  }
}

/**
 * Extra mapping threads: none for small files (thread start-up costs more than it saves), else one
 * per core beyond the pipeline's own, at most 3. Measured on 2 cores with the bulk load (1M rows):
 * 2 mappers 60.3 s and 345 MB peak RSS vs 1 mapper 52.1 s and 286 MB (three busy threads on two
 * cores; the pipeline thread, which parses and inserts in file order, is starved). Letting the
 * pipeline thread map batches itself while it would wait for the one mapper did not help either
 * (63.1 / 66.0 s vs 58.0 / 51.3 s alternating, +10 MB), so neither is used.
 */
export function mapperThreads(fileSize: number): number {
  const fromEnv = process.env.CONVDESK_IMPORT_MAPPERS;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Math.min(Number(fromEnv), 8);
  if (fileSize < 4 * 1024 * 1024) return 0;
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

const services = new WeakMap<Sqlite, ImportService>();

export function importServiceFor(deps: ImportServiceDeps): ImportService {
  let service = services.get(deps.db);
  if (!service) {
    service = new ImportService(deps);
    services.set(deps.db, service);
  }
  return service;
}
