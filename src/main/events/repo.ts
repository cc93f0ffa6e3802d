import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { ConversionEvent, ConversionSyncStatus } from '../../shared/domain/events';
import { SYNC_STATUSES } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import { microsToDecimal } from '../../shared/domain/money';
import type { HistoryEntry, StatusCounts } from '../../shared/ipc/channels/events';
import { explainPlan, fillIdTable, indexNames, jsonValues, totalChanges, withIndexHint } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { dataVersion } from '../db/pragma-repo';
import { all, get, k, once, param, pluck, prepare, run, type Compilable } from '../db/query';
import type { ConversionEventsTable, DB } from '../db/schema';
import { filterExpression, VALUE_KEY } from './filter-repo';

/** An event row as read for display: every column plus its latest sync batch (0009). */
export type EventRow = ConversionEventsTable & { linked_batch_id?: string | null };

type EventsEb = ExpressionBuilder<DB, 'conversion_events'>;

/** The latest batch an event was exported in (batch ids are UUIDv7, so the greatest is the newest). */
export function linkedBatchId(eb: EventsEb) {
  return eb.selectFrom('sync_batch_events as l').select((l) => l.fn.max('l.batch_id').as('batch_id')).whereRef('l.event_id', '=', 'conversion_events.id');
}
/** Every column of the event and its latest batch. */
const selectEvent = () => k.selectFrom('conversion_events').selectAll('conversion_events').select((eb) => linkedBatchId(eb).as('linked_batch_id'));

/** Column order used by every insert (the import pipeline's prepared statement too). */
export const INSERT_COLUMNS = [
  'id', 'event_name', 'event_id',
  'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'user_ip', 'user_agent', 'event_value_micros', 'currency', 'transaction_id', 'custom_params', 'source',
  'campaign_id', 'brand_id', 'import_id', 'gclid', 'gbraid', 'wbraid', 'fbc', 'fbp',
  'consent_ad_user_data', 'consent_ad_personalization', 'event_time', 'created_at', 'updated_at',
] as const;
export type InsertRow = Pick<EventRow, (typeof INSERT_COLUMNS)[number]>;

/** The event insert with every INSERT_COLUMNS value bound by name (`@column`). */
const insertEvent = (onConflict: 'abort' | 'ignore') =>
  once(() => {
    const insert = k.insertInto('conversion_events').values(Object.fromEntries(INSERT_COLUMNS.map((c) => [c, param(c)])) as never);
    return onConflict === 'ignore' ? insert.orIgnore() : insert;
  });
const INSERT = { abort: insertEvent('abort'), ignore: insertEvent('ignore') };

/** Prepared once per call; the returned function runs it per row. */
export function prepareInsert(db: Sqlite, onConflict: 'abort' | 'ignore' = 'abort') {
  const statement = prepare(db, INSERT[onConflict]);
  return (row: InsertRow) => statement.run(row);
}

export function rowToEvent(row: EventRow): ConversionEvent {
  return {
    id: row.id,
    event_name: row.event_name as ConversionEvent['event_name'],
    conversion_name: row.conversion_name ?? row.event_name,
    event_id: row.event_id,
    user_email_hash: row.user_email_hash,
    user_phone_hash: row.user_phone_hash,
    user_first_name_hash: row.user_first_name_hash,
    user_last_name_hash: row.user_last_name_hash,
    meta_email_hash: row.meta_email_hash,
    meta_phone_hash: row.meta_phone_hash,
    meta_first_name_hash: row.meta_first_name_hash,
    meta_last_name_hash: row.meta_last_name_hash,
    user_ip: row.user_ip,
    user_agent: row.user_agent,
    event_value: row.event_value_micros === null ? null : microsToDecimal(row.event_value_micros),
    currency: row.currency,
    transaction_id: row.transaction_id,
    custom_params: row.custom_params === null ? null : (JSON.parse(row.custom_params) as ConversionEvent['custom_params']),
    source: row.source,
    campaign_id: row.campaign_id,
    brand_id: row.brand_id,
    import_id: row.import_id,
    gclid: row.gclid,
    gbraid: row.gbraid,
    wbraid: row.wbraid,
    fbc: row.fbc,
    fbp: row.fbp,
    consent_ad_user_data: row.consent_ad_user_data as ConversionEvent['consent_ad_user_data'],
    consent_ad_personalization: row.consent_ad_personalization as ConversionEvent['consent_ad_personalization'],
    sync_status: row.sync_status as ConversionSyncStatus,
    sync_attempts: row.sync_attempts,
    synced_at: row.synced_at,
    sync_error: row.sync_error,
    batch_id: row.linked_batch_id ?? null,
    event_time: row.event_time,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const EVENT_BY_ID = once(() => selectEvent().where('id', '=', param('id')));
const EVENT_BY_EVENT_ID = once(() => selectEvent().where('event_id', '=', param('id')));
const IMPORT_NAME = once(() => k.selectFrom('imports').select('file_name').where('id', '=', param('id')));
const HISTORY = once(() =>
  k
    .selectFrom('sync_history')
    .select(['id', 'event_id', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'created_at'])
    .where('event_id', '=', param('id'))
    .orderBy('id'),
);

export function findEventById(db: Sqlite, id: string): EventRow | undefined {
  return get<EventRow>(db, EVENT_BY_ID, { id });
}

export function findEventByEventId(db: Sqlite, eventId: string): EventRow | undefined {
  return get<EventRow>(db, EVENT_BY_EVENT_ID, { id: eventId });
}

export function findImportName(db: Sqlite, importId: string): string | null {
  return get<{ file_name: string }>(db, IMPORT_NAME, { id: importId })?.file_name ?? null;
}

export function listHistory(db: Sqlite, eventId: string): HistoryEntry[] {
  return all<HistoryEntry>(db, HISTORY, { id: eventId });
}

export const SORT_FIELD_NAMES = ['event_time', 'created_at', 'event_name', 'sync_status', 'event_value'] as const;
export type SortField = (typeof SORT_FIELD_NAMES)[number];

/** Sort keys: every one is NOT NULL so keyset comparisons are total (value uses -1 for "no value"). */
export const SORT_EXPRESSIONS: Record<SortField, RawBuilder<string | number>> = {
  event_time: sql.ref('event_time'),
  created_at: sql.ref('created_at'),
  event_name: sql.ref('event_name'),
  sync_status: sql.ref('sync_status'),
  event_value: VALUE_KEY,
};

/** The index that delivers each sort in order, ending in id for the keyset tie-break (0002/0006). */
export const SORT_INDEXES: Record<SortField, string> = {
  event_time: 'idx_conversion_events_time_id',
  created_at: 'idx_conversion_events_created_id',
  event_name: 'idx_conversion_events_name_id',
  sync_status: 'idx_conversion_events_sync_status',
  event_value: 'idx_conversion_events_value_id',
};

/**
 * The keyset tie-break within one sort key: the event id, except for the status sort, which breaks
 * ties by rowid (insertion order) so the plan's (sync_status) index — (sync_status, rowid) — serves
 * it and no third index containing sync_status slows every bulk status change (0007).
 */
const TIE_BREAKS: Record<SortField, RawBuilder<string | number>> = {
  event_time: sql.ref('id'),
  created_at: sql.ref('id'),
  event_name: sql.ref('id'),
  sync_status: sql.ref('rowid'),
  event_value: sql.ref('id'),
};

/**
 * Below this many matches a page may be sorted (the filter's own index, then a small sort); above
 * it, the page walks the sort's index and filters as it goes, so the first page and a deep keyset
 * page both cost a seek plus ~a page of rows, never a sort of the whole result.
 */
export const SMALL_RESULT = 2000;

export interface ListQuery {
  filter: EventFilterParsed;
  sort: { field: SortField; direction: 'asc' | 'desc' };
  limit: number;
  /** The last row of the previous page: its sort key and its tie-break (id, or rowid for the status sort). */
  after?: { key: string | number; id: string | number };
  offset?: number;
  /** Internal: which half of a two-seek keyset page to build (see listStatement). */
  afterPart?: 'sameKey' | 'beyondKey';
}

export interface ListRows {
  rows: (EventRow & { sort_key: string | number; sort_tie: string | number })[];
}

const sortsInPlan = new Map<string, boolean>();

/** True when SQLite would sort this statement's result (its plan has a temp b-tree for ORDER BY). Cached per SQL text. */
function planSorts(db: Sqlite, query: Compilable): boolean {
  const text = query.compile().sql;
  let sorts = sortsInPlan.get(text);
  if (sorts === undefined) {
    sorts = explainPlan(db, query).some((detail) => detail.includes('TEMP B-TREE'));
    if (sortsInPlan.size > 500) sortsInPlan.clear();
    sortsInPlan.set(text, sorts);
  }
  return sorts;
}

const knownIndexes = new WeakMap<Sqlite, Set<string>>();
function hasIndex(db: Sqlite, name: string): boolean {
  let names = knownIndexes.get(db);
  if (!names?.has(name)) {
    names = new Set(indexNames(db));
    knownIndexes.set(db, names);
  }
  return names.has(name);
}

function matchesAtLeast(db: Sqlite, where: Expression<SqlBool>, n: number): boolean {
  const firstN = k.selectFrom('conversion_events').select(sql.lit(1).as('one')).where(where).limit(n);
  const query = k.selectFrom(firstN.as('m')).select((eb) => eb.fn.countAll<number>().as('n'));
  return get<{ n: number }>(db, query)!.n >= n;
}

/** The list statement for a query: the planner's choice, or the sort's index when that would sort a big result. */
export function listStatement(db: Sqlite, query: ListQuery): { query: Compilable; indexedBy: string | null } {
  const where = filterExpression(query.filter);
  const key = SORT_EXPRESSIONS[query.sort.field];
  const tie = TIE_BREAKS[query.sort.field];
  const dir = query.sort.direction;
  const op = dir === 'asc' ? '>' : '<';
  let select = selectEvent().select([key.as('sort_key') as never, tie.as('sort_tie') as never]).where(where);
  if (query.after) {
    // A keyset page is two seeks (listEventRows): the rest of the cursor's key by id, then beyond the
    // key. A row-value comparison (key, tie) > (?, ?) is not a range for SQLite on an expression index
    // (the value sort), nor when the filter pins the key (status sort + one status): it would scan
    // from the start of the key instead.
    const after = query.after;
    select =
      query.afterPart === 'beyondKey'
        ? select.where((eb) => eb(key, op, after.key))
        : select.where((eb) => eb.and([eb(key, '=', after.key), eb(tie, op, after.id)]));
  }
  // Within one key (the first half of a keyset page) the order is by id alone.
  select = query.after && query.afterPart !== 'beyondKey' ? select.orderBy(tie, dir) : select.orderBy(key, dir).orderBy(tie, dir);
  select = select.limit(query.limit);
  if (!query.after && query.offset) select = select.offset(query.offset);
  // Compiled once here: the plan check, the index hint and the run all use this text.
  const compiled = select.compile();
  const statement: Compilable = { compile: () => compiled };
  let indexedBy: string | null = null;
  if (planSorts(db, statement) && hasIndex(db, SORT_INDEXES[query.sort.field]) && matchesAtLeast(db, where, SMALL_RESULT)) {
    indexedBy = SORT_INDEXES[query.sort.field];
  }
  return { query: indexedBy ? withIndexHint(statement, 'conversion_events', { indexedBy }) : statement, indexedBy };
}

const twoPart = (query: ListQuery) => query.after !== undefined;

export function listEventRows(db: Sqlite, query: ListQuery): ListRows {
  const page = (q: ListQuery) => all<ListRows['rows'][number]>(db, listStatement(db, q).query);
  if (!twoPart(query)) return { rows: page(query) };
  const rows = page({ ...query, afterPart: 'sameKey' });
  if (rows.length < query.limit) rows.push(...page({ ...query, afterPart: 'beyondKey', limit: query.limit - rows.length }));
  return { rows };
}

/** The plan of the statement the list runs, for EXPLAIN QUERY PLAN tests and benchmarks. */
export function explainList(db: Sqlite, query: ListQuery): string[] {
  if (twoPart(query) && !query.afterPart) {
    return [...explainList(db, { ...query, afterPart: 'sameKey' }), ...explainList(db, { ...query, afterPart: 'beyondKey' })];
  }
  return explainPlan(db, listStatement(db, query).query);
}

export function countByStatus(db: Sqlite, filter: EventFilterParsed): StatusCounts {
  const counts = Object.fromEntries(SYNC_STATUSES.map((status) => [status, 0])) as StatusCounts;
  const query = k
    .selectFrom('conversion_events')
    .select((eb) => ['sync_status as status', eb.fn.countAll<number>().as('n')])
    .where(filterExpression(filter))
    .groupBy('sync_status');
  for (const row of all<{ status: ConversionSyncStatus; n: number }>(db, query)) counts[row.status] = row.n;
  return counts;
}

/**
 * The distinct conversion names in the database (an event without one is named by its category),
 * sorted; at most `limit`. The named ones come from idx_conversion_events_conversion_name alone; the
 * categories are read only for events stored before 0011 (conversion_name IS NULL, a range of that index).
 */
export function distinctConversionNames(db: Sqlite, limit: number): string[] {
  const named = all<{ name: string }>(
    db,
    k.selectFrom('conversion_events').select('conversion_name as name').distinct().where('conversion_name', 'is not', null).orderBy('conversion_name').limit(limit),
  );
  const categories = all<{ name: string }>(db, k.selectFrom('conversion_events').select('event_name as name').distinct().where('conversion_name', 'is', null));
  return [...new Set([...named, ...categories].map((row) => row.name))].sort().slice(0, limit);
}

/** The distinct (category, conversion name) pairs; a NULL conversion name is its category's (as filterExpression reads it). */
export function distinctNamePairs(db: Sqlite): { event_name: ConversionEvent['event_name']; name: string }[] {
  return all<{ event_name: ConversionEvent['event_name']; name: string | null }>(
    db,
    k.selectFrom('conversion_events').select(['event_name', 'conversion_name as name']).distinct(),
  ).map((row) => ({ event_name: row.event_name, name: row.name ?? row.event_name }));
}

/** The ids of the events a filter matches, in rowid order, at most `limit`. */
export function idsMatching(db: Sqlite, filter: EventFilterParsed, limit: number): string[] {
  const query = k.selectFrom('conversion_events').select('id').where(filterExpression(filter)).orderBy(sql.ref('rowid')).limit(limit);
  return pluck<string>(db, query);
}

/** How many events match every condition. */
export function countMatchingAll(db: Sqlite, wheres: readonly Expression<SqlBool>[]): number {
  let query = k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n'));
  for (const where of wheres) query = query.where(where);
  return get<{ n: number }>(db, query)?.n ?? 0;
}

/** How many events match a filter, counting at most `limit`: a bounded probe ("worker or not"). */
export function filterMatchesAtMost(db: Sqlite, filter: EventFilterParsed, limit: number): number {
  const firstN = k.selectFrom('conversion_events').select(sql.lit(1).as('one')).where(filterExpression(filter)).limit(limit);
  return get<{ n: number }>(db, k.selectFrom(firstN.as('m')).select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0;
}

/** The value of all events per currency (micros; null when none has a value), by currency. */
export function valueTotalsByCurrency(db: Sqlite): { currency: string; micros: number | null }[] {
  return all(db, k.selectFrom('conversion_events').select((eb) => ['currency', eb.fn.sum<number | null>('event_value_micros').as('micros')]).groupBy('currency').orderBy('currency'));
}

const ID_EXISTS = once(() => k.selectFrom('conversion_events').select('id').where('id', '=', param('id')));

/** Ids (of those given) that exist. */
export function existingIds(db: Sqlite, ids: readonly string[]): Set<string> {
  const found = new Set<string>();
  const statement = prepare(db, ID_EXISTS);
  for (const id of ids) if (statement.get({ id }) !== undefined) found.add(id);
  return found;
}

/** A target (ids or filter) as a WHERE; ids go through a temp table so 100k ids stay one statement. */
export function targetWhere(db: Sqlite, target: { ids: string[] } | { filter: EventFilterParsed }): Expression<SqlBool> {
  if ('filter' in target) return filterExpression(target.filter);
  fillIdTable(db, 'target_ids', target.ids);
  return expressionBuilder<DB, 'conversion_events'>()('id', 'in', k.selectFrom('temp.target_ids').select('id'));
}

/** Deletes the events of `where` that were not sent; returns [deleted, sent ones kept]. */
export function deleteUnsent(db: Sqlite, where: Expression<SqlBool>): { deleted: number; sent: number } {
  const sent = get<{ n: number }>(
    db,
    k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(where).where('sync_status', '=', 'sent'),
  )!.n;
  const deleted = run(db, k.deleteFrom('conversion_events').where(where).where('sync_status', '<>', 'sent')).changes;
  return { deleted, sent };
}

export function updateSyncFields(
  db: Sqlite,
  id: string,
  patch: { sync_status?: string; sync_error?: string | null; synced_at?: string | null; sync_attempts?: number },
  now: string,
): void {
  const set: Partial<Pick<ConversionEventsTable, 'sync_status' | 'sync_error' | 'synced_at' | 'sync_attempts' | 'updated_at'>> = { updated_at: now };
  for (const key of ['sync_status', 'sync_error', 'synced_at', 'sync_attempts'] as const) {
    if (patch[key] !== undefined) (set as Record<string, unknown>)[key] = patch[key];
  }
  run(db, k.updateTable('conversion_events').set(set).where('id', '=', id));
}

export function insertHistory(
  db: Sqlite,
  entry: { event_id: string; from_status: string | null; to_status: string; action: string; note: string | null; batch_id?: string | null; change_id?: string | null },
): void {
  run(db, k.insertInto('sync_history').values({ batch_id: null, change_id: null, ...entry }));
}

export function assignWhere(db: Sqlite, where: Expression<SqlBool>, fields: { campaign_id?: string | null; brand_id?: string | null }, now: string): number {
  const set: Partial<Pick<ConversionEventsTable, 'campaign_id' | 'brand_id' | 'updated_at'>> = { updated_at: now };
  if (fields.campaign_id !== undefined) set.campaign_id = fields.campaign_id;
  if (fields.brand_id !== undefined) set.brand_id = fields.brand_id;
  return run(db, k.updateTable('conversion_events').set(set).where(where)).changes;
}

/**
 * Names the database state this connection sees: `PRAGMA data_version` moves when another connection
 * commits, `total_changes()` when this one writes. Equal tokens = nothing committed in between.
 */
export function stateToken(db: Sqlite): string {
  return `${dataVersion(db)}:${totalChanges(db)}`;
}

/** Rows by rowid in the given order, with the sort's key and tie-break (as listEventRows gives them). */
export function eventRowsByRowid(db: Sqlite, rowids: readonly number[], field: SortField): ListRows['rows'] {
  if (!rowids.length) return [];
  const query = selectEvent()
    .select([SORT_EXPRESSIONS[field].as('sort_key') as never, TIE_BREAKS[field].as('sort_tie') as never, sql.ref<number>('rowid').as('row_number') as never])
    .where(sql.ref('rowid'), 'in', jsonValues(param('rowids')));
  const rows = all<ListRows['rows'][number] & { row_number: number }>(db, query, { rowids: JSON.stringify(rowids) });
  const byRowid = new Map(rows.map((row) => [row.row_number, row]));
  return rowids.map((rowid) => byRowid.get(rowid)).filter((row) => row !== undefined);
}


/** linkedBatchId() compiled, for statements that splice it (no parameters). */
export const LINKED_BATCH_SQL = sql`(${linkedBatchId(expressionBuilder<DB, 'conversion_events'>())})`.compile(k).sql;
