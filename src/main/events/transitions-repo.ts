import type { ConversionSyncStatus } from '../../shared/domain/events';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import type { Sqlite } from '../db/connection';
import type { SqlFragment } from './filter-sql';
import { lastHistoryId, moveDeliveriesOfScope, rederiveEvents, rederiveMoved, undoDeliveries } from '../delivery/bulk-repo';
import { noDeliveryRows } from '../delivery/repo';
import { sql } from 'kysely';

export interface TransitionWrite {
  action: SyncAction;
  where: SqlFragment;
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

/** Counts matching rows per current status (for the refused part of the answer). */
export function statusBreakdown(db: Sqlite, where: SqlFragment, notIndexed = false): { status: ConversionSyncStatus; count: number }[] {
  return db
    .prepare(`SELECT sync_status AS status, count(*) AS count FROM conversion_events${notIndexed ? ' NOT INDEXED' : ''} WHERE ${where.sql} GROUP BY sync_status`)
    .all(...where.params) as { status: ConversionSyncStatus; count: number }[];
}

/**
 * Applies one state-machine transition to every matching row that may make it, and writes one
 * history row per changed event, in the caller's transaction. Rows in other states are untouched.
 */
export function applyTransition(db: Sqlite, write: TransitionWrite): number {
  const { from, to } = TRANSITIONS[write.action];
  const fromSql = `sync_status IN (${from.map(() => '?').join(', ')})`;
  const scope = `(${write.where.sql}) AND ${fromSql}`;
  const scopeParams = [...write.where.params, ...from];
  const table = write.notIndexed ? 'conversion_events NOT INDEXED' : 'conversion_events';
  // Events with delivery rows (0012): their deliveries move first, their overall status is re-derived
  // after. Skipped entirely while no event has rows (a fresh import's bulk queue costs what it did).
  const splitAware = !noDeliveryRows(db);
  const historyBefore = splitAware ? lastHistoryId(db) : 0;
  const movedDeliveries = splitAware
    ? moveDeliveriesOfScope(db, {
        action: write.action,
        scope: { sql: scope, params: scopeParams },
        notIndexed: write.notIndexed ?? false,
        note: write.note,
        batchId: write.batchId ?? null,
        changeId: write.changeId,
        now: write.now,
      })
    : 0;
  db.prepare(
    `INSERT INTO sync_history (event_id, from_status, to_status, action, note, batch_id, change_id, prev_sync_error, prev_synced_at, prev_attempts, created_at)
     SELECT id, sync_status, ?, ?, ?, ?, ?, sync_error, synced_at, sync_attempts, ? FROM ${table} WHERE ${scope}`,
  ).run(to, write.action, write.note, write.batchId ?? null, write.changeId, write.now, ...scopeParams);

  const sets = ['sync_status = ?', 'updated_at = ?'];
  const params: unknown[] = [to, write.now];
  if (ATTEMPT_ACTIONS.includes(write.action)) sets.push('sync_attempts = sync_attempts + 1');
  if (write.action === 'mark_sent') (sets.push('synced_at = ?', 'sync_error = NULL'), params.push(write.now));
  if (write.action === 'mark_failed') (sets.push('sync_error = ?'), params.push(write.note));
  if (write.action === 'unqueue' || write.action === 'skip' || write.action === 'retry') leaveOpenBatches(db, table, scope, scopeParams);
  const changed = db.prepare(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${scope}`).run(...params, ...scopeParams).changes;
  if (movedDeliveries) rederiveMoved(db, write.changeId, historyBefore, write.now);
  return changed;
}

/**
 * Events that are unqueued, skipped or retried leave the open batch they were exported in, so marking
 * that batch uploaded later does not mark them sent; closed batches keep their links as history.
 */
function leaveOpenBatches(db: Sqlite, table: string, scope: string, scopeParams: unknown[]): void {
  const open = db.prepare("SELECT id FROM sync_batches WHERE status = 'exported'").pluck().all() as string[];
  if (!open.length) return;
  db.prepare(
    `DELETE FROM sync_batch_events
     WHERE batch_id IN (SELECT value FROM json_each(?)) AND event_id IN (SELECT id FROM ${table} WHERE ${scope})`,
  ).run(JSON.stringify(open), ...scopeParams);
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
  const rangeSql = range ? ' AND h.id > ? AND h.id <= ?' : '';
  const rangeParams = range ? [range.after, range.upTo] : [];
  const splitAware = !noDeliveryRows(db);
  const deliveriesRestored = splitAware ? undoDeliveries(db, changeId, undoChangeId, now, range) : 0;
  db.prepare(
    `INSERT INTO sync_history (event_id, from_status, to_status, action, note, change_id, created_at)
     SELECT h.event_id, h.to_status, h.from_status, 'undo', 'undo of ' || h.action, ?, ?
     FROM sync_history h JOIN conversion_events e ON e.id = h.event_id
     WHERE h.change_id = ?${rangeSql} AND h.destination IS NULL AND e.sync_status = h.to_status`,
  ).run(undoChangeId, now, changeId, ...rangeParams);
  const restored = db
    .prepare(
      `UPDATE conversion_events AS e
       SET sync_status = h.from_status, sync_error = h.prev_sync_error, synced_at = h.prev_synced_at,
           sync_attempts = h.prev_attempts, updated_at = ?
       FROM sync_history AS h
       WHERE h.change_id = ?${rangeSql} AND h.destination IS NULL AND h.event_id = e.id AND e.sync_status = h.to_status`,
    )
    .run(now, changeId, ...rangeParams).changes;
  if (!splitAware) return restored;
  // Events with deliveries: their overall status is the derived one, whatever was restored above.
  const ofChange = range
    ? sql`(SELECT event_id FROM sync_history WHERE change_id = ${changeId} AND id > ${range.after} AND id <= ${range.upTo})`
    : sql`(SELECT event_id FROM sync_history WHERE change_id = ${changeId})`;
  rederiveEvents(db, ofChange, now);
  return Math.max(restored, deliveriesRestored);
}

/** How many events one change touched, counting at most `limit` + 1 (cheap probe for "is it big?"). */
export function changeSize(db: Sqlite, changeId: string, limit: number): number {
  return (db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM sync_history WHERE change_id = ? LIMIT ?)').get(changeId, limit + 1) as { n: number }).n;
}

export function changeExists(db: Sqlite, changeId: string): boolean {
  return db.prepare('SELECT 1 FROM sync_history WHERE change_id = ? LIMIT 1').get(changeId) !== undefined;
}

/** The events one change wrote history for, with their status now (to patch the window's facet index). */
export function statusesOfChange(db: Sqlite, changeId: string): { rowid: number; status: string }[] {
  // A change that moved deliveries changed what the facet index's delivery columns hold: an unknown
  // status makes the patch fail, so the index reloads.
  if (db.prepare('SELECT 1 FROM sync_history WHERE change_id = ? AND destination IS NOT NULL LIMIT 1').get(changeId)) return [{ rowid: -1, status: 'deliveries' }];
  return db
    .prepare('SELECT e.rowid AS rowid, e.sync_status AS status FROM sync_history h JOIN conversion_events e ON e.id = h.event_id WHERE h.change_id = ? AND h.destination IS NULL')
    .all(changeId) as { rowid: number; status: string }[];
}

/** One event's rowid and status (empty when it does not exist). */
export function statusOfEvent(db: Sqlite, id: string): { rowid: number; status: string }[] {
  return db.prepare('SELECT rowid, sync_status AS status FROM conversion_events WHERE id = ?').all(id) as { rowid: number; status: string }[];
}
