import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { timeZoneProblem, type HashPlatform, type ImportDelimiter, type ImportEncoding, type ImportMapping, type ImportOptions, type ImportRowError, type Preflight } from '../../shared/domain/imports';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { createKysely } from '../db/connection';
import { beginImmediate, commit, rollback } from '../db/common-repo';
import { setBusyTimeout, setCacheSizeMb, setIgnoreCheckConstraints, setSynchronous, setTempStore, setWalAutocheckpoint, walCheckpoint } from '../db/pragma-repo';
import { COL } from './columns';
import { CsvParser, type CsvRow } from './csv';
import { createDecoder, detectEncoding, hasUndecodable } from './decode';
import { dropIndexes, estimateRows, rebuildIndexes, rebuildMode, shouldRebuild, type RebuildMode } from './bulk-load';
import { headerZone, prehashedPlatformOf } from './mapping';
import { catalogLookups, CONFLICT_COLUMNS, finishImportRow, MAX_STORED_ERRORS, prepareImportStatements, setImportTimeZone, type ImportCounts } from './repo';
import { BRAND_MARKER, CAMPAIGN_MARKER, createUuidV7Source, CURRENCY_GIVEN, inThreadPool, NAME_GIVEN, REFUSED, WIDTH, workerPool, type MappedBatch, type MapperConfig, type MapperPool } from './map-pool';
import { runPreflight } from './preflight';
import { PreflightCounter } from './match-quality';
import { parametersTimeZone, readHead, SniffError, sniffFile } from './sniff';
import { isValidTimeZone, wallTimeText } from './time';

export interface PipelineInput {
  path: string;
  fileName: string;
  importId: string;
  mapping: ImportMapping;
  options: ImportOptions;
  /** Bytes read per step (tests use tiny chunks to prove split-invariance). */
  chunkBytes?: number;
  /** Rows per batch sent to the mapper (tests: the same events whatever the batch size). */
  batchRows?: number;
  /** Extra mapper threads (0 = map in this thread). */
  mappers?: number;
  /** Bundled worker script that can run as a mapper (the import worker itself). */
  workerScript?: string;
  /** Drop and rebuild conversion_events' secondary indexes around the insert (bulk-load.ts); default auto. */
  rebuildIndexes?: RebuildMode;
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
  /** All rows are stored; the dropped indexes are being rebuilt (`done` of `total` built so far). */
  onIndexing?(done: number, total: number): void;
  /** All rows are stored; the (possibly long) FULL-sync commit starts. */
  onFinishing?(): void;
}

export interface PipelineResult extends ImportCounts {
  preflight: Preflight;
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
 * cancelled, failed or crashed import leaves no events. A large import (bulk-load.ts) drops the
 * events' secondary indexes after BEGIN and rebuilds them before COMMIT, so a rollback restores them
 * too. Throws AppError for file-level problems and ImportCancelled when cancelled.
 */
/** The file's delimiter when the import did not say; a file with nothing to sniff is a validation error. */
function sniffDelimiter(input: PipelineInput): ImportDelimiter {
  try {
    return sniffFile(input.path, input.fileName, { encoding: input.options.encoding }).delimiter;
  } catch (error) {
    if (error instanceof SniffError) throw new AppError('validation', error.message);
    throw error;
  }
}

export async function runPipeline(db: Sqlite, input: PipelineInput, hooks: PipelineHooks = {}): Promise<PipelineResult> {
  const bytesTotal = statSync(input.path).size;
  const head = readHead(input.path);
  if (head.length === 0) throw new AppError('validation', `${input.fileName} is empty (0 bytes)`);
  const detected = detectEncoding(head, input.fileName);
  const forced = input.options.encoding;
  const delimiter = input.options.delimiter ?? sniffDelimiter(input);
  // The import's COMMIT waits until its pages are on disk (a committed import survives a power cut).
  setSynchronous(db, 'FULL');
  // Page cache while inserting (set in the transaction below, once the bulk load is decided): 32 MB,
  // enough for the import's index pages and bounded for peak RSS. With the bulk load only the table
  // (appended) and its two constraint indexes are written while reading, so 16 MB does as well
  // (1M rows: reading 29.6 s vs 30.3 s, peak RSS 279 vs 289 MB).
  const cacheMb = Number(process.env.CONVDESK_IMPORT_CACHE_MB) || 0;
  // CREATE INDEX sorts its keys with SQLite's external merge sort. With temp_store=MEMORY (the
  // connection default) that sort never spills: on a million events it held ~150 MB more. With FILE
  // it sorts runs of at most the page cache size and merges them from temp files, which hold index
  // keys (ids, hashes, times, the order id), never raw personal data, and are unlinked when opened.
  // Must be set outside a transaction.
  setTempStore(db, 'FILE');
  // A smaller page cache while the indexes are built (their pages are written in key order and the
  // table is scanned once per index, so a cache does not help) also caps each sorted run at 8 MB.
  const indexCacheMb = Number(process.env.CONVDESK_IMPORT_INDEX_CACHE_MB) || 8;
  const rebuild = rebuildMode(input.rebuildIndexes);
  const estimatedRows = estimateRows(head, bytesTotal);
  // The encoding chosen from the sample (or by the user) holds for the whole file: a byte it cannot
  // decode makes its row invalid (pass() below), never a silent re-decode of the file as another encoding.
  const encoding: ImportEncoding = forced ?? detected.encoding;
  beginImmediate(db);
  try {
    const bom = encoding === detected.encoding ? detected.bomLength : 0;
    // Decided inside the transaction, so the existing row count cannot change under it.
    const dropped = shouldRebuild(db, rebuild, estimatedRows) ? dropIndexes(db) : null;
    setCacheSizeMb(db, cacheMb || (dropped ? 16 : 32));
    const passed = await pass(db, input, hooks, encoding, bom, delimiter, bytesTotal);
    if (dropped) {
      setCacheSizeMb(db, indexCacheMb);
      rebuildIndexes(db, dropped, (done, total) => {
        if (hooks.isCancelled?.()) throw new ImportCancelled();
        hooks.onIndexing?.(done, total);
      });
    }
    const { readZone, counter, ...counted } = passed;
    const preflight = runPreflight(db, input.importId, MAX_STORED_ERRORS - passed.storedErrors, passed.prehashed, counter?.counts() ?? null);
    const result: PipelineResult = { ...counted, preflight };
    setImportTimeZone(db, input.importId, readZone);
    finishImportRow(db, input.importId, 'completed', result, null, result.sha256, preflight);
    hooks.onFinishing?.();
    // Durable once the WAL is synced (synchronous=FULL); the copy into the database file is
    // checkpointAfterImport's, after the import has answered.
    setWalAutocheckpoint(db, 0);
    commit(db);
    return result;
  } catch (error) {
    if (db.inTransaction) rollback(db);
    throw error;
  }
}

/**
 * After a committed import (runPipeline), on the import's own connection: copies the WAL into the
 * database file and gives the WAL's space back. A million-row import leaves ~1.5 GB in the WAL; its
 * COMMIT is durable without this copy (the WAL is synced), so the worker answers first and runs
 * this afterwards, off the main thread. PASSIVE never takes the write lock, so the window's writes
 * go on meanwhile; a reader still on a snapshot from before the commit holds back the frames it
 * may need, so it is retried until everything is copied or `waitMs` has passed. The TRUNCATE then
 * does not wait: if anyone is reading or writing, the WAL stays and is reused from its start later.
 */
export function checkpointAfterImport(db: Sqlite, waitMs = 5000): void {
  const deadline = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const { log, checkpointed } = walCheckpoint(db, 'PASSIVE');
    if (checkpointed >= log || Date.now() >= deadline) break;
    Atomics.wait(pause, 0, 0, 50);
  }
  // Lock waits fail at once (SQLITE_BUSY) instead of waiting.
  setBusyTimeout(db, 0);
  try {
    walCheckpoint(db, 'TRUNCATE');
  } catch {
    /* a reader or a writer is active: the WAL is reused later instead */
  }
}

/** The reason of a row holding bytes the file's encoding cannot decode. */
function undecodableReason(encoding: ImportEncoding): string {
  return `this line has bytes that are not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding} (the file's encoding, detected from its start); the row was not imported. Fix the line, or import the file again choosing its real encoding (e.g. Windows-1252)`;
}

/**
 * Rows per batch sent to the mapper. A batch's cells and mapped values (~2 KB a row) live while it is
 * mapped and while it waits to be stored: at 1,000 rows they outlived the import threads' 4 MB
 * semi-spaces and were promoted, ~2 KB a row (200k rows: 672 scavenges on the mapper, old space
 * refilled by ~40 MB between mark-compacts), work for V8's GC helper threads on the same two cores.
 * At 250 they mostly die young. 200k rows, 4 alternating pairs (load 3-5): CPU 14.50 -> 13.38 s
 * (pair median 0.92), peak RSS 260 -> 225 MB; 125 rows with 8 in flight measured the same as 250 with 4.
 */
const BATCH_ROWS = 250;
const MAX_IN_FLIGHT = 4;

const CONFLICT_LABELS: Record<(typeof CONFLICT_COLUMNS)[number], string> = {
  event_time: 'time', event_value_micros: 'value', user_email_hash: 'email', meta_email_hash: 'email', user_phone_hash: 'phone', meta_phone_hash: 'phone',
};

type PassResult = Omit<PipelineResult, 'preflight'> & {
  storedErrors: number;
  prehashed: Preflight['prehashed'];
  readZone: string | null;
  /** The pre-flight counted while inserting; null when a merge changed a counted event (then it scans). */
  counter: PreflightCounter | null;
};

async function pass(
  db: Sqlite,
  input: PipelineInput,
  hooks: PipelineHooks,
  encoding: ImportEncoding,
  bomLength: number,
  delimiter: ImportDelimiter,
  bytesTotal: number,
): Promise<PassResult> {
  const { importId, options } = input;
  const batchRows = input.batchRows ?? BATCH_ROWS;
  const stmts = prepareImportStatements(db, createKysely(db));
  const lookups = catalogLookups(db);
  const nextId = createUuidV7Source();
  const counts: ImportCounts = { rowsRead: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, warned: 0, merged: 0 };
  const counter = new PreflightCounter();
  let counterExact = true;
  let prehashedFor: HashPlatform = 'meta';
  let prehashedCells = 0;
  /** The event id of the last row found already stored: the next rows of the same order are part of that duplicate. */
  let lastDuplicateId: string | null = null;
  const now = new Date().toISOString();
  const progressMs = hooks.progressMs ?? 250;
  let lastProgress = Date.now();
  let bytesDone = 0;
  let pool: MapperPool | null = null;
  let headers: string[] | null = null;
  let fileTimeZone: string | null = null;
  /** The zone offset-less times are read in (imports.time_zone). */
  let readZone: string | null = null;
  let firstRow = true;
  let storedErrors = 0;
  // The batch being collected: rows' lines, widths and cells end to end (map-pool.ts RowBatch).
  let batchLines: number[] = [];
  let batchWidths: number[] = [];
  let batchCells: string[] = [];
  const inFlight: Promise<MappedBatch>[] = [];

  const record = (e: ImportRowError) => {
    if (storedErrors < MAX_STORED_ERRORS) {
      stmts.error(importId, e);
      storedErrors++;
    }
  };
  const refuse = (errors: ImportRowError[]) => {
    counts.invalid++;
    for (const e of errors) record(e);
  };

  const startMapping = (names: string[]) => {
    if (input.mapping.columns.length !== names.length) {
      throw new AppError(
        'validation',
        `${input.fileName} has ${names.length} columns but the mapping has ${input.mapping.columns.length}; preview the file again and re-map it`,
      );
    }
    // The file's own Parameters:TimeZone line wins (Google reads the file the same way), then a zone
    // named in the time column's header ("Created date (UTC)"); the option is the fallback.
    const timeIndex = input.mapping.columns.indexOf('event_time');
    const zone = fileTimeZone ?? (timeIndex >= 0 ? headerZone(names[timeIndex] ?? '') : null) ?? options.timezone ?? null;
    if (zone && !isValidTimeZone(zone)) throw new AppError('validation', `Time zone: ${timeZoneProblem(zone) ?? `"${zone}" is unknown`}`);
    headers = names;
    readZone = zone;
    prehashedFor = options.prehashedFor ?? prehashedPlatformOf(names) ?? 'meta';
    const config: MapperConfig = { headers: names, columns: input.mapping.columns, options, zone, prehashedFor, importId, now };
    const mappers = input.mappers ?? 0;
    pool = mappers > 0 && input.workerScript ? workerPool(input.workerScript, mappers, config) : inThreadPool(config);
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
    if (!headers) {
      if (options.hasHeader !== false) {
        if (row.error) throw new AppError('validation', `The header row (line ${row.line}) is unusable: ${row.error}`);
        if (row.fields.some(hasUndecodable)) {
          throw new AppError('validation', `The header row (line ${row.line}) has bytes that are not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding}; fix it, or choose the file's real encoding (e.g. Windows-1252)`);
        }
        startMapping(row.fields.map((h, i) => h.trim() || `Column ${i + 1}`));
        return;
      }
      startMapping(row.fields.map((_, i) => `Column ${i + 1}`));
    }
    counts.rowsRead++;
    if (row.error) {
      refuse([{ row: row.line, severity: 'error', column: null, value: null, reason: row.error }]);
      return;
    }
    if (decoder.invalidBytes > 0) {
      const bad = row.fields.findIndex(hasUndecodable);
      if (bad >= 0) {
        refuse([{ row: row.line, severity: 'error', column: headers![bad] ?? null, value: null, reason: undecodableReason(encoding) }]);
        return;
      }
    }
    batchLines.push(row.line);
    batchWidths.push(row.fields.length);
    for (const field of row.fields) batchCells.push(field);
    if (batchLines.length >= batchRows) submit();
  };

  /** The column the event id comes from: the event id's, else the order id's (ids derived from the order). */
  const eventIdHeader = () => {
    let i = input.mapping.columns.indexOf('event_id');
    if (i < 0) i = input.mapping.columns.indexOf('transaction_id');
    return i >= 0 && headers ? (headers[i] ?? null) : null;
  };

  const keepWarnings = (warnings: ImportRowError[] | null, prehashed: number) => {
    prehashedCells += prehashed;
    if (!warnings) return;
    counts.warned++;
    for (const w of warnings) record(w);
  };

  /** One kept row: `values` in IMPORT_COLUMNS order (a buffer reused for every row: read it, never keep it). */
  const store = (values: unknown[], line: number, warnings: ImportRowError[] | null, rowFlags: number, prehashed: number, presence: number) => {
    values[COL.id] = nextId();
    const campaign = values[COL.campaign_id];
    if (typeof campaign === 'string' && campaign.startsWith(CAMPAIGN_MARKER)) values[COL.campaign_id] = lookups.campaignId(campaign.slice(CAMPAIGN_MARKER.length));
    const brand = values[COL.brand_id];
    if (typeof brand === 'string' && brand.startsWith(BRAND_MARKER)) values[COL.brand_id] = lookups.brandId(brand.slice(BRAND_MARKER.length));
    let inserted: boolean;
    try {
      inserted = stmts.insert(values);
    } catch (error) {
      refuse([{ row: line, severity: 'error', column: null, value: null, reason: `the database refused the row: ${(error as Error).message}` }]);
      return;
    }
    if (inserted) {
      counter.addMask(presence);
      counts.imported++;
      lastDuplicateId = null;
      keepWarnings(warnings, prehashed);
      return;
    }
    const eventId = String(values[COL.event_id]);
    const existing = stmts.existing(eventId);
    const flags = { currency_given: (rowFlags & CURRENCY_GIVEN) !== 0, name_given: (rowFlags & NAME_GIVEN) !== 0 };
    // Stored or updated by this import (an earlier row of the file): the same event, its blanks filled.
    if (existing && (existing.import_id === importId || existing.updated_at === now)) {
      stmts.merge(values, flags);
      if (existing.import_id === importId) counterExact = false;
      counts.merged++;
      keepWarnings(warnings, prehashed);
      const differ = CONFLICT_COLUMNS.filter((c) => values[COL[c]] !== null && existing[c] !== null && values[COL[c]] !== existing[c]);
      if (differ.length > 0) {
        if (!warnings) counts.warned++;
        const what = [...new Set(differ.map((c) => CONFLICT_LABELS[c]))].join(', ');
        record({
          row: line, severity: 'warning', column: eventIdHeader(), value: eventId.slice(0, 100), relatedEventId: existing.id,
          reason: `has the event id of line ${existing.source_line ?? '?'} but a different ${what}: merged into that event, and its own ${what} not kept (give each row its own order or event id to keep them apart)`,
        });
      }
      return;
    }
    if (eventId === lastDuplicateId) {
      counts.merged++;
      return;
    }
    lastDuplicateId = eventId;
    const column = eventIdHeader();
    const where = existing?.source_line ? ` (line ${existing.source_line} of its file)` : '';
    const duplicate = (reason: string, severity: 'duplicate' | 'error' = 'duplicate') =>
      record({ row: line, severity, column, value: eventId.slice(0, 100), reason, relatedEventId: existing?.id ?? null });
    const policy = options.onDuplicate;
    // The updated event keeps its first import (and that import's zone): its new time's text is stored in full.
    if (policy === 'update' && values[COL.source_time] === null && readZone) values[COL.source_time] = wallTimeText(String(values[COL.event_time]), readZone);
    if (policy === 'update' && existing?.sync_status !== 'sent' && stmts.update(values, flags)) {
      counts.updated++;
      keepWarnings(warnings, prehashed);
    } else if (policy === 'error') {
      counts.invalid++;
      duplicate(`duplicate: an event with this id is already in the database${where}`, 'error');
    } else {
      counts.duplicates++;
      duplicate(
        policy === 'update'
          ? `already sent to an ad platform${where}; not changed`
          : `an event with this id is already in the database${where}; skipped (choose "update" to change it)`,
      );
    }
  };

  const submit = () => {
    if (batchLines.length === 0 || !pool) return;
    inFlight.push(pool.submit({ lines: Int32Array.from(batchLines), widths: Uint32Array.from(batchWidths), cells: batchCells }));
    batchLines = [];
    batchWidths = [];
    batchCells = [];
  };

  const rowValues: unknown[] = new Array<unknown>(WIDTH).fill(null);

  // Results are stored strictly in file order, so "earlier in the file" dedup stays exact.
  const drain = async (keep: number) => {
    while (inFlight.length > keep) {
      const { lines, flags, prehashed, presence, values, problems } = await inFlight.shift()!;
      // The mapper (mapBatch) has applied conversion_events' CHECK constraints to each kept row (storable.ts).
      setIgnoreCheckConstraints(db, true);
      try {
        let next = 0;
        let offset = 0;
        for (let i = 0; i < lines.length; i++) {
          const own = next < problems.length && problems[next]![0] === i ? problems[next++]![1] : null;
          if (flags[i]! & REFUSED) {
            refuse(own ?? []);
            continue;
          }
          for (let c = 0; c < WIDTH; c++) rowValues[c] = values[offset + c];
          offset += WIDTH;
          store(rowValues, lines[i]!, own, flags[i]!, prehashed[i]!, presence[i]!);
        }
      } finally {
        setIgnoreCheckConstraints(db, false);
      }
      checkpoint();
    }
  };

  const hash = createHash('sha256');
  // Undecodable bytes are escaped, not thrown: their rows become row errors at their line (onRow).
  const decoder = createDecoder(encoding, { invalid: 'escape' });
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
      // Full batches are submitted as the parser completes them (onRow).
      parser.write(decoder.write(skip > 0 ? bytes.subarray(skip) : bytes));
      await drain(MAX_IN_FLIGHT);
      checkpoint();
    }
    parser.write(decoder.end());
    parser.end();
    submit();
    await drain(0);
  } finally {
    closeSync(fd);
    await (pool as MapperPool | null)?.close();
  }
  if (!headers) {
    throw new AppError('validation', `${input.fileName} has no header row${fileTimeZone !== null ? ' after its Parameters line' : ''}`);
  }
  hooks.onProgress?.({ rowsDone: counts.rowsRead, bytesDone, bytesTotal });
  return {
    ...counts,
    storedErrors,
    readZone,
    counter: counterExact ? counter : null,
    prehashed: prehashedCells > 0 ? { cells: prehashedCells, platform: prehashedFor } : null,
    sha256: hash.digest('hex'),
    encoding,
    delimiter,
    timezone: fileTimeZone ?? options.timezone ?? null,
  };
}
