/**
 * The review filter as a Kysely expression on conversion_events: shared by list, count, bulk actions,
 * exports, the overview and the sending engine's selection so they always agree. A query built with
 * it compiles to one SQL text per filter shape (the values are parameters), so its prepared statement
 * is cached per shape (db/query.ts).
 */
import { expressionBuilder, sql, type Expression, type RawBuilder, type ExpressionBuilder, type SqlBool } from 'kysely';
import { EVENT_NAMES } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import { decimalToMicros } from '../../shared/domain/money';
import { k } from '../db/query';
import type { DB } from '../db/schema';
import { deliveryFilterExpression } from '../delivery/filter-repo';
import { googleNameAddress, matchKeys } from '../imports/quality-repo';
import { searchExpression, searchKeys, type SearchResolvedFilter } from './search-repo';

export type EventsEb = ExpressionBuilder<DB, 'conversion_events'>;
const eb: EventsEb = expressionBuilder<DB, 'conversion_events'>();

/** A compiled WHERE fragment, for the few statements that still splice one into their text. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

// The identifier flags and the value key are written exactly as the expressions of
// idx_conversion_events_identifiers and idx_conversion_events_value_id (0006), so SQLite uses them.
export const CLICK_ID: Expression<SqlBool> = eb.or([eb('gclid', 'is not', null), eb('gbraid', 'is not', null), eb('wbraid', 'is not', null)]);
export const HASHED_ID: Expression<SqlBool> = eb.or([eb('user_email_hash', 'is not', null), eb('user_phone_hash', 'is not', null)]);
/** Meta's customer-information rule, as exports/formats.ts metaCanMatch writes it (imports/quality-repo.ts matchKeys). */
export const META_MATCH: Expression<SqlBool> = matchKeys(eb).meta;
/** Google's name-with-address key, as imports/quality-repo.ts matchKeys writes it. */
export const GOOGLE_NAME_ADDRESS: Expression<SqlBool> = googleNameAddress(eb);
/** An email or phone pre-hashed for Meta (the Google leads file calls these "hashed for the other platform"). */
export const META_HASHED_ID: Expression<SqlBool> = eb.or([eb('meta_email_hash', 'is not', null), eb('meta_phone_hash', 'is not', null)]);
/** The value sort key and value-range expression (events without a value sort as -1). */
export const VALUE_KEY: RawBuilder<number> = sql<number>`ifnull(${sql.ref('event_value_micros')}, -1)`;
/** "This event can be uploaded somewhere": a click id or a hashed identifier. */
export const UPLOADABLE: Expression<SqlBool> = eb.or([CLICK_ID, HASHED_ID]);

const flag = (expression: Expression<SqlBool>, value: 0 | 1) => eb(expression, '=', sql.lit(value));

/** "No identifiers" per scope (NoIdentifiersScope), with the exports' exact exclusion rules. */
export const NO_IDENTIFIERS: Record<'any' | 'google' | 'meta', Expression<SqlBool>> = {
  // Exactly the import report's "no platform can match" (quality-repo matchKeys: neither Google's nor Meta's rule holds).
  any: eb.and([flag(CLICK_ID, 0), flag(HASHED_ID, 0), flag(GOOGLE_NAME_ADDRESS, 0), flag(META_MATCH, 0)]),
  google: eb.and([flag(HASHED_ID, 0), flag(META_HASHED_ID, 0)]),
  meta: eb.and([flag(META_MATCH, 0), flag(HASHED_ID, 0)]),
};

/** The WHERE expression for a review filter. */
export function filterExpression(filter: EventFilterParsed): Expression<SqlBool> {
  if (filter.tooOldFor || filter.unmappedFor) throw new Error('filterToWhere: resolve "too old" / "unmapped" first (events/resolve-filter.ts)');
  const terms: Expression<SqlBool>[] = [];
  if (filter.statuses?.length) terms.push(eb('sync_status', 'in', filter.statuses));
  if (filter.eventNames?.length) terms.push(eb('event_name', 'in', filter.eventNames));
  // An empty list (a resolved "no conversion action" filter with no unmapped name) matches nothing.
  if (filter.conversionNames && !filter.conversionNames.length) terms.push(sql<SqlBool>`0`);
  if (filter.conversionNames?.length) {
    // An event's name is conversion_name, or its category when that is NULL (stored before 0011):
    // written as two index-friendly terms rather than ifnull(), so idx_conversion_events_conversion_name serves the first.
    const names = filter.conversionNames;
    const categories = names.filter((name) => (EVENT_NAMES as readonly string[]).includes(name));
    const named = eb('conversion_name', 'in', names);
    terms.push(categories.length ? eb.or([named, eb.and([eb('conversion_name', 'is', null), eb('event_name', 'in', categories)])]) : named);
  }
  if (filter.campaignId !== undefined) terms.push(filter.campaignId === null ? eb('campaign_id', 'is', null) : eb('campaign_id', '=', filter.campaignId));
  if (filter.brandId !== undefined) terms.push(filter.brandId === null ? eb('brand_id', 'is', null) : eb('brand_id', '=', filter.brandId));
  if (filter.importId) terms.push(eb('import_id', '=', filter.importId));
  if (filter.batchId) {
    terms.push(eb('id', 'in', eb.selectFrom('sync_batch_events as l').select('l.event_id').where('l.batch_id', '=', filter.batchId)));
  }
  if (filter.timeFrom) terms.push(eb('event_time', '>=', filter.timeFrom));
  if (filter.timeTo) terms.push(eb('event_time', '<', filter.timeTo));
  // Value ranges are written on the same expression as the value sort's index (0006); events without a
  // value (-1 there) never match a range.
  if (filter.valueMin !== undefined) terms.push(eb(VALUE_KEY, '>=', decimalToMicros(filter.valueMin)));
  if (filter.valueMax !== undefined) {
    if (filter.valueMin === undefined) terms.push(eb(VALUE_KEY, '>=', sql.lit(0)));
    terms.push(eb(VALUE_KEY, '<=', decimalToMicros(filter.valueMax)));
  }
  // Identifier flags compare the exact expressions of idx_conversion_events_identifiers (0006) to 0/1.
  if (filter.hasClickId !== undefined) terms.push(flag(CLICK_ID, filter.hasClickId ? 1 : 0));
  if (filter.hasIdentifiers !== undefined) {
    const none = eb.and([flag(CLICK_ID, 0), flag(HASHED_ID, 0)]);
    terms.push(filter.hasIdentifiers ? eb.not(none) : none);
  }
  if (filter.noIdentifiersFor) terms.push(NO_IDENTIFIERS[filter.noIdentifiersFor]);
  // Search (events/search-repo.ts): event_id or transaction_id starting with the text (also with a '#'
  // before it), or, for an email or phone, the events holding one of its hashes. The handlers resolve the
  // hashes with Settings → Default country (withSearchKeys); elsewhere a national phone number has no country.
  if (filter.search) terms.push(searchExpression(eb, (filter as SearchResolvedFilter).searchKeys ?? searchKeys(filter.search, undefined)));
  if (filter.delivery) terms.push(deliveryFilterExpression(filter.delivery));
  return eb.and(terms);
}

/** Events matching at least one of the filters. */
export function anyOf(filters: readonly EventFilterParsed[]): Expression<SqlBool> {
  return eb.or(filters.map(filterExpression));
}

/** The filter's WHERE as compiled text and parameters (for statements that splice it: tests, EXPLAIN). */
export function filterToWhere(filter: EventFilterParsed): SqlFragment {
  const compiled = sql<SqlBool>`${filterExpression(filter)}`.compile(k);
  return { sql: compiled.sql, params: [...compiled.parameters] };
}
