import type { EventFilterParsed } from '../../shared/domain/filters';
import { decimalToMicros } from '../../shared/domain/money';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const CLICK_ID = '(gclid IS NOT NULL OR gbraid IS NOT NULL OR wbraid IS NOT NULL)';
const HASHED_ID = '(user_email_hash IS NOT NULL OR user_phone_hash IS NOT NULL)';

/** The WHERE clause for a review filter. Shared by list, count and bulk actions so they always agree. */
export function filterToWhere(filter: EventFilterParsed): SqlFragment {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[]) => {
    clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (filter.statuses?.length) inList('sync_status', filter.statuses);
  if (filter.eventNames?.length) inList('event_name', filter.eventNames);
  if (filter.campaignId !== undefined) {
    if (filter.campaignId === null) clauses.push('campaign_id IS NULL');
    else (clauses.push('campaign_id = ?'), params.push(filter.campaignId));
  }
  if (filter.brandId !== undefined) {
    if (filter.brandId === null) clauses.push('brand_id IS NULL');
    else (clauses.push('brand_id = ?'), params.push(filter.brandId));
  }
  if (filter.importId) (clauses.push('import_id = ?'), params.push(filter.importId));
  if (filter.batchId) (clauses.push('batch_id = ?'), params.push(filter.batchId));
  if (filter.timeFrom) (clauses.push('event_time >= ?'), params.push(filter.timeFrom));
  if (filter.timeTo) (clauses.push('event_time < ?'), params.push(filter.timeTo));
  if (filter.valueMin !== undefined) (clauses.push('event_value_micros >= ?'), params.push(decimalToMicros(filter.valueMin)));
  if (filter.valueMax !== undefined) (clauses.push('event_value_micros <= ?'), params.push(decimalToMicros(filter.valueMax)));
  if (filter.hasClickId !== undefined) clauses.push(filter.hasClickId ? CLICK_ID : `NOT ${CLICK_ID}`);
  if (filter.hasIdentifiers !== undefined) {
    const any = `(${CLICK_ID} OR ${HASHED_ID})`;
    clauses.push(filter.hasIdentifiers ? any : `NOT ${any}`);
  }
  if (filter.search) {
    clauses.push("(instr(event_id, ?) > 0 OR instr(ifnull(transaction_id, ''), ?) > 0)");
    params.push(filter.search, filter.search);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}

/** SQL expression for "this event can be uploaded somewhere": a click id or a hashed identifier. */
export const UPLOADABLE_SQL = `(${CLICK_ID} OR ${HASHED_ID})`;
