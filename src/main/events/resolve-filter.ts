/**
 * The review filters that depend on Settings and on the clock — "too old for Google Ads / Meta" and
 * "no conversion action / Meta event" (issue 15 item 4) — rewritten into the plain filters the SQL and
 * the facet index answer (a time bound on the event_time index, a conversion-name list), with the
 * exports' own rules, so a Review filter and an Export exclusion group name the same events.
 */
import type { Destination } from '../../shared/domain/delivery';
import { googleActionFor, metaEventFor } from '../../shared/domain/destinations';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { AppSettings } from '../../shared/domain/settings';
import type { Sqlite } from '../db/connection';
import { GOOGLE_WINDOW_DAYS, metaWindowDays } from '../exports/formats';
import { getSettings } from '../settings/service';
import { facetCacheOf } from './facet-cache';
import { distinctNamePairs } from './repo';

const DAY_MS = 86_400_000;

/** The upload window of a destination, in days (the exports' windowChecks). */
export function windowDaysOf(destination: Destination, settings: Pick<AppSettings, 'meta'>): number {
  return destination === 'google_ads' ? GOOGLE_WINDOW_DAYS : metaWindowDays(settings.meta.actionSource);
}

/** The instant before which an event is too old for the destination (exports: ms < now − days). */
export function tooOldBefore(destination: Destination, settings: Pick<AppSettings, 'meta'>, nowMs: number): string {
  return new Date(nowMs - windowDaysOf(destination, settings) * DAY_MS).toISOString();
}

/**
 * The conversion names whose events go to no Google conversion action / Meta event. A name is listed
 * when any of its (category, name) pairs is unmapped (a name stored under two categories whose
 * fallbacks differ is the only case where the list is wider than the export's group).
 */
export function unmappedNames(
  pairs: readonly { event_name: Parameters<typeof googleActionFor>[1]['event_name']; name: string }[],
  destination: Destination,
  settings: Pick<AppSettings, 'destinations' | 'conversionNames'>,
): string[] {
  const resolve = destination === 'google_ads' ? googleActionFor : metaEventFor;
  const names = new Set<string>();
  for (const pair of pairs) {
    if (resolve(settings, { event_name: pair.event_name, conversion_name: pair.name }).name === null) names.add(pair.name);
  }
  return [...names].sort();
}

/** The filter with tooOldFor / unmappedFor replaced by what they mean now; other filters are returned as they are. */
export function resolveFilter(db: Sqlite, filter: EventFilterParsed, nowMs = Date.now()): EventFilterParsed {
  if (!filter.tooOldFor && !filter.unmappedFor) return filter;
  const settings = getSettings(db);
  const { tooOldFor, unmappedFor, ...rest } = filter;
  const resolved: EventFilterParsed = { ...rest };
  if (tooOldFor) {
    const before = tooOldBefore(tooOldFor, settings, nowMs);
    resolved.timeTo = resolved.timeTo && resolved.timeTo < before ? resolved.timeTo : before;
  }
  if (unmappedFor) {
    const pairs = facetCacheOf(db)?.current()?.namePairs() ?? distinctNamePairs(db);
    const names = unmappedNames(pairs, unmappedFor, settings);
    // An empty list matches nothing (filterToWhere and the facet index both read it so).
    resolved.conversionNames = rest.conversionNames ? names.filter((name) => rest.conversionNames!.includes(name)) : names;
  }
  return resolved;
}
