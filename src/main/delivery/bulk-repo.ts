/**
 * Event-level state-machine actions (the review grid's bulk changes, the CLI's `events queue|skip|…`,
 * their undo) on events that already have delivery rows. An event-level action applies to the event's
 * deliveries that are in a status it moves from (queue moves every pending delivery to queued, skip
 * every pending / queued / failed one…); the event's sync_status is then re-derived from its rows.
 *
 * Events WITHOUT rows (the common case, and every event of a fresh import) are untouched here: their
 * deliveries follow sync_status, which transitions-repo.ts updates as before. When no event has rows
 * at all, callers skip this module entirely (noDeliveryRows), so a bulk queue of 1M events costs what
 * it did before delivery per destination. With rows, the extra cost is one primary-key probe per event
 * in the chunk (driven from the chunk, never a scan of event_deliveries) plus the writes for the split
 * events themselves.
 */
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { withIndexHint } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { get, run } from '../db/query';
import { k as deliveryK } from './sql';
import { DERIVED_CASE } from './write-repo';

/** The chunk's split deliveries (event, destination) that move, for the statements after the fill. */
const k = deliveryK.withTables<{ 'temp.bulk_split': { event_id: string; destination: string } }>();
const SPLIT = 'temp.bulk_split';

function splitTable(db: Sqlite): void {
  run(
    db,
    k.schema
      .createTable(SPLIT)
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bulk_split_pk', ['event_id', 'destination'])
      .modifyEnd(sql`without rowid`),
  );
  run(db, k.deleteFrom(SPLIT));
}

export interface BulkDeliveryWrite {
  action: SyncAction;
  /** The chunk's scope on conversion_events (already including the action's allowed overall statuses). */
  scope: Expression<SqlBool>;
  /** Read conversion_events without its indexes (the jobs worker's rowid chunks). */
  notIndexed: boolean;
  note: string | null;
  batchId: string | null;
  changeId: string;
  now: string;
}

/**
 * Moves the deliveries of the scope's split events that are in a status the action moves from, with
 * one history row each (sync_history.destination). Call BEFORE the event-level UPDATE (the scope reads
 * the events' current statuses). Returns how many deliveries moved.
 */
export function moveDeliveriesOfScope(db: Sqlite, write: BulkDeliveryWrite): number {
  const { from, to } = TRANSITIONS[write.action];
  splitTable(db);
  // CROSS JOIN keeps SQLite's join order: the chunk's events first, one probe of the deliveries' key each.
  const fill = k.insertInto(SPLIT).columns(['event_id', 'destination']).expression(
    k
      .selectFrom(k.selectFrom('conversion_events').select('id').where(write.scope).as('s'))
      .crossJoin('event_deliveries as d')
      .select(['d.event_id', 'd.destination'])
      .whereRef('d.event_id', '=', 's.id')
      .where('d.status', 'in', [...from]),
  );
  // The chunk's own read of conversion_events is its statement's first FROM (withIndexHint).
  const filled = run(db, write.notIndexed ? withIndexHint(fill, 'conversion_events', 'not indexed') : fill).changes;
  if (!filled) return 0;
  const attempt = ATTEMPT_ACTIONS.includes(write.action) ? 1 : 0;
  const moving = k.selectFrom(`${SPLIT} as b`).innerJoin('event_deliveries as x', (join) =>
    join.onRef('x.event_id', '=', 'b.event_id').onRef('x.destination', '=', 'b.destination'),
  );
  run(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'])
      .expression(
        moving.select([
          'x.event_id',
          'x.destination',
          'x.status',
          sql.val(to).as('to_status'),
          sql.val(write.action).as('action'),
          sql.val(write.note).as('note'),
          sql.val(write.batchId).as('batch_id'),
          sql.val(write.changeId).as('change_id'),
          'x.last_error',
          'x.synced_at',
          'x.attempts',
          'x.last_error_code',
          sql.val(write.now).as('created_at'),
        ]),
      ),
  );
  run(
    db,
    k
      .updateTable('event_deliveries')
      .set((eb) => ({
        status: to,
        attempts: eb('attempts', '+', attempt),
        synced_at: write.action === 'mark_sent' ? write.now : eb.ref('synced_at'),
        last_error: write.action === 'mark_sent' ? null : write.action === 'mark_failed' ? write.note : eb.ref('last_error'),
        last_error_code: write.action === 'mark_sent' || write.action === 'mark_failed' ? null : eb.ref('last_error_code'),
        batch_id: eb.fn.coalesce(eb.val(write.batchId), eb.ref('batch_id')),
        updated_at: write.now,
      }))
      .where((eb) => eb(eb.refTuple('event_id', 'destination'), 'in', eb.selectFrom(SPLIT).select(['event_id', 'destination']).$asTuple('event_id', 'destination'))),
  );
  return filled;
}

/** The last history row's id (the re-derive after an event-level write looks at rows written after it). */
export function lastHistoryId(db: Sqlite): number {
  return get<{ id: number | null }>(db, k.selectFrom('sync_history').select((eb) => eb.fn.max('id').as('id')))?.id ?? 0;
}

/**
 * After the event-level UPDATE of a chunk whose split events' deliveries moved: those events' overall
 * status becomes the derived one (e.g. skipping Meta for an event Google already has makes it sent,
 * not skipped), and their history rows of this change say so.
 */
export function rederiveMoved(db: Sqlite, changeId: string, afterHistoryId: number, now: string): void {
  const moved = k.selectFrom('sync_history').select('event_id').where('id', '>', afterHistoryId).where('change_id', '=', changeId).where('destination', 'is not', null);
  run(
    db,
    k
      .updateTable('sync_history')
      .set((eb) => ({ to_status: eb.selectFrom('event_deliveries as x').select(DERIVED_CASE.as('derived')).whereRef('x.event_id', '=', 'sync_history.event_id') }))
      .where('id', '>', afterHistoryId)
      .where('change_id', '=', changeId)
      .where('destination', 'is', null)
      .where('event_id', 'in', moved),
  );
  rederiveEvents(db, moved, now);
}

/** The event ids a re-derive applies to (a subquery). */
export type EventIds = Expression<{ event_id: string }>;

/** sync_status (and synced_at / sync_error) of the given events = the derived state of their rows. */
export function rederiveEvents(db: Sqlite, eventIds: EventIds, now: string): void {
  run(
    db,
    k
      .updateTable('conversion_events')
      .set((eb) => {
        const deliveries = () => eb.selectFrom('event_deliveries as x').whereRef('x.event_id', '=', 'conversion_events.id');
        const derived = deliveries().select(DERIVED_CASE.as('derived'));
        const failedErrors = deliveries()
          .select((x) => {
            const platform = x.case('x.destination').when(sql.lit('meta')).then(sql.lit('Meta')).else(sql.lit('Google Ads')).end();
            const message = x(x(platform, '||', sql.lit(': ')), '||', x.fn.coalesce('x.last_error', sql.lit('failed')));
            return x.fn<string | null>('group_concat', [message, sql.lit('; ')]).as('errors');
          })
          .where('x.status', '=', sql.lit('failed'));
        return {
          sync_status: derived as never,
          synced_at: eb
            .case()
            .when(derived, '=', sql.lit('sent'))
            .then(deliveries().select((x) => x.fn.max('x.synced_at').as('synced_at')))
            .else(eb.ref('synced_at'))
            .end(),
          sync_error: eb
            .case(derived)
            .when(sql.lit('sent'))
            .then(null)
            .when(sql.lit('failed'))
            .then(failedErrors)
            .else(eb.ref('sync_error'))
            .end(),
          updated_at: now,
        };
      })
      .where('id', 'in', eventIds as never)
      .where((eb) => eb.exists(eb.selectFrom('event_deliveries as x').select(sql.lit(1).as('one')).whereRef('x.event_id', '=', 'conversion_events.id'))),
  );
}

/**
 * Undo, for the destination rows of one change (in the history id range the caller undoes): each
 * delivery still in the state the change left it in gets back its status, attempts, synced_at and
 * errors, with an 'undo' history row. Returns the events whose deliveries were restored.
 */
/** What every undo history row (sync_history h undone) says: action `undo`, "undo of <action>", the undo's change id and time. */
export const undoRowItems = (undoChangeId: string, now: string) =>
  [
    sql.lit('undo').as('action'),
    expressionBuilder<DB, 'sync_history'>()(sql.lit('undo of '), '||', sql.ref<string>('h.action')).as('note'),
    sql.val(undoChangeId).as('change_id'),
    sql.val(now).as('created_at'),
  ] as const;

export function undoDeliveries(db: Sqlite, changeId: string, undoChangeId: string, now: string, range?: { after: number; upTo: number }): number {
  const inRange = (q: ReturnType<typeof historyOfChange>) => (range ? q.where('h.id', '>', range.after).where('h.id', '<=', range.upTo) : q);
  const historyOfChange = () =>
    k
      .selectFrom('sync_history as h')
      .innerJoin('event_deliveries as x', (join) => join.onRef('x.event_id', '=', 'h.event_id').onRef('x.destination', '=', 'h.destination'))
      .where('h.change_id', '=', changeId)
      .where('h.destination', 'is not', null)
      .whereRef('x.status', '=', 'h.to_status');
  const rows = get<{ n: number }>(db, inRange(historyOfChange()).select((eb) => eb.fn.count<number>('h.event_id').distinct().as('n')))?.n ?? 0;
  if (!rows) return 0;
  run(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'change_id', 'created_at'])
      .expression(
        inRange(historyOfChange()).select([
          'h.event_id',
          'h.destination',
          'h.to_status',
          'h.from_status as to',
          ...undoRowItems(undoChangeId, now),
        ]),
      ),
  );
  run(
    db,
    k
      .updateTable('event_deliveries as x')
      .from('sync_history as h')
      .set((eb) => ({
        status: eb.ref('h.from_status') as never,
        last_error: eb.ref('h.prev_sync_error'),
        synced_at: eb.ref('h.prev_synced_at'),
        attempts: eb.fn.coalesce('h.prev_attempts', 'x.attempts') as never,
        last_error_code: eb.ref('h.prev_error_code'),
        updated_at: now,
      }))
      .where('h.change_id', '=', changeId)
      .where('h.destination', 'is not', null)
      .$if(range !== undefined, (q) => q.where('h.id', '>', range!.after).where('h.id', '<=', range!.upTo))
      .whereRef('h.event_id', '=', 'x.event_id')
      .whereRef('h.destination', '=', 'x.destination')
      .whereRef('x.status', '=', 'h.to_status'),
  );
  return rows;
}
