/**
 * The bulk load's statements (bulk-load.ts): conversion_events' indexes as SQLite's catalog describes
 * them, dropping and re-creating them, and the planner statistics their DROP deletes. Built with
 * Kysely; the catalog's table-valued pragmas (pragma_index_list / pragma_index_xinfo) and a saved
 * CREATE INDEX statement have no builder form and go through its `sql` template. Each runs once per
 * import, never per row.
 */
import { sql } from 'kysely';
import type { Sqlite } from '../db/connection';
import { all, get, k, once, param, pluck, pluckOne, prepare, rawQuery, run } from '../db/query';

export const EVENTS_TABLE = 'conversion_events';
export const STAT_TABLES = ['sqlite_stat1', 'sqlite_stat4'] as const;
export type StatTable = (typeof STAT_TABLES)[number];

/** SQLite's own tables, typed for the builder (sqlite_stat* columns vary: read and written whole). */
const catalog = k.withTables<{
  sqlite_master: { type: string; name: string; tbl_name: string; sql: string | null };
  sqlite_stat1: Record<string, unknown> & { tbl: string; idx: string };
  sqlite_stat4: Record<string, unknown> & { tbl: string; idx: string };
}>();

const EVENT_COUNT = once(() => k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')));
const UNIQUE_INDEXES = once(() =>
  k
    .selectFrom(sql<{ name: string; unique: number }>`pragma_index_list(${EVENTS_TABLE})`.as('l'))
    .select('l.name')
    .where('l.unique', '=', 1),
);
const CREATED_INDEXES = once(() =>
  catalog
    .selectFrom('sqlite_master')
    .select(['name', 'sql'])
    .where('type', '=', 'index')
    .where('tbl_name', '=', EVENTS_TABLE)
    .where('sql', 'is not', null)
    .orderBy('name'),
);
const INDEX_KEYS = once(() =>
  k
    .selectFrom(sql<{ cid: number; name: string | null; desc: number; key: number }>`pragma_index_xinfo(${param('index')})`.as('x'))
    .select(['x.cid', 'x.name', 'x.desc'])
    .where('x.key', '=', 1),
);
const TABLE_EXISTS = once(() => catalog.selectFrom('sqlite_master').select(sql<number>`1`.as('found')).where('type', '=', 'table').where('name', '=', param('name')));

/** Events stored (the bulk load's decision, inside the import's transaction). */
export function countEvents(db: Sqlite): number {
  return get<{ n: number }>(db, EVENT_COUNT)!.n;
}

/** Names of conversion_events' UNIQUE indexes (constraint ones included). */
export function uniqueIndexNames(db: Sqlite): Set<string> {
  return new Set(pluck<string>(db, UNIQUE_INDEXES));
}

/** conversion_events' indexes made by CREATE INDEX, with their statements, by name. */
export function createdIndexes(db: Sqlite): { name: string; sql: string }[] {
  return all<{ name: string; sql: string }>(db, CREATED_INDEXES);
}

/** An index's key columns (cid -2 = an expression, -1 = the rowid; name null for an expression). */
export function indexKeyColumns(db: Sqlite, index: string): { cid: number; name: string | null; desc: number }[] {
  return all(db, INDEX_KEYS, { index });
}

/** Planner statistics rows of these indexes of conversion_events, per sqlite_stat table that exists. */
export function statRows(db: Sqlite, indexes: string[]): { table: StatTable; rows: Record<string, unknown>[] }[] {
  if (indexes.length === 0) return [];
  const found: { table: StatTable; rows: Record<string, unknown>[] }[] = [];
  for (const table of STAT_TABLES) {
    if (pluckOne<number>(db, TABLE_EXISTS, { name: table }) === undefined) continue;
    const rows = all<Record<string, unknown>>(db, catalog.selectFrom(table).selectAll().where('tbl', '=', EVENTS_TABLE).where('idx', 'in', indexes));
    if (rows.length > 0) found.push({ table, rows });
  }
  return found;
}

export function dropIndex(db: Sqlite, name: string): void {
  run(db, k.schema.dropIndex(name));
}

/** Re-runs an index's CREATE statement as SQLite saved it in sqlite_master (createdIndexes). */
export function recreateIndex(db: Sqlite, savedStatement: string): void {
  run(db, rawQuery(sql.raw(savedStatement)));
}

/** Puts back statistics rows read by statRows (DROP INDEX deleted them). */
export function restoreStatRows(db: Sqlite, table: StatTable, rows: Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const insert = prepare(db, catalog.insertInto(table).values(Object.fromEntries(columns.map((c) => [c, param(c)])) as never));
  for (const row of rows) insert.run(row);
}
