/**
 * The statements of one export (run.ts, worker.ts, parts.ts): the count and the rowid-ordered read
 * of the matching events (compiled once per export, read as arrays), the sync batch row, and the
 * links of the batch's queued events (sync_batch_events, 0009).
 */
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { FORMAT_DESTINATION } from '../../shared/domain/delivery';
import type { ExportFormat } from '../../shared/domain/exports';
import { jsonValues } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { get, k, once, param, prepare, preparePluck, prepareRaw, run } from '../db/query';
import { destinationStatus, formatsOfDestination } from '../delivery/filter-repo';
import type { DB } from '../db/schema';
import { linkedBatchId } from '../events/repo';

export type ExportWhere = Expression<SqlBool>;

/** A half-open range of the export's order key: from ≤ rowid < to. */
export interface KeyRange {
  from?: number;
  to?: number;
}

const rowid = sql.ref<number>('rowid');
const eb = expressionBuilder<DB, 'conversion_events'>();

export function withRange(where: ExportWhere, range: KeyRange | undefined): ExportWhere {
  if (range?.from === undefined && range?.to === undefined) return where;
  const terms = [where];
  if (range.from !== undefined) terms.push(eb(rowid, '>=', range.from));
  if (range.to !== undefined) terms.push(eb(rowid, '<', range.to));
  return eb.and(terms);
}

/** The order key of the row in the middle of the export (where the second reader starts). */
export function middleKey(db: Sqlite, where: ExportWhere, matching: number): number | null {
  const query = k.selectFrom('conversion_events').select(rowid.as('rowid')).where(where).orderBy(rowid).limit(1).offset(Math.floor(matching / 2));
  return preparePluck<number>(db, query).get() ?? null;
}

export function countMatching(db: Sqlite, where: ExportWhere): number {
  return get<{ n: number }>(db, k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(where))!.n;
}

/**
 * Rows per read statement. The export's filter has `sync_status IN (…)` (a destination's "queued" is
 * the overall status queued or failed), so SQLite reads it through the status index, two rowid runs
 * merged by a temporary b-tree for ORDER BY rowid. Over a whole 1M-row export that b-tree held every
 * selected column of every row in memory (temp_store = MEMORY): 690 MB peak for a Meta file, 421 MB
 * for a Google one. Reading the table in rowid slices bounds the sort to one slice (~10 MB).
 */
export const READ_CHUNK_ROWS = 32_768;

/** The matching events' columns (`rowid` first, `batch_id` = the latest linked batch) in rowid order, as arrays. */
export function* exportRows(db: Sqlite, columns: readonly string[], where: ExportWhere, range?: KeyRange, chunkRows = READ_CHUNK_ROWS): Generator<unknown[]> {
  const query = k
    .selectFrom('conversion_events')
    .select((eb) => columns.map((c) => (c === 'batch_id' ? linkedBatchId(eb).as('batch_id') : sql.ref(c).as(c))))
    .where(where)
    .where(rowid, '>=', param('from'))
    .where(rowid, '<', param('to'))
    .orderBy(rowid);
  const slice = prepareRaw<unknown[]>(db, query);
  for (const bounds of rowidSlices(db, chunkRows, range)) yield* slice.iterate(bounds);
}

/** The table's rowids (within `range`) as consecutive half-open slices of `size` rowids, in order: the export's read and its batch links walk them. */
function* rowidSlices(db: Sqlite, size: number, range?: KeyRange): Generator<{ from: number; to: number }> {
  const { lo, hi } = get<{ lo: number | null; hi: number | null }>(db, ROWID_RANGE)!;
  if (lo === null || hi === null) return;
  const end = Math.min(hi + 1, range?.to ?? hi + 1);
  for (let from = Math.max(lo, range?.from ?? lo); from < end; from += size) yield { from, to: Math.min(from + size, end) };
}

/** "Queued for the file's destination": the events a batch links and "mark uploaded" sends. */
function queuedForFormat(format: ExportFormat): ExportWhere {
  const destination = FORMAT_DESTINATION[format];
  return destination ? eb(destinationStatus(destination), '=', sql.lit('queued')) : eb('sync_status', '=', sql.lit('queued'));
}

/** Open batches whose events this format's batch takes over (an event is in at most one open batch per destination). */
function sameDestinationBatches(format: ExportFormat) {
  const formats = formatsOfDestination(FORMAT_DESTINATION[format]);
  return k
    .selectFrom('sync_batches')
    .select('id')
    .where('status', '=', sql.lit('exported'))
    .where('destination', 'in', formats.map((f) => sql.lit(f)));
}

const EXCLUDED_SLICE = 10_000;

/** Queued events of this export (excluded ones aside) that are already in an open batch of its destination: they move to the new one. */
export function countInOpenBatches(db: Sqlite, where: ExportWhere, excludedRowids: readonly number[], format: ExportFormat): number {
  const open = sameDestinationBatches(format);
  if (!get(db, open.limit(1))) return 0;
  const inOpen = k.selectFrom('sync_batch_events as l').select('l.event_id').where('l.batch_id', 'in', open);
  const scope = eb.and([where, queuedForFormat(format), eb('id', 'in', inOpen)]);
  const count = (extra?: ExportWhere) =>
    k
      .selectFrom('conversion_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .$if(extra !== undefined, (q) => q.where(extra!))
      .where(scope);
  let moved = get<{ n: number }>(db, count())!.n;
  const excludedInScope = prepare<{ n: number }>(db, count(eb(rowid, 'in', jsonValues<number>(param('rowids')))));
  for (let i = 0; moved > 0 && i < excludedRowids.length; i += EXCLUDED_SLICE) {
    moved -= excludedInScope.get({ rowids: JSON.stringify(excludedRowids.slice(i, i + EXCLUDED_SLICE)) })!.n;
  }
  return moved;
}

export function insertBatchRow(db: Sqlite, row: { id: string; destination: ExportFormat; file_path: string; created_at: string }): void {
  run(db, k.insertInto('sync_batches').values({ ...row, event_count: 0, status: 'exported' }));
}

export function finishBatchRow(db: Sqlite, batchId: string, sha256: string, exported: number): void {
  run(db, k.updateTable('sync_batches').set({ file_sha256: sha256, event_count: exported }).where('id', '=', batchId));
}

const LINK_CHUNK_ROWS = 50_000;
const SINGLE_INSERT_MAX = 50_000;
const ROWID_RANGE = once(() => k.selectFrom('conversion_events').select((b) => [b.fn.min<number | null>(rowid).as('lo'), b.fn.max<number | null>(rowid).as('hi')]));

export interface BatchLinker {
  /** Links the next chunk; false when every chunk is done. */
  step(): boolean;
  /** Unlinks the excluded rows and moves the linked events out of other open batches; returns the count linked. */
  finish(excludedRowids: readonly number[]): number;
}

/**
 * Links the export's queued events to its batch (rows of sync_batch_events, 0009). Only queued events
 * join: they are the ones "mark uploaded" moves to sent. The pairs are appended in rowid order (ids
 * are time-ordered, so the key grows at its end) in chunks of 50,000 rowids, which bounds the
 * statement journal and lets the caller check for cancel or relay progress between chunks. Excluded
 * events are known only once the file is written, so they are unlinked at the end.
 */
export function batchLinker(db: Sqlite, where: ExportWhere, batchId: string, expected: number, format: ExportFormat): BatchLinker {
  const link = (range?: true) =>
    k.insertInto('sync_batch_events').columns(['batch_id', 'event_id']).expression(
      k
        .selectFrom('conversion_events')
        .select([sql.val(batchId).as('batch_id'), 'id'])
        .where(where)
        .where(queuedForFormat(format))
        .$if(range === true, (q) => q.where(rowid, '>=', param('from')).where(rowid, '<', param('to')).orderBy(rowid)),
    );
  let linked = 0;
  let done = false;
  // Small exports link in one statement; large ones in rowid chunks over the table's rowid range.
  const single = expected <= SINGLE_INSERT_MAX;
  const chunk = single ? null : prepare(db, link(true));
  const slices = single ? null : rowidSlices(db, LINK_CHUNK_ROWS);
  // One slice ahead, so that step() answers false as soon as the last chunk is linked.
  let pending = slices?.next();
  return {
    step() {
      if (done) return false;
      if (!chunk) {
        linked += run(db, link()).changes;
        done = true;
      } else {
        if (!pending!.done) linked += chunk.run(pending!.value).changes;
        pending = slices!.next();
        done = pending.done === true;
      }
      return !done;
    },
    finish(excludedRowids) {
      const unlink = prepare(
        db,
        k
          .deleteFrom('sync_batch_events')
          .where('batch_id', '=', batchId)
          .where('event_id', 'in', k.selectFrom('conversion_events').select('id').where(rowid, 'in', jsonValues<number>(param('rowids')))),
      );
      for (let i = 0; i < excludedRowids.length; i += EXCLUDED_SLICE) {
        linked -= unlink.run({ rowids: JSON.stringify(excludedRowids.slice(i, i + EXCLUDED_SLICE)) }).changes;
      }
      // An event is in at most one open batch per destination: exporting it again for the same
      // destination moves it here (a Meta file leaves the event in its open Google batch).
      const others = sameDestinationBatches(format).where('id', '<>', batchId);
      if (!get(db, others.limit(1))) return linked;
      run(
        db,
        k
          .deleteFrom('sync_batch_events')
          .where('batch_id', 'in', others)
          .where('event_id', 'in', k.selectFrom('sync_batch_events as mine').select('mine.event_id').where('mine.batch_id', '=', batchId)),
      );
      return linked;
    },
  };
}
