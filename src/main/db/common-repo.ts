/**
 * SQL the features share that SQLite writes in forms Kysely's builder has no method for: a JSON array
 * as a set of values, a table's index hint (INDEXED BY / NOT INDEXED), EXPLAIN QUERY PLAN, the
 * connection's change counter and its temp id tables.
 */
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Sqlite } from './connection';
import { k, once, param, rawQuery, pluck, pluckOne, prepare, run, type Compilable, type CompiledLike } from './query';

/** `(SELECT value FROM json_each(<json>))`: a JSON array of values as one parameter, for `IN`. */
export function jsonValues<T>(json: string | Expression<string>): RawBuilder<T> {
  return sql<T>`(select value from json_each(${json}))`;
}

/**
 * The query with an index hint on its table (`INDEXED BY <index>` / `NOT INDEXED`): SQLite's syntax
 * puts the hint right after the table name, where Kysely writes nothing; it is added to the compiled
 * text at the table's first FROM / UPDATE (the statement's own table, never a subquery's alias).
 */
export function withIndexHint(query: Compilable, table: string, hint: { indexedBy: string } | 'not indexed'): Compilable {
  return {
    compile(): CompiledLike {
      const compiled = query.compile();
      const text = hint === 'not indexed' ? 'not indexed' : `indexed by "${hint.indexedBy.replace(/"/g, '')}"`;
      const target = new RegExp(`\\b(from|update) "${table}"(?! as )`);
      if (!target.test(compiled.sql)) throw new Error(`withIndexHint: no "${table}" to hint in ${compiled.sql}`);
      return { sql: compiled.sql.replace(target, (found) => `${found} ${text}`), parameters: compiled.parameters };
    },
  };
}

/** The lines of SQLite's plan for a query (EXPLAIN QUERY PLAN), with the query's own parameters. */
export function explainPlan(db: Sqlite, query: Compilable): string[] {
  const compiled = query.compile();
  const explained = { compile: () => ({ sql: `explain query plan ${compiled.sql}`, parameters: compiled.parameters }) };
  return prepare<{ detail: string }>(db, explained).all().map((row) => row.detail);
}

/** The names of the database's indexes. */
export function indexNames(db: Sqlite): string[] {
  const master = k.withTables<{ sqlite_master: { type: string; name: string } }>();
  return pluck<string>(db, master.selectFrom('sqlite_master').select('name').where('type', '=', 'index'));
}

/** Rows this connection has changed since it opened (moves with each of its writes). */
export function totalChanges(db: Sqlite): number {
  return pluckOne<number>(db, k.selectNoFrom(sql<number>`total_changes()`.as('n')))!;
}

/** A connection-local table of ids, emptied then filled (ids many enough that a parameter list would not do). */
export function fillIdTable(db: Sqlite, table: 'target_ids' | 'job_ids', ids: Iterable<string>): void {
  run(db, k.schema.createTable(`temp.${table}`).ifNotExists().addColumn('id', 'text', (c) => c.primaryKey()).modifyEnd(sql`without rowid`));
  run(db, k.deleteFrom(`temp.${table}`));
  const insert = prepare(db, k.insertInto(`temp.${table}`).orIgnore().values({ id: param<string>('id') }));
  for (const id of ids) insert.run({ id });
}

const BEGIN = once(() => rawQuery(sql`begin`));
const BEGIN_IMMEDIATE = once(() => rawQuery(sql`begin immediate`));
const COMMIT = once(() => rawQuery(sql`commit`));
const ROLLBACK = once(() => rawQuery(sql`rollback`));

/** BEGIN (deferred): a read snapshot from the first read on. */
export function begin(db: Sqlite): void {
  run(db, BEGIN);
}
/** BEGIN IMMEDIATE: takes the write lock now, so a busy database fails before any work. */
export function beginImmediate(db: Sqlite): void {
  run(db, BEGIN_IMMEDIATE);
}
export function commit(db: Sqlite): void {
  run(db, COMMIT);
}
export function rollback(db: Sqlite): void {
  run(db, ROLLBACK);
}
