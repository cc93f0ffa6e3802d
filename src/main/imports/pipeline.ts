import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ImportDelimiter, ImportEncoding, ImportMapping, ImportOptions, ImportRowError } from '../../shared/domain/imports';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import type { InsertRow } from '../events/repo';
import { CsvParser, type CsvRow } from './csv';
import { createDecoder, detectEncoding, EncodingMismatch } from './decode';
import { catalogLookups, finishImportRow, MAX_STORED_ERRORS, prepareImportStatements, type ImportCounts } from './repo';
import { RowError, RowMapper, toRowError } from './rows';
import { parametersTimeZone, readHead, sniffFile } from './sniff';
import { TimeParseError, ZoneClock } from './time';

export interface PipelineInput {
  path: string;
  fileName: string;
  importId: string;
  mapping: ImportMapping;
  options: ImportOptions;
  /** Bytes read per step (tests use tiny chunks to prove split-invariance). */
  chunkBytes?: number;
}

export interface PipelineProgress {
  rowsDone: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface PipelineHooks {
  /** Called at most every `progressMs` (and once at the end). */
  onProgress?(progress: PipelineProgress): void;
  isCancelled?(): boolean;
  progressMs?: number;
}

export interface PipelineResult extends ImportCounts {
  sha256: string;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  timezone: string | null;
}

export class ImportCancelled extends Error {
  constructor() {
    super('The import was cancelled; nothing from it was kept.');
  }
}

/**
 * Runs one import synchronously on `db` (the worker's own connection): decode → parse → map →
 * validate → hash → insert, all inside one transaction that commits with synchronous=FULL, so a
 * cancelled, failed or crashed import leaves no events. Throws AppError for file-level problems and
 * ImportCancelled when cancelled.
 */
export function runPipeline(db: Sqlite, input: PipelineInput, hooks: PipelineHooks = {}): PipelineResult {
  const bytesTotal = statSync(input.path).size;
  const head = readHead(input.path);
  if (head.length === 0) throw new AppError('validation', `${input.fileName} is empty (0 bytes)`);
  const detected = detectEncoding(head, input.fileName);
  const forced = input.options.encoding;
  const delimiter = input.options.delimiter ?? sniffFile(input.path, input.fileName, { encoding: forced }).delimiter;
  db.pragma('synchronous = FULL');
  let encoding: ImportEncoding = forced ?? detected.encoding;
  for (;;) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const bom = encoding === detected.encoding ? detected.bomLength : 0;
      const result = pass(db, input, hooks, encoding, bom, delimiter, bytesTotal);
      finishImportRow(db, input.importId, 'completed', result, null, result.sha256);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (error instanceof EncodingMismatch) {
        if (forced === 'utf-8' || encoding !== 'utf-8') {
          throw new AppError('validation', `${input.fileName} is not valid UTF-8 (near byte ${error.byteOffset}); choose another encoding such as Windows-1252`);
        }
        encoding = 'windows-1252';
        continue;
      }
      throw error;
    }
  }
}

function pass(
  db: Sqlite,
  input: PipelineInput,
  hooks: PipelineHooks,
  encoding: ImportEncoding,
  bomLength: number,
  delimiter: ImportDelimiter,
  bytesTotal: number,
): PipelineResult {
  const { importId, options } = input;
  const stmts = prepareImportStatements(db);
  const lookups = catalogLookups(db);
  const counts: ImportCounts = { rowsRead: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0 };
  const now = new Date().toISOString();
  const progressMs = hooks.progressMs ?? 250;
  let lastProgress = Date.now();
  let bytesDone = 0;
  let mapper: RowMapper | null = null;
  let fileTimeZone: string | null = null;
  let firstRow = true;
  let storedErrors = 0;

  const recordError = (e: ImportRowError) => {
    counts.invalid++;
    if (storedErrors < MAX_STORED_ERRORS) {
      stmts.error(importId, e);
      storedErrors++;
    }
  };

  const buildMapper = (headers: string[]) => {
    if (input.mapping.columns.length !== headers.length) {
      throw new AppError(
        'validation',
        `${input.fileName} has ${headers.length} columns but the mapping has ${input.mapping.columns.length}; preview the file again and re-map it`,
      );
    }
    // The file's own Parameters:TimeZone line wins (Google reads the file the same way); the option is the fallback.
    const zone = fileTimeZone ?? options.timezone;
    let clock: ZoneClock | null = null;
    try {
      clock = zone ? new ZoneClock(zone) : null;
    } catch (error) {
      if (error instanceof TimeParseError) throw new AppError('validation', `The time zone ${error.message.replace(/^unknown time zone /, '')} is unknown`);
      throw error;
    }
    return new RowMapper(headers, input.mapping.columns, options, clock, importId, lookups);
  };

  const checkpoint = () => {
    if (hooks.isCancelled?.()) throw new ImportCancelled();
    const t = Date.now();
    if (hooks.onProgress && t - lastProgress >= progressMs) {
      lastProgress = t;
      hooks.onProgress({ rowsDone: counts.rowsRead, bytesDone, bytesTotal });
    }
  };

  const onRow = (row: CsvRow) => {
    if (firstRow) {
      firstRow = false;
      const tz = parametersTimeZone(row.fields);
      if (tz !== undefined) {
        fileTimeZone = tz;
        return;
      }
    }
    if (!mapper) {
      if (options.hasHeader !== false) {
        if (row.error) throw new AppError('validation', `The header row (line ${row.line}) is unusable: ${row.error}`);
        mapper = buildMapper(row.fields.map((h, i) => h.trim() || `Column ${i + 1}`));
        return;
      }
      mapper = buildMapper(row.fields.map((_, i) => `Column ${i + 1}`));
    }
    counts.rowsRead++;
    if ((counts.rowsRead & 2047) === 0) checkpoint();
    if (row.error) {
      recordError({ row: row.line, column: null, value: null, reason: row.error });
      return;
    }
    let event: InsertRow;
    try {
      event = mapper.map(row.fields, now);
    } catch (error) {
      if (error instanceof RowError) {
        recordError(toRowError(mapper, row.fields, row.line, error));
        return;
      }
      throw error;
    }
    store(event, row.line);
  };

  const store = (event: InsertRow, line: number) => {
    let inserted: boolean;
    try {
      inserted = stmts.insert(event);
    } catch (error) {
      recordError({ row: line, column: null, value: null, reason: `the database refused the row: ${(error as Error).message}` });
      return;
    }
    if (inserted) {
      counts.imported++;
      return;
    }
    const policy = options.onDuplicate;
    if (policy === 'skip') {
      counts.duplicates++;
    } else if (policy === 'update') {
      if (stmts.update(event)) counts.updated++;
      else counts.duplicates++;
    } else {
      const existing = stmts.existing(event.event_id);
      const where = existing?.import_id === importId ? 'an earlier row of this file has the same event id' : 'an event with this id is already in the database';
      recordError({ row: line, column: mapper?.columnOf('event_id') ?? null, value: event.event_id.slice(0, 100), reason: `duplicate: ${where}` });
    }
  };

  const hash = createHash('sha256');
  const decoder = createDecoder(encoding);
  const parser = new CsvParser(delimiter, onRow);
  const fd = openSync(input.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(input.chunkBytes ?? 256 * 1024);
    // The BOM is skipped once (even when the first chunks are smaller than the BOM).
    let bomLeft = bomLength;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const bytes = buffer.subarray(0, n);
      hash.update(bytes);
      bytesDone += n;
      const skip = Math.min(bomLeft, n);
      bomLeft -= skip;
      const text = decoder.write(skip > 0 ? bytes.subarray(skip) : bytes);
      parser.write(text);
      checkpoint();
    }
    parser.write(decoder.end());
    parser.end();
  } finally {
    closeSync(fd);
  }
  if (!mapper) {
    throw new AppError('validation', `${input.fileName} has no header row${fileTimeZone !== null ? ' after its Parameters line' : ''}`);
  }
  hooks.onProgress?.({ rowsDone: counts.rowsRead, bytesDone, bytesTotal });
  return { ...counts, sha256: hash.digest('hex'), encoding, delimiter, timezone: fileTimeZone ?? options.timezone ?? null };
}
