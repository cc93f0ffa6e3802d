import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { ConversionSyncStatus } from '../../shared/domain/events';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { jsonValues, withIndexHint } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { all, get, k, once, param, pluck, run, type Compilable } from '../db/query';
import type { ConversionEventsTable, DB } from '../db/schema';
import { lastHistoryId, moveDeliveriesOfScope, rederiveEvents, rederiveMoved, undoDeliveries, undoRowItems } from '../delivery/bulk-repo';
import { noDeliveryRows } from '../delivery/repo';

const eb = expressionBuilder<DB, 'conversion_events'>();

export interface TransitionWrite {
  action: SyncAction;
  where: Expression<SqlBool>;
  note: string | null;
  changeId: string;
  now: string;
  /** Set when the change belongs to a sync batch (export → uploaded / failed). */
  batchId?: string | null;
  /**
   * Read conversion_events without its indexes (rowid ranges only). The jobs worker walks the table
   * in rowid chunks; without this the planner may pick a filter's index and rescan it per chunk.
   */
  notIndexed?: boolean;
}

/** The query reading conversion_events NOT INDEXED when asked (SQLite's hint; Kysely has no form for it). */
const hinted = (query: Compilable, notIndexed: boolean | undefined): Compilable => (notIndexed ? withIndexHint(query, 'conversion_events', 'not indexed') : query);

/** Counts matching rows per current status (for the refused part of the answer). */
export function statusBreakdown(db: Sqlite, where: Expression<SqlBool>, notIndexed = false): { status: ConversionSyncStatus; count: number }[] {
  const query = k
    .selectFrom('conversion_events')
    .select((eb) => ['sync_status as status', eb.fn.countAll<number>().as('count')])
    .where(where)
    .groupBy('sync_status');
  return all<{ status: ConversionSyncStatus; count: number }>(db, hinted(query, notIndexed));
}

/**
 * Applies one state-machine transition to every matching row that may make it, and writes one
 * history row per changed event, in the caller's transaction. Rows in other states are untouched.
 */
export function applyTransition(db: Sqlite, write: TransitionWrite): number {
  const { from, to } = TRANSITIONS[write.action];
  const scope = k.selectFrom('conversion_events').where(write.where).where('sync_status', 'in', from);
  // Events with delivery rows (0012): their deliveries move first, their overall status is re-derived
  // after. Skipped entirely while no event has rows (a fresh import's bulk queue costs what it did).
  const splitAware = !noDeliveryRows(db);
  const historyBefore = splitAware ? lastHistoryId(db) : 0;
  const movedDeliveries = splitAware
    ? moveDeliveriesOfScope(db, {
        action: write.action,
        scope: eb.and([write.where, eb('sync_status', 'in', from)]),
        notIndexed: write.notIndexed ?? false,
        note: write.note,
        batchId: write.batchId ?? null,
        changeId: write.changeId,
        now: write.now,
      })
    : 0;
  const history = k
    .insertInto('sync_history')
    .columns(['event_id', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'created_at'])
    .expression(
      scope.select([
        'id',
        'sync_status',
        sql.val(to).as('to_status'),
        sql.val(write.action).as('action'),
        sql.val(write.note).as('note'),
        sql.val(write.batchId ?? null).as('batch_id'),
        sql.val(write.changeId).as('change_id'),
        'sync_error',
        'synced_at',
        'sync_attempts',
        sql.val(write.now).as('created_at'),
      ]),
    );
  run(db, hinted(history, write.notIndexed));

  const set: { [C in keyof ConversionEventsTable]?: ConversionEventsTable[C] | Expression<ConversionEventsTable[C]> } = { sync_status: to, updated_at: write.now };
  if (ATTEMPT_ACTIONS.includes(write.action)) set.sync_attempts = eb('sync_attempts', '+', sql.lit(1));
  if (write.action === 'mark_sent') (set.synced_at = write.now), (set.sync_error = null);
  if (write.action === 'mark_failed') set.sync_error = write.note;
  if (write.action === 'unqueue' || write.action === 'skip' || write.action === 'retry') leaveOpenBatches(db, scope.select('id'), write.notIndexed);
  const update = k.updateTable('conversion_events').set(set).where(write.where).where('sync_status', 'in', from);
  const changed = run(db, hinted(update, write.notIndexed)).changes;
  if (movedDeliveries) rederiveMoved(db, write.changeId, historyBefore, write.now);
  return changed;
}

const OPEN_BATCHES = once(() => k.selectFrom('sync_batches').select('id').where('status', '=', 'exported'));

/**
 * Events that are unqueued, skipped or retried leave the open batch they were exported in, so marking
 * that batch uploaded later does not mark them sent; closed batches keep their links as history.
 */
function leaveOpenBatches(db: Sqlite, ids: Compilable & Expression<{ id: string }>, notIndexed: boolean | undefined): void {
  const open = pluck<string>(db, OPEN_BATCHES);
  if (!open.length) return;
  const unlink = k
    .deleteFrom('sync_batch_events')
    .where('batch_id', 'in', jsonValues<string>(JSON.stringify(open)))
    .where('event_id', 'in', ids as never);
  run(db, hinted(unlink, notIndexed));
}

/**
 * Puts back what one change did, for the events still in the state that change left them in.
 * Writes 'undo' history rows. Returns how many events were restored.
 */
export function undoChange(
  db: Sqlite,
  changeId: string,
  undoChangeId: string,
  now: string,
  /** Only the change's history rows with after < id <= upTo (the jobs worker undoes in chunks). */
  range?: { after: number; upTo: number },
): number {
  const splitAware = !noDeliveryRows(db);
  const deliveriesRestored = splitAware ? undoDeliveries(db, changeId, undoChangeId, now, range) : 0;
  const inChange = k
    .selectFrom('sync_history as h')
    .innerJoin('conversion_events as e', 'e.id', 'h.event_id')
    .where('h.change_id', '=', changeId)
    .$if(range !== undefined, (q) => q.where('h.id', '>', range!.after).where('h.id', '<=', range!.upTo))
    .where('h.destination', 'is', null)
    .whereRef('e.sync_status', '=', 'h.to_status');
  run(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'from_status', 'to_status', 'action', 'note', 'change_id', 'created_at'])
      .expression(
        inChange.select([
          'h.event_id',
          'h.to_status',
          'h.from_status',
          ...undoRowItems(undoChangeId, now),
        ]),
      ),
  );
  const restored = run(
    db,
    k
      .updateTable('conversion_events as e')
      .from('sync_history as h')
      .set((eb) => ({
        sync_status: eb.ref('h.from_status') as never,
        sync_error: eb.ref('h.prev_sync_error'),
        synced_at: eb.ref('h.prev_synced_at'),
        sync_attempts: eb.ref('h.prev_attempts') as never,
        updated_at: now,
      }))
      .where('h.change_id', '=', changeId)
      .$if(range !== undefined, (q) => q.where('h.id', '>', range!.after).where('h.id', '<=', range!.upTo))
      .where('h.destination', 'is', null)
      .whereRef('h.event_id', '=', 'e.id')
      .whereRef('e.sync_status', '=', 'h.to_status'),
  ).changes;
  if (!splitAware) return restored;
  // Events with deliveries: their overall status is the derived one, whatever was restored above.
  // In a chunked undo, only once the chunk holding the event's last row of the change is undone: an
  // earlier re-derive would change the status a later chunk's event-level row checks, so it would
  // write no undo row for it (the statuses still end the same, the history would be short).
  const events = k
    .selectFrom('sync_history as r')
    .select('r.event_id')
    .where('r.change_id', '=', changeId)
    .$if(range !== undefined, (q) =>
      q
        .where('r.id', '>', range!.after)
        .where('r.id', '<=', range!.upTo)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('sync_history as later')
                .select(sql.lit(1).as('one'))
                .whereRef('later.event_id', '=', 'r.event_id')
                .where('later.id', '>', range!.upTo)
                // Unary + keeps SQLite off the change's index here (a scan of all its later rows per
                // row): the (event_id, id) index finds the event's later rows in a few steps.
                .where(sql<string>`+${sql.ref('later.change_id')}`, '=', changeId),
            ),
          ),
        ),
    );
  rederiveEvents(db, events, now);
  return Math.max(restored, deliveriesRestored);
}

const UNDO_RESTORED = once(() =>
  k
    .selectFrom('sync_history')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('destination', 'is', null).as('events'),
      eb.fn.count<number>('event_id').distinct().filterWhere('destination', 'is not', null).as('split'),
    ])
    .where('change_id', '=', param('undoChangeId')),
);

/**
 * How many events one undo restored, from its own history rows, as undoChange counts them in one go
 * (events restored at event level, or with deliveries restored, whichever is more). The jobs worker
 * undoes in chunks, and summing the chunks' counts counts an event whose rows straddle two twice.
 */
export function restoredByUndo(db: Sqlite, undoChangeId: string): number {
  const { events, split } = get<{ events: number; split: number }>(db, UNDO_RESTORED, { undoChangeId })!;
  return Math.max(events, split);
}

const CHANGE_SIZE = once(() =>
  k
    .selectFrom(k.selectFrom('sync_history').select(sql.lit(1).as('one')).where('change_id', '=', param('changeId')).limit(param('limit')).as('c'))
    .select((eb) => eb.fn.countAll<number>().as('n')),
);
const CHANGE_EXISTS = once(() => k.selectFrom('sync_history').select(sql.lit(1).as('one')).where('change_id', '=', param('changeId')).limit(1));
const CHANGE_MOVED_DELIVERIES = once(() =>
  k.selectFrom('sync_history').select(sql.lit(1).as('one')).where('change_id', '=', param('changeId')).where('destination', 'is not', null).limit(1),
);
const STATUSES_OF_CHANGE = once(() =>
  k
    .selectFrom('sync_history as h')
    .innerJoin('conversion_events as e', 'e.id', 'h.event_id')
    .select([sql.ref<number>('e.rowid').as('rowid'), 'e.sync_status as status'])
    .where('h.change_id', '=', param('changeId'))
    .where('h.destination', 'is', null),
);
const STATUS_OF_EVENT = once(() => k.selectFrom('conversion_events').select([sql.ref<number>('rowid').as('rowid'), 'sync_status as status']).where('id', '=', param('id')));

/** How many events one change touched, counting at most `limit` + 1 (cheap probe for "is it big?"). */
export function changeSize(db: Sqlite, changeId: string, limit: number): number {
  return get<{ n: number }>(db, CHANGE_SIZE, { changeId, limit: limit + 1 })!.n;
}

export function changeExists(db: Sqlite, changeId: string): boolean {
  return get(db, CHANGE_EXISTS, { changeId }) !== undefined;
}

/** The events one change wrote history for, with their status now (to patch the window's facet index). */
export function statusesOfChange(db: Sqlite, changeId: string): { rowid: number; status: string }[] {
  // A change that moved deliveries changed what the facet index's delivery columns hold: an unknown
  // status makes the patch fail, so the index reloads.
  if (get(db, CHANGE_MOVED_DELIVERIES, { changeId })) return [{ rowid: -1, status: 'deliveries' }];
  return all<{ rowid: number; status: string }>(db, STATUSES_OF_CHANGE, { changeId });
}

/** One event's rowid and status (empty when it does not exist). */
export function statusOfEvent(db: Sqlite, id: string): { rowid: number; status: string }[] {
  return all<{ rowid: number; status: string }>(db, STATUS_OF_EVENT, { id });
}
