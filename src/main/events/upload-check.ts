/**
 * "How many of these events cannot be uploaded anywhere, and why" (issue 15 item 5), for the queue
 * confirmation: an event no destination can take, because nothing identifies it for any platform, its
 * conversion name goes neither to a Google action nor to a Meta event, or it is older than every
 * platform's upload window. Counted in SQL over the target (ids or filter) with the exports' rules.
 */
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { UploadCheck } from '../../shared/ipc/channels/events';
import type { Sqlite } from '../db/connection';
import { getSettings } from '../settings/service';
import { facetCacheOf } from './facet-cache';
import { filterToWhere, NO_IDENTIFIERS_SQL, type SqlFragment } from './filter-sql';
import { countMatchingAll, distinctNamePairs, targetToWhere } from './repo';
import { tooOldBefore, unmappedNames } from './resolve-filter';

export function uploadCheck(db: Sqlite, target: { ids: string[] } | { filter: EventFilterParsed }, nowMs = Date.now()): UploadCheck {
  const settings = getSettings(db);
  const where = targetToWhere(db, target);
  const pairs = facetCacheOf(db)?.current()?.namePairs() ?? distinctNamePairs(db);
  const google = new Set(unmappedNames(pairs, 'google_ads', settings));
  const neither = unmappedNames(pairs, 'meta', settings).filter((name) => google.has(name));
  // The longest window is Google's (90 days ≥ Meta's 62 or 7): older than that, no platform takes it.
  const before = [tooOldBefore('google_ads', settings, nowMs), tooOldBefore('meta', settings, nowMs)].sort()[0]!;
  const reasons: { code: UploadCheck['reasons'][number]['code']; fragment: SqlFragment }[] = [
    { code: 'no_identifiers', fragment: { sql: NO_IDENTIFIERS_SQL.any, params: [] } },
    { code: 'unmapped', fragment: neither.length ? filterToWhere({ conversionNames: neither }) : { sql: '0', params: [] } },
    { code: 'too_old', fragment: { sql: 'event_time < ?', params: [before] } },
  ];
  const counted = reasons.map((r) => ({ code: r.code, count: countMatchingAll(db, [where, r.fragment]) }));
  const any: SqlFragment = { sql: `(${reasons.map((r) => `(${r.fragment.sql})`).join(' OR ')})`, params: reasons.flatMap((r) => r.fragment.params) };
  return {
    total: countMatchingAll(db, [where]),
    cannotUpload: countMatchingAll(db, [where, any]),
    reasons: counted.filter((r) => r.count > 0),
    unmappedNames: neither,
  };
}
