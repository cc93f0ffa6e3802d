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
import { anyOf, filterExpression } from './filter-repo';
import { countMatchingAll, distinctNamePairs, targetWhere } from './repo';
import { tooOldBefore, unmappedNames } from './resolve-filter';

export function uploadCheck(db: Sqlite, target: { ids: string[] } | { filter: EventFilterParsed }, nowMs = Date.now()): UploadCheck {
  const settings = getSettings(db);
  const where = targetWhere(db, target);
  const pairs = facetCacheOf(db)?.current()?.namePairs() ?? distinctNamePairs(db);
  const google = new Set(unmappedNames(pairs, 'google_ads', settings));
  const neither = unmappedNames(pairs, 'meta', settings).filter((name) => google.has(name));
  // The longest window is Google's (90 days ≥ Meta's 62 or 7): older than that, no platform takes it.
  const before = [tooOldBefore('google_ads', settings, nowMs), tooOldBefore('meta', settings, nowMs)].sort()[0]!;
  // Each reason is a review filter (an empty conversion-name list matches nothing).
  const reasons: { code: UploadCheck['reasons'][number]['code']; filter: EventFilterParsed }[] = [
    { code: 'no_identifiers', filter: { noIdentifiersFor: 'any' } },
    { code: 'unmapped', filter: { conversionNames: neither } },
    { code: 'too_old', filter: { timeTo: before } },
  ];
  const counted = reasons.map((r) => ({ code: r.code, count: countMatchingAll(db, [where, filterExpression(r.filter)]) }));
  return {
    total: countMatchingAll(db, [where]),
    cannotUpload: countMatchingAll(db, [where, anyOf(reasons.map((r) => r.filter))]),
    reasons: counted.filter((r) => r.count > 0),
    unmappedNames: neither,
  };
}
