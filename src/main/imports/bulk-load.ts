import type { Sqlite } from '../db/connection';
import { countEvents, createdIndexes, dropIndex, indexKeyColumns, recreateIndex, restoreStatRows, statRows, uniqueIndexNames, type StatTable } from './index-repo';

/**
 * SQLite's standard bulk-load technique for large imports: drop the secondary indexes of
 * conversion_events, insert every row into the table alone, then build each index once from a
 * sorted scan (CREATE INDEX sorts its keys and writes the b-tree left to right) instead of
 * inserting each event into a dozen b-trees in random key order through a bounded page cache.
 *
 * Everything happens inside the import's own BEGIN IMMEDIATE … COMMIT: other connections keep
 * seeing the old schema and rows until the commit, and a rollback (cancel, error, crash: the WAL
 * frames are simply never committed) restores the indexes exactly as they were.
 *
 * Only indexes created by CREATE INDEX (sqlite_master.sql is not NULL) and not UNIQUE are dropped.
 * The constraint indexes (sqlite_autoindex_*: the primary key on id and the UNIQUE event_id that
 * dedup relies on) stay, as would any UNIQUE index someone added: dropping one would let
 * duplicates in that the final CREATE UNIQUE INDEX then refuses. Indexes whose new entries all land
 * at the edge of a few key ranges stay too (insertsAtEdge): they are cheaper to fill as rows arrive.
 */

export type RebuildMode = 'always' | 'never' | 'auto';

/** Below this many incoming rows an ordinary indexed insert is fast enough (the rebuild's full-table scans are not free). */
export const REBUILD_MIN_ROWS = 50_000;
/**
 * Rebuilding rescans every row already in the table once per index, so it pays only when the
 * import is large next to what is there: at least this fraction of the existing row count.
 */
export const REBUILD_MIN_FRACTION = 0.5;

/** CONVDESK_IMPORT_REBUILD_INDEXES=always|never|auto (tests, benchmarks) wins over the caller's choice; default auto. */
export function rebuildMode(option?: RebuildMode): RebuildMode {
  const env = process.env.CONVDESK_IMPORT_REBUILD_INDEXES;
  if (env === 'always' || env === 'never' || env === 'auto') return env;
  return option ?? 'auto';
}

/** Rows in a file of `bytesTotal` bytes, from the average line length of its first bytes. */
export function estimateRows(head: Uint8Array, bytesTotal: number): number {
  let newlines = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0x0a) newlines++;
  if (newlines === 0) return head.length >= bytesTotal ? 1 : Math.ceil(bytesTotal / Math.max(head.length, 1));
  return Math.round((bytesTotal * newlines) / head.length);
}

/** Call inside the import's transaction (the existing row count must not move under the decision). */
export function shouldRebuild(db: Sqlite, mode: RebuildMode, estimatedRows: number): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (estimatedRows < REBUILD_MIN_ROWS) return false;
  const existing = countEvents(db);
  return estimatedRows >= existing * REBUILD_MIN_FRACTION;
}

export interface DroppedIndexes {
  indexes: { name: string; sql: string }[];
  /** Planner statistics rows for the dropped indexes (DROP INDEX deletes them), put back after the rebuild. */
  stats: { table: StatTable; rows: Record<string, unknown>[] }[];
}

/** The indexes of conversion_events that the bulk load drops and rebuilds, with their CREATE statements (by name). */
export function droppableIndexes(db: Sqlite): { name: string; sql: string }[] {
  const unique = uniqueIndexNames(db);
  return createdIndexes(db).filter((index) => !unique.has(index.name) && !FEW_KEYS.has(index.name) && !insertsAtEdge(db, index.name));
}

/**
 * Indexes keyed on expressions with a handful of values, kept like the edge ones: 0006's identifiers
 * index is keyed on two booleans (has a click id, has an email or phone hash), so an import's entries,
 * each ending in its growing rowid, land at the right edge of at most 4 key ranges. Rebuilding it
 * scanned the whole table once more. 200k rows, 4 alternating pairs (load 2-5): whole-import CPU
 * 10.21 -> 10.03 s kept live (pair median 0.981, 0.950-0.998).
 */
const FEW_KEYS = new Set(['idx_conversion_events_identifiers']);

/**
 * Columns whose values all rows of one import share or take from a handful (import_id, created_at —
 * one timestamp per import —, sync_status, batch_id, campaign_id, brand_id, event_name, and
 * conversion_name: a file names a few conversions), or that only grow (id is a UUIDv7; the rowid
 * every index ends with). conversion_name (0011) was rebuilt at first: CREATE INDEX on it takes
 * 0.4–0.55 s for 200k events (a full scan and a sort of every name; loaded machine), while its
 * entries, a few names each ending in a growing rowid, land on one hot page per name.
 */
const EDGE_COLUMNS = new Set(['import_id', 'created_at', 'sync_status', 'batch_id', 'campaign_id', 'brand_id', 'event_name', 'conversion_name', 'id']);

/**
 * An index keyed only on EDGE_COLUMNS, ascending, receives an import's entries at the right edge of
 * a few key ranges: one hot page each, so inserting into it as the rows arrive costs the pipeline
 * thread ~1 µs a row, while a rebuild costs a full scan of the table (~1 s per index on a million
 * events). Those are kept; the random-order ones (event time, value, transaction id, expressions)
 * are the ones dropped. Measured on 1M rows (docs/benchmarks.md): 39.9–44.1 s keeping these 6 (or 7)
 * vs 41.1–45.8 s dropping all 11.
 */
function insertsAtEdge(db: Sqlite, index: string): boolean {
  const keys = indexKeyColumns(db, index);
  return keys.length > 0 && keys.every((k) => k.cid >= 0 && k.name !== null && EDGE_COLUMNS.has(k.name) && k.desc === 0);
}

/** Drops the droppable indexes (inside the caller's transaction) and returns what is needed to rebuild them. */
export function dropIndexes(db: Sqlite): DroppedIndexes {
  const indexes = droppableIndexes(db);
  const stats = statRows(db, indexes.map((i) => i.name));
  for (const { name } of indexes) dropIndex(db, name);
  return { indexes, stats };
}

/**
 * Re-runs each saved CREATE INDEX (inside the caller's transaction). `beforeEach` runs before every
 * index (progress, cancellation: it may throw, and the caller's rollback restores everything).
 */
export function rebuildIndexes(db: Sqlite, dropped: DroppedIndexes, beforeEach?: (done: number, total: number) => void): void {
  const total = dropped.indexes.length;
  dropped.indexes.forEach(({ sql }, i) => {
    beforeEach?.(i, total);
    recreateIndex(db, sql);
  });
  for (const { table, rows } of dropped.stats) restoreStatRows(db, table, rows);
  if (total > 0) beforeEach?.(total, total);
}
