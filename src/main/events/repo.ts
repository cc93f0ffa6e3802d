import type { ConversionEvent, ConversionSyncStatus } from '../../shared/domain/events';
import { SYNC_STATUSES } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import { microsToDecimal } from '../../shared/domain/money';
import type { HistoryEntry, StatusCounts } from '../../shared/ipc/channels/events';
import { sql, type Expression, type SqlBool } from 'kysely';
import { allRows, createKysely, type Sqlite } from '../db/connection';
import { fragment as rawFragment } from '../delivery/bulk-repo';
import type { ConversionEventsTable } from '../db/schema';
import { filterToWhere, VALUE_KEY, type SqlFragment } from './filter-sql';

/** An event row as read for display: every column plus its latest sync batch (0009). */
export type EventRow = ConversionEventsTable & { linked_batch_id?: string | null };

/** The latest batch an event was exported in (batch ids are UUIDv7, so the greatest is the newest). */
export const LINKED_BATCH_SQL = '(SELECT max(l.batch_id) FROM sync_batch_events l WHERE l.event_id = conversion_events.id)';
const EVENT_COLUMNS = `*, ${LINKED_BATCH_SQL} AS linked_batch_id`;

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

export function prepareInsert(db: Sqlite, onConflict: 'abort' | 'ignore' = 'abort') {
  const verb = onConflict === 'ignore' ? 'INSERT OR IGNORE' : 'INSERT';
  const statement = db.prepare(
    `${verb} INTO conversion_events (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((c) => '@' + c).join(', ')})`,
  );
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

export function findEventById(db: Sqlite, id: string): EventRow | undefined {
  return db.prepare(`SELECT ${EVENT_COLUMNS} FROM conversion_events WHERE id = ?`).get(id) as EventRow | undefined;
}

export function findEventByEventId(db: Sqlite, eventId: string): EventRow | undefined {
  return db.prepare(`SELECT ${EVENT_COLUMNS} FROM conversion_events WHERE event_id = ?`).get(eventId) as EventRow | undefined;
}

export function findImportName(db: Sqlite, importId: string): string | null {
  const row = db.prepare('SELECT file_name FROM imports WHERE id = ?').get(importId) as { file_name: string } | undefined;
  return row?.file_name ?? null;
}

export function listHistory(db: Sqlite, eventId: string): HistoryEntry[] {
  return db
    .prepare(
      `SELECT id, event_id, from_status, to_status, action, note, batch_id, created_at
       FROM sync_history WHERE event_id = ? ORDER BY id`,
    )
    .all(eventId) as HistoryEntry[];
}

/** Sort keys: every one is NOT NULL so keyset comparisons are total (value uses -1 for "no value"). */
export const SORT_EXPRESSIONS = {
  event_time: 'event_time',
  created_at: 'created_at',
  event_name: 'event_name',
  sync_status: 'sync_status',
  event_value: VALUE_KEY,
} as const;
export type SortField = keyof typeof SORT_EXPRESSIONS;

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
const TIE_BREAKS: Record<SortField, 'id' | 'rowid'> = {
  event_time: 'id',
  created_at: 'id',
  event_name: 'id',
  sync_status: 'rowid',
  event_value: 'id',
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
function planSorts(db: Sqlite, sql: string, params: unknown[]): boolean {
  let sorts = sortsInPlan.get(sql);
  if (sorts === undefined) {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    sorts = plan.some((row) => row.detail.includes('TEMP B-TREE'));
    if (sortsInPlan.size > 500) sortsInPlan.clear();
    sortsInPlan.set(sql, sorts);
  }
  return sorts;
}

const knownIndexes = new WeakMap<Sqlite, Set<string>>();
function hasIndex(db: Sqlite, name: string): boolean {
  let names = knownIndexes.get(db);
  if (!names?.has(name)) {
    names = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[]);
    knownIndexes.set(db, names);
  }
  return names.has(name);
}

function matchesAtLeast(db: Sqlite, where: SqlFragment, n: number): boolean {
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM conversion_events WHERE ${where.sql} LIMIT ?)`;
  return (db.prepare(sql).get(...where.params, n) as { n: number }).n >= n;
}

/** The list statement for a query: the planner's choice, or the sort's index when that would sort a big result. */
export function listStatement(
  db: Sqlite,
  query: ListQuery,
  select = `${EVENT_COLUMNS}, ${SORT_EXPRESSIONS[query.sort.field]} AS sort_key, ${TIE_BREAKS[query.sort.field]} AS sort_tie`,
): { sql: string; params: unknown[]; indexedBy: string | null } {
  const where = filterToWhere(query.filter);
  const key = SORT_EXPRESSIONS[query.sort.field];
  const tie = TIE_BREAKS[query.sort.field];
  const dir = query.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const clauses = [where.sql];
  const params = [...where.params];
  const op = dir === 'ASC' ? '>' : '<';
  if (query.after) {
    // A keyset page is two seeks (listEventRows): the rest of the cursor's key by id, then beyond the
    // key. A row-value comparison (key, tie) > (?, ?) is not a range for SQLite on an expression index
    // (the value sort), nor when the filter pins the key (status sort + one status): it would scan
    // from the start of the key instead.
    if (query.afterPart === 'beyondKey') {
      clauses.push(`${key} ${op} ?`);
      params.push(query.after.key);
    } else {
      clauses.push(`${key} = ? AND ${tie} ${op} ?`);
      params.push(query.after.key, query.after.id);
    }
  }
  // Within one key (the first half of a keyset page) the order is by id alone.
  const order = query.after && query.afterPart !== 'beyondKey' ? `${tie} ${dir}` : `${key} ${dir}, ${tie} ${dir}`;
  let tail = ` WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT ?`;
  params.push(query.limit);
  if (!query.after && query.offset) {
    tail += ' OFFSET ?';
    params.push(query.offset);
  }
  const plain = `SELECT ${select} FROM conversion_events${tail}`;
  let indexedBy: string | null = null;
  if (planSorts(db, plain, params) && hasIndex(db, SORT_INDEXES[query.sort.field]) && matchesAtLeast(db, where, SMALL_RESULT)) {
    indexedBy = SORT_INDEXES[query.sort.field];
  }
  const sql = indexedBy ? `SELECT ${select} FROM conversion_events INDEXED BY ${indexedBy}${tail}` : plain;
  return { sql, params, indexedBy };
}

const twoPart = (query: ListQuery) => query.after !== undefined;

export function listEventRows(db: Sqlite, query: ListQuery): ListRows {
  const run = (q: ListQuery) => {
    const { sql, params } = listStatement(db, q);
    return db.prepare(sql).all(...params) as ListRows['rows'];
  };
  if (!twoPart(query)) return { rows: run(query) };
  const rows = run({ ...query, afterPart: 'sameKey' });
  if (rows.length < query.limit) rows.push(...run({ ...query, afterPart: 'beyondKey', limit: query.limit - rows.length }));
  return { rows };
}

/** The plan of the statement the list runs, for EXPLAIN QUERY PLAN tests and benchmarks. */
export function explainList(db: Sqlite, query: ListQuery): string[] {
  if (twoPart(query) && !query.afterPart) {
    return [...explainList(db, { ...query, afterPart: 'sameKey' }), ...explainList(db, { ...query, afterPart: 'beyondKey' })];
  }
  const { sql, params } = listStatement(db, query);
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((row) => row.detail);
}

export function countByStatus(db: Sqlite, filter: EventFilterParsed): StatusCounts {
  const where = filterToWhere(filter);
  const counts = Object.fromEntries(SYNC_STATUSES.map((status) => [status, 0])) as StatusCounts;
  const rows = db
    .prepare(`SELECT sync_status AS status, count(*) AS n FROM conversion_events WHERE ${where.sql} GROUP BY sync_status`)
    .all(...where.params) as { status: ConversionSyncStatus; n: number }[];
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * The distinct conversion names in the database (an event without one is named by its category),
 * sorted; at most `limit`. The named ones come from idx_conversion_events_conversion_name alone; the
 * categories are read only for events stored before 0011 (conversion_name IS NULL, a range of that index).
 */
export function distinctConversionNames(db: Sqlite, limit: number): string[] {
  const k = createKysely(db);
  const named = allRows<{ name: string }>(
    db,
    k.selectFrom('conversion_events').select('conversion_name as name').distinct().where('conversion_name', 'is not', null).orderBy('conversion_name').limit(limit),
  );
  const categories = allRows<{ name: string }>(db, k.selectFrom('conversion_events').select('event_name as name').distinct().where('conversion_name', 'is', null));
  return [...new Set([...named, ...categories].map((row) => row.name))].sort().slice(0, limit);
}

/** The distinct (category, conversion name) pairs; a NULL conversion name is its category's (as filterToWhere reads it). */
export function distinctNamePairs(db: Sqlite): { event_name: ConversionEvent['event_name']; name: string }[] {
  const k = createKysely(db);
  return allRows<{ event_name: ConversionEvent['event_name']; name: string | null }>(
    db,
    k.selectFrom('conversion_events').select(['event_name', 'conversion_name as name']).distinct(),
  ).map((row) => ({ event_name: row.event_name, name: row.name ?? row.event_name }));
}

const fragment = (where: SqlFragment) => rawFragment(where) as unknown as Expression<SqlBool>;

/** The ids of the events a WHERE fragment matches, in rowid order, at most `limit`. */
export function idsWhere(db: Sqlite, where: SqlFragment, limit: number): string[] {
  const query = createKysely(db).selectFrom('conversion_events').select('id').where(fragment(where)).orderBy(sql`rowid`).limit(limit);
  return allRows<{ id: string }>(db, query).map((row) => row.id);
}

/** How many events match every fragment. */
export function countMatchingAll(db: Sqlite, wheres: readonly SqlFragment[]): number {
  let query = createKysely(db).selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n'));
  for (const where of wheres) query = query.where(fragment(where));
  return allRows<{ n: number }>(db, query)[0]?.n ?? 0;
}

/** Ids (of those given) that exist. */
export function existingIds(db: Sqlite, ids: readonly string[]): Set<string> {
  const found = new Set<string>();
  const statement = db.prepare('SELECT id FROM conversion_events WHERE id = ?').pluck();
  for (const id of ids) if (statement.get(id) !== undefined) found.add(id);
  return found;
}

/** A target (ids or filter) as a WHERE fragment; ids go through a temp table so 100k ids stay one statement. */
export function targetToWhere(db: Sqlite, target: { ids: string[] } | { filter: EventFilterParsed }): SqlFragment {
  if ('filter' in target) return filterToWhere(target.filter);
  db.exec('CREATE TEMP TABLE IF NOT EXISTS target_ids (id TEXT PRIMARY KEY) WITHOUT ROWID');
  db.exec('DELETE FROM temp.target_ids');
  const insert = db.prepare('INSERT OR IGNORE INTO temp.target_ids (id) VALUES (?)');
  for (const id of target.ids) insert.run(id);
  return { sql: 'id IN (SELECT id FROM temp.target_ids)', params: [] };
}

export function deleteWhere(db: Sqlite, where: SqlFragment): number {
  return db.prepare(`DELETE FROM conversion_events WHERE ${where.sql}`).run(...where.params).changes;
}

export function countWhere(db: Sqlite, where: SqlFragment, extra?: string): number {
  const sql = `SELECT count(*) AS n FROM conversion_events WHERE (${where.sql})${extra ? ` AND ${extra}` : ''}`;
  return (db.prepare(sql).get(...where.params) as { n: number }).n;
}

export function updateSyncFields(
  db: Sqlite,
  id: string,
  patch: { sync_status?: string; sync_error?: string | null; synced_at?: string | null; sync_attempts?: number },
  now: string,
): void {
  const sets: string[] = ['updated_at = @now'];
  for (const key of ['sync_status', 'sync_error', 'synced_at', 'sync_attempts'] as const) {
    if (patch[key] !== undefined) sets.push(`${key} = @${key}`);
  }
  db.prepare(`UPDATE conversion_events SET ${sets.join(', ')} WHERE id = @id`).run({ ...patch, id, now });
}

export function insertHistory(
  db: Sqlite,
  entry: { event_id: string; from_status: string | null; to_status: string; action: string; note: string | null; batch_id?: string | null; change_id?: string | null },
): void {
  db.prepare(
    `INSERT INTO sync_history (event_id, from_status, to_status, action, note, batch_id, change_id)
     VALUES (@event_id, @from_status, @to_status, @action, @note, @batch_id, @change_id)`,
  ).run({ batch_id: null, change_id: null, ...entry });
}

export function assignWhere(db: Sqlite, where: SqlFragment, fields: { campaign_id?: string | null; brand_id?: string | null }, now: string): number {
  const sets: string[] = ['updated_at = ?'];
  const params: unknown[] = [now];
  if (fields.campaign_id !== undefined) (sets.push('campaign_id = ?'), params.push(fields.campaign_id));
  if (fields.brand_id !== undefined) (sets.push('brand_id = ?'), params.push(fields.brand_id));
  return db.prepare(`UPDATE conversion_events SET ${sets.join(', ')} WHERE ${where.sql}`).run(...params, ...where.params).changes;
}

/**
 * Names the database state this connection sees: `PRAGMA data_version` moves when another connection
 * commits, `total_changes()` when this one writes. Equal tokens = nothing committed in between.
 */
export function stateToken(db: Sqlite): string {
  return `${db.pragma('data_version', { simple: true }) as number}:${db.prepare('SELECT total_changes()').pluck().get() as number}`;
}

/** Rows by rowid in the given order, with the sort's key and tie-break (as listEventRows gives them). */
export function eventRowsByRowid(db: Sqlite, rowids: readonly number[], field: SortField): ListRows['rows'] {
  if (!rowids.length) return [];
  const rows = db
    .prepare(
      `SELECT ${EVENT_COLUMNS}, ${SORT_EXPRESSIONS[field]} AS sort_key, ${TIE_BREAKS[field]} AS sort_tie, rowid AS row_number
       FROM conversion_events WHERE rowid IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(rowids)) as (ListRows['rows'][number] & { row_number: number })[];
  const byRowid = new Map(rows.map((row) => [row.row_number, row]));
  return rowids.map((rowid) => byRowid.get(rowid)).filter((row) => row !== undefined);
}

/** The value of all events per currency (micros; null when none has a value), by currency. */
export function valueTotalsByCurrency(db: Sqlite): { currency: string; micros: number | null }[] {
  const k = createKysely(db);
  return allRows(db, k.selectFrom('conversion_events').select((eb) => ['currency', eb.fn.sum<number | null>('event_value_micros').as('micros')]).groupBy('currency').orderBy('currency'));
}

/** How many events match a filter, counting at most `limit`: a bounded probe ("worker or not"). */
export function filterMatchesAtMost(db: Sqlite, filter: EventFilterParsed, limit: number): number {
  const k = createKysely(db);
  const firstN = k.selectFrom('conversion_events').select(sql.lit(1).as('one')).where(fragment(filterToWhere(filter))).limit(limit);
  return allRows<{ n: number }>(db, k.selectFrom(firstN.as('m')).select((eb) => eb.fn.countAll<number>().as('n')))[0]?.n ?? 0;
}
