/**
 * Bulk changes over many events, as the jobs worker runs them: ONE write transaction (BEGIN
 * IMMEDIATE … COMMIT) processed in chunks, so the worker can report progress and see a cancel
 * between chunks, and a cancel (or any error) rolls everything back: a job either happens entirely
 * or not at all, history rows and undo records included. Readers on other connections (the window)
 * keep seeing the state before the job until it commits (WAL).
 *
 * Filter targets walk the table in rowid chunks with NOT INDEXED, so each chunk is a short range
 * scan whatever the filter; id targets go through a temp table chunk by chunk (index lookups).
 */
import type { ConversionSyncStatus } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import { illegalTransitionReason, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import type { BulkResult, TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { filterToWhere, type SqlFragment } from '../events/filter-sql';
import { applyTransition, statusBreakdown, undoChange } from '../events/transitions-repo';

export type BulkTarget = { ids: string[] } | { filter: EventFilterParsed };

/** A bulk change, fully resolved on the main thread (validated, ids for change records chosen). */
export type BulkSpec =
  | { op: 'transition'; action: SyncAction; target: BulkTarget; reason: string | null; changeId: string; batchId?: string | null }
  | { op: 'assign'; target: BulkTarget; campaignId?: string | null; brandId?: string | null }
  | { op: 'delete'; target: BulkTarget }
  | { op: 'undo'; changeId: string; undoChangeId: string };

export interface BulkHooks {
  isCancelled(): boolean;
  /** Called after the initial count and after every chunk. */
  onProgress(done: number, total: number): void;
  /** Rows per chunk (default 10,000: ~50–100 ms of work, so progress and cancel stay prompt). */
  chunkRows?: number;
  now?: () => string;
  /** Filled with where the time went (ms): waiting for the write lock, counting, the chunks, the commit. */
  timings?: Record<string, number>;
}

export class JobCancelled extends Error {
  constructor() {
    super('The job was cancelled; nothing was changed');
    this.name = 'JobCancelled';
  }
}

export const DEFAULT_CHUNK_ROWS = 10_000;

interface Chunk {
  where: SqlFragment;
  notIndexed: boolean;
  /** How far through the table this chunk ends (0–1), for filter targets' progress. */
  fraction?: number;
}

/** Chunks of a target. Each chunk's WHERE already contains the target's condition. */
function* targetChunks(db: Sqlite, target: BulkTarget, size: number): Generator<Chunk> {
  if ('ids' in target) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS job_ids (id TEXT PRIMARY KEY) WITHOUT ROWID');
    const insert = db.prepare('INSERT OR IGNORE INTO temp.job_ids (id) VALUES (?)');
    for (let i = 0; i < target.ids.length; i += size) {
      db.exec('DELETE FROM temp.job_ids');
      for (const id of target.ids.slice(i, i + size)) insert.run(id);
      yield { where: { sql: 'id IN (SELECT id FROM temp.job_ids)', params: [] }, notIndexed: false };
    }
    db.exec('DELETE FROM temp.job_ids');
    return;
  }
  const where = filterToWhere(target.filter);
  const nextBound = db.prepare('SELECT rowid FROM conversion_events WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?').pluck();
  const { lo, hi } = db.prepare('SELECT min(rowid) AS lo, max(rowid) AS hi FROM conversion_events').get() as { lo: number | null; hi: number | null };
  if (lo === null || hi === null) return;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    let upTo = nextBound.get(after, size - 1) as number | undefined;
    let last = false;
    if (upTo === undefined) {
      if (hi <= after) return;
      upTo = hi;
      last = true;
    }
    const fraction = hi === lo ? 1 : (upTo - lo) / (hi - lo);
    yield { where: { sql: `rowid > ? AND rowid <= ? AND (${where.sql})`, params: [after, upTo, ...where.params] }, notIndexed: true, fraction };
    if (last) return;
    after = upTo;
  }
}

function countTarget(db: Sqlite, target: BulkTarget): { total: number; missing: string[] } {
  if ('ids' in target) {
    const unique = [...new Set(target.ids)];
    const exists = db.prepare('SELECT 1 FROM conversion_events WHERE id = ?').pluck();
    const missing = unique.filter((id) => exists.get(id) === undefined);
    return { total: unique.length - missing.length, missing };
  }
  const where = filterToWhere(target.filter);
  return { total: (db.prepare(`SELECT count(*) AS n FROM conversion_events WHERE ${where.sql}`).get(...where.params) as { n: number }).n, missing: [] };
}

/** Runs one bulk change in one transaction on this connection. Throws JobCancelled or AppError. */
export function runBulk(db: Sqlite, spec: BulkSpec, hooks: BulkHooks): BulkResult {
  const size = hooks.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const now = (hooks.now ?? (() => new Date().toISOString()))();
  const checkCancel = () => {
    if (hooks.isCancelled()) throw new JobCancelled();
  };
  checkCancel();
  const timings = hooks.timings ?? {};
  let t = performance.now();
  const lap = (name: string) => {
    const next = performance.now();
    timings[name] = Math.round((timings[name] ?? 0) + next - t);
    t = next;
  };
  db.exec('BEGIN IMMEDIATE');
  lap('lockMs');
  try {
    const result = runInTransaction(db, spec, { ...hooks, onProgress: (done, total) => (done === 0 ? lap('countMs') : undefined, hooks.onProgress(done, total)) }, size, now, checkCancel);
    lap('chunksMs');
    checkCancel();
    db.exec('COMMIT');
    lap('commitMs');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function runInTransaction(db: Sqlite, spec: BulkSpec, hooks: BulkHooks, size: number, now: string, checkCancel: () => void): BulkResult {
  if (spec.op === 'undo') {
    const total = (db.prepare('SELECT count(*) AS n FROM sync_history WHERE change_id = ?').get(spec.changeId) as { n: number }).n;
    if (total === 0) throw new AppError('not_found', 'That change cannot be undone (unknown undo token)');
    hooks.onProgress(0, total);
    const nextBound = db.prepare('SELECT id FROM sync_history WHERE change_id = ? AND id > ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    const maxId = db.prepare('SELECT max(id) FROM sync_history WHERE change_id = ?').pluck();
    let after = 0;
    let done = 0;
    let restored = 0;
    for (;;) {
      checkCancel();
      let upTo = nextBound.get(spec.changeId, after, size - 1) as number | undefined;
      const last = upTo === undefined;
      if (last) upTo = maxId.get(spec.changeId) as number;
      if (upTo! <= after) break;
      restored += undoChange(db, spec.changeId, spec.undoChangeId, now, { after, upTo: upTo! });
      done = Math.min(total, done + size);
      hooks.onProgress(last ? total : done, total);
      if (last) break;
      after = upTo!;
    }
    return { op: 'undo', restored };
  }

  const upfront = spec.op === 'transition' && 'filter' in spec.target ? statusBreakdown(db, filterToWhere(spec.target.filter)) : null;
  const { total, missing } = upfront ? { total: upfront.reduce((sum, entry) => sum + entry.count, 0), missing: [] } : countTarget(db, spec.target);
  hooks.onProgress(0, total);
  let done = 0;

  if (spec.op === 'transition') {
    const allowed = TRANSITIONS[spec.action].from;
    // A filter target's statuses are counted once up front (the plan's (sync_status) index answers
    // the whole-table case); counting each chunk again cost ~1.3 s on 1M events. Nothing else writes
    // meanwhile (BEGIN IMMEDIATE), so the chunks change exactly the allowed part of this breakdown.
    const byStatus = new Map<ConversionSyncStatus, number>();
    const addBreakdown = (entries: { status: ConversionSyncStatus; count: number }[]) => {
      for (const entry of entries) byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + entry.count);
    };
    if (upfront) addBreakdown(upfront);
    let changed = 0;
    for (const chunk of targetChunks(db, spec.target, size)) {
      checkCancel();
      if ('ids' in spec.target) {
        const entries = statusBreakdown(db, chunk.where, chunk.notIndexed);
        addBreakdown(entries);
        done += entries.reduce((sum, entry) => sum + entry.count, 0);
      }
      changed += applyTransition(db, {
        action: spec.action,
        where: chunk.where,
        note: spec.reason,
        changeId: spec.changeId,
        now,
        batchId: spec.batchId,
        notIndexed: chunk.notIndexed,
      });
      if (chunk.fraction !== undefined) done = Math.round(total * chunk.fraction);
      hooks.onProgress(done, total);
    }
    const refused = [...byStatus.entries()]
      .filter(([status]) => !allowed.includes(status))
      .map(([status, count]) => ({ status, count, reason: illegalTransitionReason(spec.action, status) }));
    const outcome: TransitionOutcome = { changed, refused, missing, undoToken: changed > 0 ? spec.changeId : null };
    if (changed === 0 && (refused.length > 0 || missing.length > 0)) {
      const parts = refused.map((r) => `${r.count} ${r.reason}`);
      if (missing.length) parts.push(`${missing.length} not found`);
      throw new AppError('illegal_transition', `Nothing changed: ${parts.join('; ')}`, outcome);
    }
    return { op: 'transition', outcome };
  }

  if (spec.op === 'assign') {
    const sets: string[] = ['updated_at = ?'];
    const setParams: unknown[] = [now];
    if (spec.campaignId !== undefined) (sets.push('campaign_id = ?'), setParams.push(spec.campaignId));
    if (spec.brandId !== undefined) (sets.push('brand_id = ?'), setParams.push(spec.brandId));
    let changed = 0;
    try {
      for (const chunk of targetChunks(db, spec.target, size)) {
        checkCancel();
        const table = chunk.notIndexed ? 'conversion_events NOT INDEXED' : 'conversion_events';
        const n = db.prepare(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${chunk.where.sql}`).run(...setParams, ...chunk.where.params).changes;
        changed += n;
        done += n;
        hooks.onProgress(done, total);
      }
    } catch (error) {
      if (String((error as Error).message).includes('FOREIGN KEY')) throw new AppError('not_found', 'The campaign or brand does not exist');
      throw error;
    }
    return { op: 'assign', changed };
  }

  // delete: sent events are kept (they are the record of what a platform received)
  let deleted = 0;
  let refused = 0;
  for (const chunk of targetChunks(db, spec.target, size)) {
    checkCancel();
    const table = chunk.notIndexed ? 'conversion_events NOT INDEXED' : 'conversion_events';
    const sent = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE (${chunk.where.sql}) AND sync_status = 'sent'`).get(...chunk.where.params) as { n: number }).n;
    const n = db.prepare(`DELETE FROM ${table} WHERE (${chunk.where.sql}) AND sync_status <> 'sent'`).run(...chunk.where.params).changes;
    refused += sent;
    deleted += n;
    done += n + sent;
    hooks.onProgress(done, total);
  }
  return {
    op: 'delete',
    deleted,
    refused,
    reason: refused ? `${refused} sent event(s) kept: sent conversions are the record of what the platform received` : null,
  };
}
