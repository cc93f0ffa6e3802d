import type { EventFilterParsed } from '../../shared/domain/filters';
import { ACTION_LABELS, type SyncAction } from '../../shared/domain/sync';
import type { JobProgress } from '../../shared/ipc/events';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Sqlite } from '../db/connection';
import { filterMatchesAtMost } from '../events/repo';
import { changeExists } from '../events/transitions-repo';
import { uuidv7 } from '../lib/ids';
import type { BulkSpec, BulkTarget } from './bulk';
import { jobServiceFor, type JobService, type JobServiceOptions } from './service';

export type BulkRequest =
  | { op: 'transition'; action: SyncAction; target: BulkTarget; reason?: string }
  | { op: 'assign'; target: BulkTarget; campaignId?: string | null; brandId?: string | null }
  | { op: 'delete'; target: BulkTarget }
  | { op: 'undo'; undoToken: string };

export function jobServiceForContext(ctx: AppContext, options?: JobServiceOptions): JobService {
  return jobServiceFor(
    {
      db: ctx.db,
      dbPath: ctx.dbPath,
      nativeBinding: ctx.nativeBinding,
      emitProgress: (progress: JobProgress) => ctx.push.emit('job:progress', progress),
      emitChanged: (reason: string) => ctx.push.emit('events:changed', { reason }),
    },
    options,
  );
}

/**
 * How many events a target matches, counting at most `limit` + 1 — a bounded probe, so deciding
 * "worker or not" never scans the whole table on the main thread when the filter has an index.
 */
export function targetSizeAtMost(db: Sqlite, target: BulkTarget, limit: number): number {
  if ('ids' in target) return new Set(target.ids).size;
  return filterMatchesAtMost(db, target.filter as EventFilterParsed, limit + 1);
}

const describeTarget = (target: BulkTarget) => ('ids' in target ? `${target.ids.length.toLocaleString('en-US')} events` : 'events matching the filter');

/** Validates a bulk request on the main thread and resolves it into what the worker runs. */
export function toBulkSpec(db: Sqlite, request: BulkRequest): { spec: BulkSpec; label: string } {
  switch (request.op) {
    case 'transition': {
      const reason = request.reason?.trim() || null;
      if (request.action === 'mark_failed' && !reason) throw new AppError('validation', 'Marking events failed needs a reason (what the platform said)');
      return {
        spec: { op: 'transition', action: request.action, target: request.target, reason, changeId: `chg_${uuidv7()}` },
        label: `${ACTION_LABELS[request.action]} ${describeTarget(request.target)}`,
      };
    }
    case 'assign':
      return {
        spec: { op: 'assign', target: request.target, campaignId: request.campaignId, brandId: request.brandId },
        label: `Assign ${describeTarget(request.target)}`,
      };
    case 'delete':
      return { spec: { op: 'delete', target: request.target }, label: `Delete ${describeTarget(request.target)}` };
    case 'undo':
      if (!changeExists(db, request.undoToken)) throw new AppError('not_found', 'That change cannot be undone (unknown undo token)');
      return { spec: { op: 'undo', changeId: request.undoToken, undoChangeId: `chg_${uuidv7()}` }, label: 'Undo the last bulk change' };
  }
}
