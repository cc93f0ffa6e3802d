/**
 * "Skip these N" on an Export exclusion group (issue 15 item 4): the group's events are skipped for the
 * file's destination only (their delivery there; Meta keeps an event too old for Google), with an undo
 * token for events:undoTransition. The group is named by the same review filter the "Show in Review"
 * link opens, or — for reasons Review has no filter for — by the listed event ids.
 */
import { FORMAT_DESTINATION } from '../../shared/domain/delivery';
import { exclusionReviewFilter, EXCLUSION_CODES, type ExclusionCode, type ExportFormat } from '../../shared/domain/exports';
import { EventFilterSchema, type EventFilter } from '../../shared/domain/filters';
import type { TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { applyDeliveryAction } from '../delivery/repo';
import { idsMatching } from '../events/repo';
import { resolveFilter } from '../events/resolve-filter';
import { exportFilter } from './run';

export const SKIP_LIMIT = 100_000;

export interface SkipExcludedRequest {
  format: ExportFormat;
  filter: EventFilter;
  code: ExclusionCode;
  /** For a reason Review has no filter for: the group's events as the pre-flight listed them. */
  eventIds?: string[];
}

export function skipExcluded(db: Sqlite, request: SkipExcludedRequest, nowMs = Date.now()): TransitionOutcome {
  const destination = FORMAT_DESTINATION[request.format];
  if (!destination) throw new AppError('validation', 'The spreadsheet CSV excludes nothing; there is nothing to skip');
  if (!(EXCLUSION_CODES as readonly string[]).includes(request.code)) throw new AppError('validation', `Unknown exclusion reason ${request.code}`);
  const problem = exclusionReviewFilter(request.format, request.code);
  let ids: string[];
  if (problem) {
    const scoped = exportFilter(EventFilterSchema.parse(request.filter), request.format);
    const filter = resolveFilter(db, EventFilterSchema.parse({ ...scoped, ...problem }), nowMs);
    ids = idsMatching(db, filter, SKIP_LIMIT + 1);
    if (ids.length > SKIP_LIMIT) throw new AppError('validation', `More than ${SKIP_LIMIT.toLocaleString('en-US')} events: skip them from Review with the same filter`);
  } else if (request.eventIds?.length) {
    ids = request.eventIds;
  } else {
    throw new AppError('validation', 'These events have no review filter; pass the listed event ids');
  }
  if (!ids.length) return { changed: 0, refused: [], missing: [], undoToken: null };
  const result = applyDeliveryAction(db, destination, 'skip', ids.map((eventId) => ({ eventId })), { note: `skipped on Export: ${request.code}` });
  return { changed: result.changed, refused: result.refused, missing: result.missing, undoToken: result.changed > 0 ? result.changeId : null };
}
