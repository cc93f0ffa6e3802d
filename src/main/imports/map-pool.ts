import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { HashPlatform, ImportOptions, ImportTarget } from '../../shared/domain/imports';
import { RowMapper, type MappedRow, type RefusedRow } from './rows';
import { ZoneClock } from './time';

/**
 * Mapping (validate + normalize + hash) is the CPU-heavy half of an import: libphonenumber's
 * validation alone is ~20 µs per phone. The pipeline's thread parses and inserts; mapping runs on
 * `mappers` extra worker threads (or in-thread for small files and tests). Results come back as
 * plain objects holding value arrays in IMPORT_COLUMNS order (cheap to clone), in submission order.
 */
export type MapResult = MappedRow | RefusedRow;

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

export function mapBatch(mapper: RowMapper, now: string, lines: number[], rows: string[][]): MapResult[] {
  const out: MapResult[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = mapper.map(rows[i]!, lines[i]!, now);
  return out;
}

export interface MapperPool {
  submit(lines: number[], rows: string[][]): Promise<MapResult[]>;
  close(): Promise<void>;
}

export function inThreadPool(config: MapperConfig): MapperPool {
  const mapper = createRowMapper(config);
  return {
    submit: (lines, rows) => Promise.resolve(mapBatch(mapper, config.now, lines, rows)),
    close: () => Promise.resolve(),
  };
}

/** `script` is a bundled file that calls runMapperWorker() when started with workerData.role = 'mapper'. */
export function workerPool(script: string, size: number, config: MapperConfig): MapperPool {
  const workers = Array.from({ length: size }, () => new Worker(script, { workerData: { role: 'mapper', config } }));
  const waiting = new Map<number, { resolve(r: MapResult[]): void; reject(e: Error): void }>();
  let seq = 0;
  let failure: Error | null = null;
  for (const worker of workers) {
    worker.on('message', (message: { seq: number; results?: MapResult[]; error?: string }) => {
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
    submit(lines, rows) {
      if (failure) return Promise.reject(failure);
      const id = seq++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ seq: id, lines, rows });
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
    const message = raw as { seq: number; lines: number[]; rows: string[][] };
    try {
      port.postMessage({ seq: message.seq, results: mapBatch(mapper, config.now, message.lines, message.rows) });
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
