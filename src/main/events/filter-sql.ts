import { EVENT_NAMES } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import { decimalToMicros } from '../../shared/domain/money';
import { deliveryFilterSql } from '../delivery/filter-sql';
import { MATCHABLE_SQL } from '../imports/quality-repo';
import { searchKeys, searchWhere, type SearchResolvedFilter } from './search-repo';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export const CLICK_ID = '(gclid IS NOT NULL OR gbraid IS NOT NULL OR wbraid IS NOT NULL)';
export const HASHED_ID = '(user_email_hash IS NOT NULL OR user_phone_hash IS NOT NULL)';
/** Meta's customer-information rule, as exports/formats.ts metaCanMatch writes it. */
export const META_MATCH =
  '(meta_email_hash IS NOT NULL OR meta_phone_hash IS NOT NULL OR meta_external_id_hash IS NOT NULL OR fbc IS NOT NULL OR fbp IS NOT NULL' +
  ' OR (meta_first_name_hash IS NOT NULL AND meta_last_name_hash IS NOT NULL AND (meta_zip_hash IS NOT NULL OR meta_city_hash IS NOT NULL OR meta_dob_hash IS NOT NULL))' +
  ' OR (user_ip IS NOT NULL AND user_agent IS NOT NULL))';
/** An email or phone pre-hashed for Meta (the Google leads file calls these "hashed for the other platform"). */
export const META_HASHED_ID = '(meta_email_hash IS NOT NULL OR meta_phone_hash IS NOT NULL)';

/** "No identifiers" per scope (NoIdentifiersScope), with the exports' exact exclusion rules. */
export const NO_IDENTIFIERS_SQL = {
  any: `(${CLICK_ID} = 0 AND ${HASHED_ID} = 0 AND ${META_MATCH} = 0)`,
  google: `(${HASHED_ID} = 0 AND ${META_HASHED_ID} = 0)`,
  meta: `(${META_MATCH} = 0 AND ${HASHED_ID} = 0)`,
} as const;

/** The value sort key and value-range expression (events without a value sort as -1). */
export const VALUE_KEY = 'ifnull(event_value_micros, -1)';

/** The WHERE clause for a review filter. Shared by list, count and bulk actions so they always agree. */
export function filterToWhere(filter: EventFilterParsed): SqlFragment {
  if (filter.tooOldFor || filter.unmappedFor) throw new Error('filterToWhere: resolve "too old" / "unmapped" first (events/resolve-filter.ts)');
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[]) => {
    clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (filter.statuses?.length) inList('sync_status', filter.statuses);
  if (filter.eventNames?.length) inList('event_name', filter.eventNames);
  // An empty list (a resolved "no conversion action" filter with no unmapped name) matches nothing.
  if (filter.conversionNames && !filter.conversionNames.length) clauses.push('0');
  if (filter.conversionNames?.length) {
    // An event's name is conversion_name, or its category when that is NULL (stored before 0011):
    // written as two index-friendly terms rather than ifnull(), so idx_conversion_events_conversion_name serves the first.
    const names = filter.conversionNames;
    const categories = names.filter((name) => (EVENT_NAMES as readonly string[]).includes(name));
    const named = `conversion_name IN (${names.map(() => '?').join(', ')})`;
    clauses.push(
      categories.length ? `(${named} OR (conversion_name IS NULL AND event_name IN (${categories.map(() => '?').join(', ')})))` : named,
    );
    params.push(...names, ...categories);
  }
  if (filter.campaignId !== undefined) {
    if (filter.campaignId === null) clauses.push('campaign_id IS NULL');
    else (clauses.push('campaign_id = ?'), params.push(filter.campaignId));
  }
  if (filter.brandId !== undefined) {
    if (filter.brandId === null) clauses.push('brand_id IS NULL');
    else (clauses.push('brand_id = ?'), params.push(filter.brandId));
  }
  if (filter.importId) (clauses.push('import_id = ?'), params.push(filter.importId));
  if (filter.batchId) (clauses.push('id IN (SELECT l.event_id FROM sync_batch_events l WHERE l.batch_id = ?)'), params.push(filter.batchId));
  if (filter.timeFrom) (clauses.push('event_time >= ?'), params.push(filter.timeFrom));
  if (filter.timeTo) (clauses.push('event_time < ?'), params.push(filter.timeTo));
  // Value ranges are written on the same expression as the value sort's index (0006); events without a
  // value (-1 there) never match a range.
  if (filter.valueMin !== undefined) (clauses.push(`${VALUE_KEY} >= ?`), params.push(decimalToMicros(filter.valueMin)));
  if (filter.valueMax !== undefined) {
    if (filter.valueMin === undefined) clauses.push(`${VALUE_KEY} >= 0`);
    clauses.push(`${VALUE_KEY} <= ?`);
    params.push(decimalToMicros(filter.valueMax));
  }
  // Identifier flags compare the exact expressions of idx_conversion_events_identifiers (0006) to 0/1.
  if (filter.hasClickId !== undefined) clauses.push(`${CLICK_ID} = ${filter.hasClickId ? 1 : 0}`);
  if (filter.hasIdentifiers !== undefined) {
    const none = `${CLICK_ID} = 0 AND ${HASHED_ID} = 0`;
    clauses.push(filter.hasIdentifiers ? `NOT (${none})` : none);
  }
  if (filter.noIdentifiersFor) clauses.push(NO_IDENTIFIERS_SQL[filter.noIdentifiersFor]);
  if (filter.unmatchable !== undefined) clauses.push(filter.unmatchable ? `NOT (${MATCHABLE_SQL})` : `(${MATCHABLE_SQL})`);
  // Search (events/search-repo.ts): event_id or transaction_id starting with the text (also with a '#'
  // before it), or, for an email or phone, the events holding one of its hashes. The handlers resolve the
  // hashes with Settings → Default country (withSearchKeys); elsewhere a national phone number has no country.
  if (filter.search) {
    const search = searchWhere((filter as SearchResolvedFilter).searchKeys ?? searchKeys(filter.search, undefined));
    clauses.push(search.sql);
    params.push(...search.params);
  }
  if (filter.delivery) {
    const delivery = deliveryFilterSql(filter.delivery);
    clauses.push(delivery.sql);
    params.push(...delivery.params);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}

/** SQL expression for "this event can be uploaded somewhere": a click id or a hashed identifier. */
export const UPLOADABLE_SQL = `(${CLICK_ID} OR ${HASHED_ID})`;
