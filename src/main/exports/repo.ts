import type { BatchStatus, ExportFormat, SyncBatch } from '../../shared/domain/exports';
import { sql } from 'kysely';
import { jsonValues } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { all, get, k, once, param, pluck, prepare, run } from '../db/query';
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

// A Google / Meta batch counts its events' delivery to that destination (0012); csv the overall status.
const STATUS_COUNTS = once(() =>
  k
    .selectFrom('sync_batch_events as l')
    .innerJoin('sync_batches as b', 'b.id', 'l.batch_id')
    .innerJoin('conversion_events as e', 'e.id', 'l.event_id')
    .leftJoin('event_deliveries as d', (join) =>
      join
        .onRef('d.event_id', '=', 'l.event_id')
        .on((eb) =>
          eb('d.destination', '=', eb.case('b.destination').when(sql.lit('meta')).then(sql.lit('meta')).when(sql.lit('csv')).then(sql.lit(null)).else(sql.lit('google_ads')).end()),
        ),
    )
    .select((eb) => ['l.batch_id', eb.fn.coalesce('d.status', 'e.sync_status').as('sync_status'), eb.fn.countAll<number>().as('n')])
    .where('l.batch_id', 'in', jsonValues<string>(param('ids')))
    .groupBy(['l.batch_id', sql.lit(2)]),
);
const BATCHES = once(() => k.selectFrom('sync_batches').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(param('limit')));
const BATCH = once(() => k.selectFrom('sync_batches').selectAll().where('id', '=', param('id')));
const CLOSE_BATCH = once(() =>
  k.updateTable('sync_batches').set({ status: param('status'), error: param('error'), closed_at: param('now') }).where('id', '=', param('id')),
);
const OUTSIDE_BATCH = once(() =>
  k
    .selectFrom(sql<{ value: string }>`json_each(${param('ids')})`.as('j'))
    .select('j.value as id')
    .where('j.value', 'not in', k.selectFrom('sync_batch_events').select('event_id').where('batch_id', '=', param('batchId'))),
);

function statusCounts(db: Sqlite, ids: string[]): Map<string, SyncBatch['byStatus']> {
  const counts = new Map<string, SyncBatch['byStatus']>();
  if (!ids.length) return counts;
  const rows = all<{ batch_id: string; sync_status: string; n: number }>(db, STATUS_COUNTS, { ids: JSON.stringify(ids) });
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
  const rows = all<BatchRow>(db, BATCHES, { limit });
  const counts = statusCounts(db, rows.map((r) => r.id));
  return rows.map((row) => toBatch(row, counts.get(row.id)));
}

export function findBatch(db: Sqlite, id: string): SyncBatch | undefined {
  const row = get<BatchRow>(db, BATCH, { id });
  return row ? toBatch(row, statusCounts(db, [id]).get(id)) : undefined;
}

export function closeBatch(db: Sqlite, id: string, status: 'uploaded' | 'failed', error: string | null, now: string): void {
  run(db, CLOSE_BATCH, { status, error, now, id });
}

/** Ids from the list that are not events of this batch. */
export function idsOutsideBatch(db: Sqlite, batchId: string, ids: readonly string[]): string[] {
  return pluck<string>(db, OUTSIDE_BATCH, { ids: JSON.stringify(ids), batchId });
}

// Temporary export files in flight (0015; temp-files.ts).

export interface TempFileRow {
  path: string;
  final_path: string;
  batch_id: string;
  owner_pid: number;
  created_at: string;
}

/** Records the files before they are created (autocommit: the rows must outlive a rolled-back export). */
export function recordTempFiles(db: Sqlite, rows: readonly TempFileRow[]): void {
  if (!rows.length) return;
  run(db, k.insertInto('export_temp_files').values([...rows]).onConflict((oc) => oc.column('path').doNothing()));
}

export function forgetTempFiles(db: Sqlite, paths: readonly string[]): void {
  if (!paths.length) return;
  run(db, k.deleteFrom('export_temp_files').where('path', 'in', jsonValues<string>(JSON.stringify(paths))));
}

const TEMP_FILES = once(() => k.selectFrom('export_temp_files').selectAll().orderBy('created_at'));
const BATCH_FILE = once(() => k.selectFrom('sync_batches').select(['file_path', 'file_sha256']).where('id', '=', param('id')));

export function listTempFiles(db: Sqlite): TempFileRow[] {
  return all<TempFileRow>(db, TEMP_FILES);
}

/** The committed batch's file (undefined when the batch was never committed). */
export function batchFile(db: Sqlite, batchId: string): { file_path: string | null; file_sha256: string | null } | undefined {
  return get(db, BATCH_FILE, { id: batchId });
}

export interface ExcludedEventDetails {
  id: string;
  event_id: string;
  transaction_id: string | null;
  source_line: number | null;
  event_time: string;
}

const EXCLUDED_DETAILS = once(() =>
  k
    .selectFrom('conversion_events')
    .select([sql.ref<number>('rowid').as('rowid'), 'id', 'event_id', 'transaction_id', 'source_line', 'event_time'])
    .where(sql.ref('rowid'), 'in', jsonValues<number>(param('rowids'))),
);

/** What the Export screen shows of an excluded event (order id, file line, time), by rowid. */
export function excludedEventDetails(db: Sqlite, rowids: readonly number[]): Map<number, ExcludedEventDetails> {
  const found = new Map<number, ExcludedEventDetails>();
  const lookup = prepare<ExcludedEventDetails & { rowid: number }>(db, EXCLUDED_DETAILS);
  for (let i = 0; i < rowids.length; i += 10_000) {
    for (const row of lookup.all({ rowids: JSON.stringify(rowids.slice(i, i + 10_000)) })) found.set(row.rowid, row);
  }
  return found;
}

const BATCH_EVENTS_FOR_MATCH = once(() =>
  k
    .selectFrom('sync_batch_events as l')
    .innerJoin('conversion_events as e', 'e.id', 'l.event_id')
    .select(['e.id', 'e.event_id', 'e.transaction_id', 'e.gclid', 'e.gbraid', 'e.wbraid', 'e.event_time', 'e.conversion_name', 'e.event_name'])
    .where('l.batch_id', '=', param('batchId'))
    .orderBy(sql.ref('e.rowid')),
);

/** A batch's events, with what a platform's results file can name them by (results-file.ts). */
export function batchEventsForMatch(db: Sqlite, batchId: string): BatchEventForMatch[] {
  return all<BatchEventForMatch>(db, BATCH_EVENTS_FOR_MATCH, { batchId });
}
