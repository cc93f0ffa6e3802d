import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { HashPlatform, ImportOptions, ImportRowError, ImportTarget } from '../../shared/domain/imports';
import { IMPORT_COLUMNS } from './columns';
import { IMPORT_THREAD_LIMITS } from './thread-limits';
import { RowMapper } from './rows';
import { storableProblem } from './storable';
import { presenceMask } from './match-quality';
import { ZoneClock } from './time';

/**
 * Mapping (validate + normalize + hash) is the CPU-heavy half of an import: libphonenumber's
 * validation alone is ~20 µs per phone. The pipeline's thread parses and inserts; mapping runs on
 * `mappers` extra worker threads (or in-thread for small files and tests), in submission order.
 *
 * Batches cross threads flat (RowBatch, MappedBatch): a few arrays per 1,000 rows rather than an
 * array per row one way and an object with a value array per row back. Structured clone writes
 * every object's keys and the receiver rebuilds every object, which cost both threads time (the
 * pipeline thread is the busier one) and garbage.
 */

/** Rows for a mapper: their cells end to end, `widths[i]` cells for row i. */
export interface RowBatch {
  lines: Int32Array;
  widths: Uint32Array;
  cells: string[];
}

/** MappedBatch.flags bits. */
export const REFUSED = 1;
/** The currency came from the row's own cell (not the import's default). */
export const CURRENCY_GIVEN = 2;
/** The conversion name came from the row's own cell (not the import's --event-name). */
export const NAME_GIVEN = 4;

/** Values per kept row in MappedBatch.values (IMPORT_COLUMNS order). */
export const WIDTH = IMPORT_COLUMNS.length;

/** A mapped batch, row i of the batch at index i of lines/flags/prehashed. */
export interface MappedBatch {
  lines: Int32Array;
  flags: Uint8Array;
  /** Cells of the row that were already hashed (stored for `prehashedFor` only). */
  prehashed: Uint8Array;
  /** Which match-rule columns each row fills (match-quality.ts presenceMask), for the pre-flight tally. */
  presence: Uint32Array;
  /** The kept rows' values end to end, WIDTH each, in row order. */
  values: unknown[];
  /** [row index, problems] in row order: a refused row's errors, a kept row's warnings (rows without are absent). */
  problems: [number, ImportRowError[]][];
}

export interface MapperConfig {
  headers: string[];
  columns: ImportTarget[];
  options: ImportOptions;
  zone: string | null;
  prehashedFor: HashPlatform;
  importId: string;
  now: string;
}

/** Campaign/brand names travel as markers; the inserting thread resolves them to ids. */
export const CAMPAIGN_MARKER = '\u0000campaign:';
export const BRAND_MARKER = '\u0000brand:';

export function createRowMapper(config: MapperConfig): RowMapper {
  return new RowMapper(config.headers, config.columns, config.options, config.zone ? new ZoneClock(config.zone) : null, config.importId, {
    campaignId: (name) => CAMPAIGN_MARKER + name,
    brandId: (name) => BRAND_MARKER + name,
  }, config.prehashedFor);
}

export function mapBatch(mapper: RowMapper, now: string, batch: RowBatch): MappedBatch {
  const { lines, widths, cells } = batch;
  const n = lines.length;
  const flags = new Uint8Array(n);
  const prehashed = new Uint8Array(n);
  const presence = new Uint32Array(n);
  const values: unknown[] = [];
  const problems: [number, ImportRowError[]][] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const width = widths[i]!;
    const result = mapper.map(cells.slice(at, at + width), lines[i]!, now);
    at += width;
    if ('errors' in result) {
      flags[i] = REFUSED;
      problems.push([i, result.errors]);
      continue;
    }
    // conversion_events' CHECK constraints, applied here (storable.ts): the pipeline thread stores with
    // them off, and this thread has the spare time (it is the pipeline thread that bounds the import).
    const problem = storableProblem(result.values);
    if (problem) {
      flags[i] = REFUSED;
      problems.push([i, [{ row: lines[i]!, severity: 'error', column: null, value: null, reason: `the database would refuse the row: ${problem}` }]]);
      continue;
    }
    flags[i] = (result.currencyGiven ? CURRENCY_GIVEN : 0) | (result.nameGiven ? NAME_GIVEN : 0);
    prehashed[i] = result.prehashed;
    presence[i] = presenceMask(result.values);
    for (const value of result.values) values.push(value);
    if (result.warnings) problems.push([i, result.warnings]);
  }
  return { lines, flags, prehashed, presence, values, problems };
}

export interface MapperPool {
  submit(batch: RowBatch): Promise<MappedBatch>;
  close(): Promise<void>;
}

export function inThreadPool(config: MapperConfig): MapperPool {
  const mapper = createRowMapper(config);
  return {
    submit: (batch) => Promise.resolve(mapBatch(mapper, config.now, batch)),
    close: () => Promise.resolve(),
  };
}

/** `script` is a bundled file that calls runMapperWorker() when started with workerData.role = 'mapper'. */
export function workerPool(script: string, size: number, config: MapperConfig): MapperPool {
  const workers = Array.from({ length: size }, () => new Worker(script, { workerData: { role: 'mapper', config }, resourceLimits: IMPORT_THREAD_LIMITS }));
  const waiting = new Map<number, { resolve(r: MappedBatch): void; reject(e: Error): void }>();
  let seq = 0;
  let failure: Error | null = null;
  for (const worker of workers) {
    worker.on('message', (message: { seq: number; results?: MappedBatch; error?: string }) => {
      const entry = waiting.get(message.seq);
      if (!entry) return;
      waiting.delete(message.seq);
      if (message.results) entry.resolve(message.results);
      else entry.reject(new Error(message.error ?? 'mapper failed'));
    });
    worker.on('error', (error) => {
      failure = error;
      for (const entry of waiting.values()) entry.reject(error);
      waiting.clear();
    });
  }
  return {
    submit(batch) {
      if (failure) return Promise.reject(failure);
      const id = seq++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ seq: id, batch });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Body of a mapper thread. */
export function runMapperWorker(port: { on(event: 'message', fn: (m: unknown) => void): void; postMessage(m: unknown): void }, config: MapperConfig): void {
  const mapper = createRowMapper(config);
  port.on('message', (raw) => {
    const message = raw as { seq: number; batch: RowBatch };
    try {
      port.postMessage({ seq: message.seq, results: mapBatch(mapper, config.now, message.batch) });
    } catch (error) {
      port.postMessage({ seq: message.seq, error: (error as Error)?.message ?? String(error) });
    }
  });
}

/** RFC 9562 UUIDv7 (same layout as lib/ids) drawing randomness from a pool: one randomBytes call per 4,096 ids. */
export function createUuidV7Source(): () => string {
  let pool = randomBytes(0);
  let offset = 0;
  let lastMillis = 0;
  let sequence = 0;
  const bytes = Buffer.alloc(16);
  return () => {
    if (offset + 10 > pool.length) {
      pool = randomBytes(10 * 4096);
      offset = 0;
    }
    let now = Date.now();
    if (now <= lastMillis) {
      sequence++;
      if (sequence > 0xfff) {
        lastMillis++;
        sequence = 0;
      }
      now = lastMillis;
    } else {
      lastMillis = now;
      sequence = 0;
    }
    bytes.writeUIntBE(now, 0, 6);
    bytes[6] = 0x70 | (sequence >> 8);
    bytes[7] = sequence & 0xff;
    pool.copy(bytes, 8, offset, offset + 8);
    offset += 8;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
