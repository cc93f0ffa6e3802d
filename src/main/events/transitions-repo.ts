import type { ConversionSyncStatus } from '../../shared/domain/events';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import type { Sqlite } from '../db/connection';
import type { SqlFragment } from './filter-sql';

export interface TransitionWrite {
  action: SyncAction;
  where: SqlFragment;
  note: string | null;
  changeId: string;
  now: string;
  /** Set when the change belongs to a sync batch (export → uploaded / failed). */
  batchId?: string | null;
}

/** Counts matching rows per current status (for the refused part of the answer). */
export function statusBreakdown(db: Sqlite, where: SqlFragment): { status: ConversionSyncStatus; count: number }[] {
  return db
    .prepare(`SELECT sync_status AS status, count(*) AS count FROM conversion_events WHERE ${where.sql} GROUP BY sync_status`)
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
  db.prepare(
    `INSERT INTO sync_history (event_id, from_status, to_status, action, note, batch_id, change_id, prev_sync_error, prev_synced_at, prev_attempts, created_at)
     SELECT id, sync_status, ?, ?, ?, ?, ?, sync_error, synced_at, sync_attempts, ? FROM conversion_events WHERE ${scope}`,
  ).run(to, write.action, write.note, write.batchId ?? null, write.changeId, write.now, ...scopeParams);

  const sets = ['sync_status = ?', 'updated_at = ?'];
  const params: unknown[] = [to, write.now];
  if (ATTEMPT_ACTIONS.includes(write.action)) sets.push('sync_attempts = sync_attempts + 1');
  if (write.action === 'mark_sent') (sets.push('synced_at = ?', 'sync_error = NULL'), params.push(write.now));
  if (write.action === 'mark_failed') (sets.push('sync_error = ?'), params.push(write.note));
  if (write.action === 'unqueue' || write.action === 'skip' || write.action === 'retry') sets.push('batch_id = NULL');
  return db.prepare(`UPDATE conversion_events SET ${sets.join(', ')} WHERE ${scope}`).run(...params, ...scopeParams).changes;
}

/**
 * Puts back what one change did, for the events still in the state that change left them in.
 * Writes 'undo' history rows. Returns how many events were restored.
 */
export function undoChange(db: Sqlite, changeId: string, undoChangeId: string, now: string): number {
  db.prepare(
    `INSERT INTO sync_history (event_id, from_status, to_status, action, note, change_id, created_at)
     SELECT h.event_id, h.to_status, h.from_status, 'undo', 'undo of ' || h.action, ?, ?
     FROM sync_history h JOIN conversion_events e ON e.id = h.event_id
     WHERE h.change_id = ? AND e.sync_status = h.to_status`,
  ).run(undoChangeId, now, changeId);
  return db
    .prepare(
      `UPDATE conversion_events AS e
       SET sync_status = h.from_status, sync_error = h.prev_sync_error, synced_at = h.prev_synced_at,
           sync_attempts = h.prev_attempts, updated_at = ?
       FROM sync_history AS h
       WHERE h.change_id = ? AND h.event_id = e.id AND e.sync_status = h.to_status`,
    )
    .run(now, changeId).changes;
}

export function changeExists(db: Sqlite, changeId: string): boolean {
  return db.prepare('SELECT 1 FROM sync_history WHERE change_id = ? LIMIT 1').get(changeId) !== undefined;
}
