import type { BatchStatus, ExportFormat, SyncBatch } from '../../shared/domain/exports';
import { sql } from 'kysely';
import { allRows, createKysely, firstRow, runQuery, type Sqlite } from '../db/connection';
import type { BatchEventForMatch } from './results-file';

interface BatchRow {
  id: string;
  destination: ExportFormat;
  file_path: string | null;
  file_sha256: string | null;
  event_count: number;
  status: BatchStatus;
  error: string | null;
  created_at: string;
  closed_at: string | null;
}

function statusCounts(db: Sqlite, ids: string[]): Map<string, SyncBatch['byStatus']> {
  const counts = new Map<string, SyncBatch['byStatus']>();
  if (!ids.length) return counts;
  const rows = db
    .prepare(
      // A Google / Meta batch counts its events' delivery to that destination (0012); csv the overall status.
      `SELECT l.batch_id, coalesce(d.status, e.sync_status) AS sync_status, count(*) AS n
       FROM sync_batch_events l JOIN sync_batches b ON b.id = l.batch_id JOIN conversion_events e ON e.id = l.event_id
       LEFT JOIN event_deliveries d ON d.event_id = l.event_id
         AND d.destination = CASE b.destination WHEN 'meta' THEN 'meta' WHEN 'csv' THEN NULL ELSE 'google_ads' END
       WHERE l.batch_id IN (SELECT value FROM json_each(?)) GROUP BY l.batch_id, 2`,
    )
    .all(JSON.stringify(ids)) as { batch_id: string; sync_status: string; n: number }[];
  for (const row of rows) {
    const entry = counts.get(row.batch_id) ?? { queued: 0, sent: 0, failed: 0, other: 0 };
    if (row.sync_status === 'queued' || row.sync_status === 'sent' || row.sync_status === 'failed') entry[row.sync_status] += row.n;
    else entry.other += row.n;
    counts.set(row.batch_id, entry);
  }
  return counts;
}

function toBatch(row: BatchRow, byStatus: SyncBatch['byStatus'] | undefined): SyncBatch {
  return {
    id: row.id,
    destination: row.destination,
    filePath: row.file_path,
    fileSha256: row.file_sha256,
    eventCount: row.event_count,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    byStatus: byStatus ?? { queued: 0, sent: 0, failed: 0, other: 0 },
  };
}

export function listBatches(db: Sqlite, limit: number): SyncBatch[] {
  const rows = db.prepare('SELECT * FROM sync_batches ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as BatchRow[];
  const counts = statusCounts(db, rows.map((r) => r.id));
  return rows.map((row) => toBatch(row, counts.get(row.id)));
}

export function findBatch(db: Sqlite, id: string): SyncBatch | undefined {
  const row = db.prepare('SELECT * FROM sync_batches WHERE id = ?').get(id) as BatchRow | undefined;
  return row ? toBatch(row, statusCounts(db, [id]).get(id)) : undefined;
}

export function closeBatch(db: Sqlite, id: string, status: 'uploaded' | 'failed', error: string | null, now: string): void {
  db.prepare('UPDATE sync_batches SET status = ?, error = ?, closed_at = ? WHERE id = ?').run(status, error, now, id);
}

/** Ids from the list that are not events of this batch. */
export function idsOutsideBatch(db: Sqlite, batchId: string, ids: readonly string[]): string[] {
  return (
    db
      .prepare('SELECT value AS id FROM json_each(?) WHERE value NOT IN (SELECT event_id FROM sync_batch_events WHERE batch_id = ?)')
      .all(JSON.stringify(ids), batchId) as { id: string }[]
  ).map((r) => r.id);
}

// Temporary export files in flight (0015; temp-files.ts).

export interface TempFileRow {
  path: string;
  final_path: string;
  batch_id: string;
  owner_pid: number;
  created_at: string;
}

/** A query builder only (compiles; never connects): the statements run on the caller's connection. */
const builder = createKysely(null as unknown as Sqlite);

/** Records the files before they are created (autocommit: the rows must outlive a rolled-back export). */
export function recordTempFiles(db: Sqlite, rows: readonly TempFileRow[]): void {
  if (!rows.length) return;
  runQuery(db, builder.insertInto('export_temp_files').values([...rows]).onConflict((oc) => oc.column('path').doNothing()));
}

export function forgetTempFiles(db: Sqlite, paths: readonly string[]): void {
  if (!paths.length) return;
  runQuery(db, builder.deleteFrom('export_temp_files').where('path', 'in', [...paths]));
}

export function listTempFiles(db: Sqlite): TempFileRow[] {
  return allRows<TempFileRow>(db, builder.selectFrom('export_temp_files').selectAll().orderBy('created_at'));
}

/** The committed batch's file (undefined when the batch was never committed). */
export function batchFile(db: Sqlite, batchId: string): { file_path: string | null; file_sha256: string | null } | undefined {
  return firstRow(db, builder.selectFrom('sync_batches').select(['file_path', 'file_sha256']).where('id', '=', batchId));
}

export interface ExcludedEventDetails {
  id: string;
  event_id: string;
  transaction_id: string | null;
  source_line: number | null;
  event_time: string;
}

/** What the Export screen shows of an excluded event (order id, file line, time), by rowid. */
export function excludedEventDetails(db: Sqlite, rowids: readonly number[]): Map<number, ExcludedEventDetails> {
  const k = createKysely(db);
  const found = new Map<number, ExcludedEventDetails>();
  const compiled = k
    .selectFrom('conversion_events')
    .select([sql<number>`rowid`.as('rowid'), 'id', 'event_id', 'transaction_id', 'source_line', 'event_time'])
    .where(sql<boolean>`rowid IN (SELECT value FROM json_each(${'[]'}))`)
    .compile();
  const lookup = db.prepare(compiled.sql);
  for (let i = 0; i < rowids.length; i += 10_000) {
    const slice = JSON.stringify(rowids.slice(i, i + 10_000));
    for (const row of lookup.all(slice) as (ExcludedEventDetails & { rowid: number })[]) found.set(row.rowid, row);
  }
  return found;
}

/** A batch's events, with what a platform's results file can name them by (results-file.ts). */
export function batchEventsForMatch(db: Sqlite, batchId: string): BatchEventForMatch[] {
  const k = createKysely(db);
  return allRows<BatchEventForMatch>(
    db,
    k
      .selectFrom('sync_batch_events as l')
      .innerJoin('conversion_events as e', 'e.id', 'l.event_id')
      .select(['e.id', 'e.event_id', 'e.transaction_id', 'e.gclid', 'e.gbraid', 'e.wbraid', 'e.event_time', 'e.conversion_name', 'e.event_name'])
      .where('l.batch_id', '=', batchId)
      .orderBy(sql`e.rowid`),
  );
}
