import type { Preflight } from '../../shared/domain/imports';
import type { Sqlite } from '../db/connection';
import { COL } from './columns';
import { preflightCounts, preflightEvents, prepareImportStatements } from './repo';
import { createKysely } from '../db/connection';

export const REASONS = {
  none: 'no platform can match this event: it has no email, phone, name with address, external id or click id',
  google: 'Google cannot match this event: no gclid/gbraid/wbraid, email, phone, or name with postal code and country',
  meta: 'Meta cannot match this event: no email, phone, external id, fbc/fbp, name with address, or IP with user agent',
} as const;

const set = (values: readonly unknown[], column: keyof typeof COL) => values[COL[column]] !== null && values[COL[column]] !== undefined;

/**
 * Whether both Google and Meta have something to match an event on: the same rules as repo.ts
 * matchKeys (the SQL the pre-flight runs), on a row's values in IMPORT_COLUMNS order. A test holds
 * the two to the same verdict.
 */
export function bothPlatformsCanMatch(values: readonly unknown[]): boolean {
  const google =
    set(values, 'gclid') || set(values, 'gbraid') || set(values, 'wbraid') || set(values, 'user_email_hash') || set(values, 'user_phone_hash') ||
    (set(values, 'user_first_name_hash') && set(values, 'user_last_name_hash') && set(values, 'google_region_code') && set(values, 'google_postal_code'));
  if (!google) return false;
  return (
    set(values, 'meta_email_hash') || set(values, 'meta_phone_hash') || set(values, 'meta_external_id_hash') || set(values, 'fbc') || set(values, 'fbp') ||
    (set(values, 'meta_first_name_hash') && set(values, 'meta_last_name_hash') && (set(values, 'meta_zip_hash') || set(values, 'meta_city_hash') || set(values, 'meta_dob_hash'))) ||
    (set(values, 'user_ip') && set(values, 'user_agent'))
  );
}

/**
 * Pre-flight of an import, inside its transaction: counts the events no platform can match and
 * those one platform cannot take, and lists the first `room` of them as warnings at their lines, so
 * the user learns it now rather than at export.
 *
 * `lacking`: how many of the rows this import inserted some platform could not match when inserted
 * (bothPlatformsCanMatch). At 0 the scan is skipped: later rows of the same event only fill blanks
 * (repo.ts merge), so no event of the import can have lost a match key, and every count is 0. The
 * scan read every event of the import once more before COMMIT (~1.3 s on a million rows).
 */
export function runPreflight(db: Sqlite, importId: string, room: number, prehashed: Preflight['prehashed'], lacking = Infinity): Preflight {
  if (lacking === 0) return { unmatchable: 0, googleCannot: 0, metaCannot: 0, prehashed };
  const counts = preflightCounts(db, importId);
  if (room > 0 && (counts.googleCannot > 0 || counts.metaCannot > 0)) {
    const stmts = prepareImportStatements(db, createKysely(db));
    for (const event of preflightEvents(db, importId, room)) {
      const reason = !event.google && !event.meta ? REASONS.none : !event.google ? REASONS.google : REASONS.meta;
      stmts.error(importId, { row: event.line ?? 0, severity: 'warning', column: null, value: null, reason, relatedEventId: event.id });
    }
  }
  return { ...counts, prehashed };
}
