import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { FORMAT_DESTINATION, type Destination } from '../../shared/domain/delivery';
import { applyDeliveryAction, type DeliveryWriteResult } from '../delivery/repo';
import { transitionEvents } from '../events/service';
import * as repo from './repo';
import { matchResultsFile, type ResultsMatch } from './results-file';

/** A delivery write's answer in the shape of an event-level transition (the batch screens and the CLI show it). */
function asOutcome(result: DeliveryWriteResult): TransitionOutcome {
  if (result.changed === 0 && (result.refused.length || result.missing.length)) {
    const parts = result.refused.map((r) => `${r.count} ${r.reason}`);
    if (result.missing.length) parts.push(`${result.missing.length} not found`);
    const outcome = { changed: 0, refused: result.refused, missing: result.missing, undoToken: null };
    throw new AppError('illegal_transition', `Nothing changed: ${parts.join('; ')}`, outcome);
  }
  return { changed: result.changed, refused: result.refused, missing: result.missing, undoToken: result.changed > 0 ? result.changeId : null };
}

/**
 * A Google or Meta batch closes its events' delivery to ITS destination only: marking the Meta file
 * uploaded sends nothing to Google, and the next Google export still finds those events queued.
 */
function closeDeliveries(db: Sqlite, destination: Destination, batchId: string, action: 'mark_sent' | 'mark_failed', reason: string | null, eventIds?: string[]): TransitionOutcome {
  const items = eventIds?.length ? eventIds.map((eventId) => ({ eventId })) : { batchId };
  const note = action === 'mark_sent' ? `uploaded in batch ${batchId}` : reason;
  return asOutcome(applyDeliveryAction(db, destination, action, items, { batchId, note }));
}

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
    const destination = FORMAT_DESTINATION[batch.destination];
    if (action === 'uploaded') {
      const outcome = destination
        ? closeDeliveries(db, destination, batchId, 'mark_sent', null)
        : transitionEvents(db, 'mark_sent', { filter: { batchId } }, `uploaded in batch ${batchId}`, batchId);
      repo.closeBatch(db, batchId, 'uploaded', null, now);
      return outcome;
    }
    const reason = request.reason?.trim();
    if (!reason) throw new AppError('validation', 'Marking a batch failed needs a reason (what the platform said)');
    if (request.eventIds?.length) {
      const outside = repo.idsOutsideBatch(db, batchId, request.eventIds);
      if (outside.length) throw new AppError('validation', `${outside.length} of the events are not in batch ${batchId}`, { notInBatch: outside.slice(0, 100) });
      return destination
        ? closeDeliveries(db, destination, batchId, 'mark_failed', reason, request.eventIds)
        : transitionEvents(db, 'mark_failed', { ids: request.eventIds }, reason, batchId);
    }
    const outcome = destination
      ? closeDeliveries(db, destination, batchId, 'mark_failed', reason)
      : transitionEvents(db, 'mark_failed', { filter: { batchId } }, reason, batchId);
    repo.closeBatch(db, batchId, 'failed', reason, now);
    return outcome;
  })();
}

export interface ResultsOutcome {
  outcome: TransitionOutcome;
  /** The file's refused rows that were matched (and marked failed) / not matched, and its accepted rows. */
  failed: number;
  unmatched: ResultsMatch['unmatched'];
  accepted: number;
}

/**
 * A platform's per-row results file: exactly the refused rows' events → failed on this batch's
 * destination, each with the platform's message; the batch stays open (the accepted rows can then be
 * marked uploaded). One transaction.
 */
export function applyResultsFile(db: Sqlite, batchId: string, text: string, timeZone: string): ResultsOutcome {
  return db.transaction(() => {
    const batch = repo.findBatch(db, batchId);
    if (!batch) throw new AppError('not_found', `No sync batch with id ${batchId}`);
    if (batch.status !== 'exported') throw new AppError('conflict', `Batch ${batchId} is already ${batch.status}`);
    const destination = FORMAT_DESTINATION[batch.destination];
    if (!destination) throw new AppError('validation', 'A spreadsheet CSV batch goes to no platform; it has no results file');
    const match = matchResultsFile(text, repo.batchEventsForMatch(db, batchId), timeZone);
    if (!match.failures.length) {
      return { outcome: { changed: 0, refused: [], missing: [], undoToken: null }, failed: 0, unmatched: match.unmatched, accepted: match.accepted };
    }
    const items = match.failures.map((f) => ({ eventId: f.eventId, message: f.message, code: null }));
    const result = applyDeliveryAction(db, destination, 'mark_failed', items, { batchId, note: 'refused in the platform’s results file' });
    return {
      outcome: { changed: result.changed, refused: result.refused, missing: result.missing, undoToken: result.changed > 0 ? result.changeId : null },
      failed: result.changed,
      unmatched: match.unmatched,
      accepted: match.accepted,
    };
  })();
}
