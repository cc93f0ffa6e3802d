import type { Preflight } from '../../shared/domain/imports';
import type { Sqlite } from '../db/connection';
import { preflightCounts, preflightEvents, prepareImportStatements, type PreflightCounts } from './repo';
import { createKysely } from '../db/connection';

export const REASONS = {
  none: 'no platform can match this event: it has no email, phone, name with address, external id or click id',
  google: 'Google cannot match this event: no gclid/gbraid/wbraid, email, phone, or name with postal code and country',
  meta: 'Meta cannot match this event: no email, phone, external id, fbc/fbp, name with address, or IP with user agent',
} as const;

/**
 * Pre-flight of an import, inside its transaction: counts (or takes the counts of) the events no platform can match and
 * those one platform cannot take, and lists the first `room` of them as warnings at their lines, so
 * the user learns it now rather than at export.
 */
export function runPreflight(db: Sqlite, importId: string, room: number, prehashed: Preflight['prehashed'], counted: PreflightCounts | null = null): Preflight {
  // Counted while inserting (PreflightCounter) when that is exact; else one scan of the import's events.
  const counts = counted ?? preflightCounts(db, importId);
  if (room > 0 && (counts.googleCannot > 0 || counts.metaCannot > 0)) {
    const stmts = prepareImportStatements(db, createKysely(db));
    for (const event of preflightEvents(db, importId, room)) {
      const reason = !event.google && !event.meta ? REASONS.none : !event.google ? REASONS.google : REASONS.meta;
      stmts.error(importId, { row: event.line ?? 0, severity: 'warning', column: null, value: null, reason, relatedEventId: event.id });
    }
  }
  return { ...counts, prehashed };
}
