import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { transitionEvents } from '../events/service';
import * as repo from './repo';

export interface CloseRequest {
  batchId: string;
  /** uploaded: queued events → sent; failed: queued events (or only `eventIds`) → failed. */
  action: 'uploaded' | 'failed';
  reason?: string;
  eventIds?: string[];
}

/**
 * Closes a sync batch (or fails some of its rows) through the state machine, so attempts, synced_at,
 * sync_error and history rows (with the batch id) are written exactly as for the review screen's
 * bulk actions. One transaction; runs in the export worker for large batches.
 */
export function closeBatchOn(db: Sqlite, request: CloseRequest): TransitionOutcome {
  const { batchId, action } = request;
  return db.transaction(() => {
    const batch = repo.findBatch(db, batchId);
    if (!batch) throw new AppError('not_found', `No sync batch with id ${batchId}`);
    if (batch.status !== 'exported') throw new AppError('conflict', `Batch ${batchId} is already ${batch.status}; it cannot be marked ${action}`);
    const now = new Date().toISOString();
    if (action === 'uploaded') {
      const outcome = transitionEvents(db, 'mark_sent', { filter: { batchId } }, `uploaded in batch ${batchId}`, batchId);
      repo.closeBatch(db, batchId, 'uploaded', null, now);
      return outcome;
    }
    const reason = request.reason?.trim();
    if (!reason) throw new AppError('validation', 'Marking a batch failed needs a reason (what the platform said)');
    if (request.eventIds?.length) {
      const outside = repo.idsOutsideBatch(db, batchId, request.eventIds);
      if (outside.length) throw new AppError('validation', `${outside.length} of the events are not in batch ${batchId}`, { notInBatch: outside.slice(0, 100) });
      return transitionEvents(db, 'mark_failed', { ids: request.eventIds }, reason, batchId);
    }
    const outcome = transitionEvents(db, 'mark_failed', { filter: { batchId } }, reason, batchId);
    repo.closeBatch(db, batchId, 'failed', reason, now);
    return outcome;
  })();
}
