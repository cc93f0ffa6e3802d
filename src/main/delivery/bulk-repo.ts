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
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import { k } from './sql';

/** Runs a raw Kysely statement (compiled with the builder's dialect) on this connection. */
function runRaw(db: Sqlite, query: RawBuilder<unknown>): number {
  const compiled = query.compile(k);
  return db.prepare(compiled.sql).run(...(compiled.parameters as unknown[])).changes;
}
import { DERIVED_CASE } from './write-repo';

export interface ScopeFragment {
  sql: string;
  params: unknown[];
}

/** A positional-parameter WHERE fragment (filter-sql.ts) as a Kysely raw builder with its values bound in order. */
export function fragment(where: ScopeFragment): RawBuilder<unknown> {
  const parts = where.sql.split('?');
  if (parts.length - 1 !== where.params.length) throw new Error('fragment: placeholder count does not match the parameters');
  return sql.join(
    parts.map((part, i) => (i < where.params.length ? sql`${sql.raw(part)}${where.params[i]}` : sql.raw(part))),
    sql``,
  );
}

const SPLIT = 'temp.bulk_split';

function splitTable(db: Sqlite): void {
  runQuery(
    db,
    k.schema
      .createTable(SPLIT)
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bulk_split_pk', ['event_id', 'destination'])
      .modifyEnd(sql`WITHOUT ROWID`),
  );
  runQuery(db, k.deleteFrom(SPLIT as 'event_deliveries'));
}

export interface BulkDeliveryWrite {
  action: SyncAction;
  /** The chunk's scope on conversion_events (already including the action's allowed overall statuses). */
  scope: ScopeFragment;
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
  const table = write.notIndexed ? sql`conversion_events NOT INDEXED` : sql`conversion_events`;
  // CROSS JOIN keeps SQLite's join order: the chunk's events first, one probe of the deliveries' key each.
  const filled = runRaw(
    db,
    sql`INSERT INTO temp.bulk_split (event_id, destination)
      SELECT d.event_id, d.destination FROM (SELECT id FROM ${table} WHERE ${fragment(write.scope)}) s
      CROSS JOIN event_deliveries d ON d.event_id = s.id
      WHERE d.status IN (${sql.join([...from])})`,
  );
  if (!filled) return 0;
  const attempt = ATTEMPT_ACTIONS.includes(write.action) ? 1 : 0;
  const moving = k.selectFrom(`${SPLIT} as b` as 'event_deliveries as b').innerJoin('event_deliveries as x', (join) =>
    join.onRef('x.event_id', '=', 'b.event_id').onRef('x.destination', '=', 'b.destination'),
  );
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'])
      .expression(
        moving.select([
          'x.event_id',
          'x.destination',
          'x.status',
          sql<string>`${to}`.as('to_status'),
          sql<string>`${write.action}`.as('action'),
          sql<string | null>`${write.note}`.as('note'),
          sql<string | null>`${write.batchId}`.as('batch_id'),
          sql<string>`${write.changeId}`.as('change_id'),
          'x.last_error',
          'x.synced_at',
          'x.attempts',
          'x.last_error_code',
          sql<string>`${write.now}`.as('created_at'),
        ]),
      ),
  );
  runQuery(
    db,
    k
      .updateTable('event_deliveries')
      .set({
        status: to,
        attempts: sql`attempts + ${attempt}`,
        synced_at: write.action === 'mark_sent' ? write.now : sql`synced_at`,
        last_error: write.action === 'mark_sent' ? null : write.action === 'mark_failed' ? write.note : sql<string | null>`last_error`,
        last_error_code: write.action === 'mark_sent' || write.action === 'mark_failed' ? null : sql<string | null>`last_error_code`,
        batch_id: sql`coalesce(${write.batchId}, batch_id)`,
        updated_at: write.now,
      })
      .where(sql<SqlBool>`(event_id, destination) IN (SELECT event_id, destination FROM temp.bulk_split)`),
  );
  return filled;
}

/** The last history row's id (the re-derive after an event-level write looks at rows written after it). */
export function lastHistoryId(db: Sqlite): number {
  return allRows<{ id: number | null }>(db, k.selectFrom('sync_history').select((eb) => eb.fn.max('id').as('id')))[0]?.id ?? 0;
}

/**
 * After the event-level UPDATE of a chunk whose split events' deliveries moved: those events' overall
 * status becomes the derived one (e.g. skipping Meta for an event Google already has makes it sent,
 * not skipped), and their history rows of this change say so.
 */
export function rederiveMoved(db: Sqlite, changeId: string, afterHistoryId: number, now: string): void {
  const moved = sql`(SELECT event_id FROM sync_history WHERE id > ${afterHistoryId} AND change_id = ${changeId} AND destination IS NOT NULL)`;
  const derived = sql<string>`(SELECT ${DERIVED_CASE} FROM event_deliveries x WHERE x.event_id = sync_history.event_id)`;
  runQuery(
    db,
    k
      .updateTable('sync_history')
      .set({ to_status: derived })
      .where('id', '>', afterHistoryId)
      .where('change_id', '=', changeId)
      .where('destination', 'is', null)
      .where(sql<SqlBool>`event_id IN ${moved}`),
  );
  rederiveEvents(db, moved, now);
}

/** sync_status (and synced_at / sync_error) of the given events = the derived state of their rows. */
export function rederiveEvents(db: Sqlite, eventIds: RawBuilder<unknown>, now: string): void {
  const derived = sql<string>`(SELECT ${DERIVED_CASE} FROM event_deliveries x WHERE x.event_id = conversion_events.id)`;
  runQuery(
    db,
    k
      .updateTable('conversion_events')
      .set({
        sync_status: derived,
        synced_at: sql`CASE WHEN ${derived} = 'sent' THEN (SELECT max(x.synced_at) FROM event_deliveries x WHERE x.event_id = conversion_events.id) ELSE synced_at END`,
        sync_error: sql`CASE ${derived} WHEN 'sent' THEN NULL
          WHEN 'failed' THEN (SELECT group_concat(CASE x.destination WHEN 'meta' THEN 'Meta' ELSE 'Google Ads' END || ': ' || ifnull(x.last_error, 'failed'), '; ')
                              FROM event_deliveries x WHERE x.event_id = conversion_events.id AND x.status = 'failed')
          ELSE sync_error END`,
        updated_at: now,
      })
      .where(sql<SqlBool>`id IN ${eventIds}`)
      .where(sql<SqlBool>`EXISTS (SELECT 1 FROM event_deliveries x WHERE x.event_id = conversion_events.id)`),
  );
}

/**
 * Undo, for the destination rows of one change (in the history id range the caller undoes): each
 * delivery still in the state the change left it in gets back its status, attempts, synced_at and
 * errors, with an 'undo' history row. Returns the events whose deliveries were restored.
 */
export function undoDeliveries(db: Sqlite, changeId: string, undoChangeId: string, now: string, range?: { after: number; upTo: number }): number {
  const inRange = (q: ReturnType<typeof historyOfChange>) => (range ? q.where('h.id', '>', range.after).where('h.id', '<=', range.upTo) : q);
  const historyOfChange = () =>
    k
      .selectFrom('sync_history as h')
      .innerJoin('event_deliveries as x', (join) => join.onRef('x.event_id', '=', 'h.event_id').onRef('x.destination', '=', 'h.destination'))
      .where('h.change_id', '=', changeId)
      .where('h.destination', 'is not', null)
      .whereRef('x.status', '=', 'h.to_status');
  const rows = allRows<{ n: number }>(db, inRange(historyOfChange()).select((eb) => eb.fn.count<number>('h.event_id').distinct().as('n')))[0]?.n ?? 0;
  if (!rows) return 0;
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'change_id', 'created_at'])
      .expression(
        inRange(historyOfChange()).select([
          'h.event_id',
          'h.destination',
          'h.to_status',
          sql<string>`h.from_status`.as('to'),
          sql<string>`'undo'`.as('action'),
          sql<string>`'undo of ' || h.action`.as('note'),
          sql<string>`${undoChangeId}`.as('change_id'),
          sql<string>`${now}`.as('created_at'),
        ]),
      ),
  );
  const h = range ? sql`AND h.id > ${range.after} AND h.id <= ${range.upTo}` : sql``;
  runRaw(
    db,
    sql`UPDATE event_deliveries AS x
      SET status = h.from_status, last_error = h.prev_sync_error, synced_at = h.prev_synced_at,
          attempts = coalesce(h.prev_attempts, x.attempts), last_error_code = h.prev_error_code, updated_at = ${now}
      FROM sync_history AS h
      WHERE h.change_id = ${changeId} AND h.destination IS NOT NULL ${h}
        AND h.event_id = x.event_id AND h.destination = x.destination AND x.status = h.to_status`,
  );
  return rows;
}
