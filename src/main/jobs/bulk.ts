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
import { filterExpression } from '../events/filter-repo';
import { applyTransition, restoredByUndo, statusBreakdown, undoChange } from '../events/transitions-repo';
import { assignChunk, beginImmediate, commit, countFilter, deleteUnsentChunk, filterChunks, historyChunks, historyRowsOfChange, idChunks, missingIds, rollback, type Chunk } from './bulk-repo';

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

/** Chunks of a target. Each chunk's WHERE already contains the target's condition. */
function targetChunks(db: Sqlite, target: BulkTarget, size: number): Generator<Chunk> {
  return 'ids' in target ? idChunks(db, target.ids, size) : filterChunks(db, target.filter, size);
}

function countTarget(db: Sqlite, target: BulkTarget): { total: number; missing: string[] } {
  if ('ids' in target) {
    const unique = [...new Set(target.ids)];
    const missing = missingIds(db, unique);
    return { total: unique.length - missing.length, missing };
  }
  return { total: countFilter(db, target.filter), missing: [] };
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
  beginImmediate(db);
  lap('lockMs');
  try {
    const result = runInTransaction(db, spec, { ...hooks, onProgress: (done, total) => (done === 0 ? lap('countMs') : undefined, hooks.onProgress(done, total)) }, size, now, checkCancel);
    lap('chunksMs');
    checkCancel();
    commit(db);
    lap('commitMs');
    return result;
  } catch (error) {
    if (db.inTransaction) rollback(db);
    throw error;
  }
}

function runInTransaction(db: Sqlite, spec: BulkSpec, hooks: BulkHooks, size: number, now: string, checkCancel: () => void): BulkResult {
  if (spec.op === 'undo') {
    const total = historyRowsOfChange(db, spec.changeId);
    if (total === 0) throw new AppError('not_found', 'That change cannot be undone (unknown undo token)');
    hooks.onProgress(0, total);
    let done = 0;
    for (const range of historyChunks(db, spec.changeId, size)) {
      checkCancel();
      undoChange(db, spec.changeId, spec.undoChangeId, now, { after: range.after, upTo: range.upTo });
      done = Math.min(total, done + size);
      hooks.onProgress(range.last ? total : done, total);
    }
    return { op: 'undo', restored: restoredByUndo(db, spec.undoChangeId) };
  }

  const upfront = spec.op === 'transition' && 'filter' in spec.target ? statusBreakdown(db, filterExpression(spec.target.filter)) : null;
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
    let changed = 0;
    try {
      for (const chunk of targetChunks(db, spec.target, size)) {
        checkCancel();
        const n = assignChunk(db, chunk, { campaign_id: spec.campaignId, brand_id: spec.brandId }, now);
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
    const { deleted: n, sent } = deleteUnsentChunk(db, chunk);
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
