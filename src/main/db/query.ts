/**
 * How every query runs (issue 16): built with Kysely against the typed schema, compiled, and executed
 * synchronously by better-sqlite3 on the caller's connection (so it stays inside the caller's
 * transaction, in the window, the workers and the CLI alike).
 *
 * - `k` is Kysely as a compiler only (no driver): repositories build queries with it.
 * - `param('name')` is a value bound at run time by name (`@name`), so a statement is compiled and
 *   prepared once and run many times (hot paths prepare at set-up, never per row).
 * - Statements are cached per connection by their SQL text: a static query is prepared once, a
 *   dynamic one (a review filter) once per distinct shape, whatever its values.
 */
import type { RunResult, Statement } from 'better-sqlite3';
import { DummyDriver, Kysely, sql, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type RawBuilder } from 'kysely';
import type { Sqlite } from './connection';
import type { DB } from './schema';

export const k = new Kysely<DB>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export interface CompiledLike {
  sql: string;
  parameters: readonly unknown[];
}
export interface Compilable {
  compile(): CompiledLike;
}

/** A value bound by name when the statement runs (`run({ name: value })`). */
export function param<T = never>(name: string): RawBuilder<T> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Bad parameter name ${name}`);
  return sql.raw<T>(`@${name}`);
}

/** A statement written with Kysely's `sql` template (no builder form), as a query to run. */
export function rawQuery(raw: RawBuilder<unknown>): Compilable {
  return { compile: () => raw.compile(k) };
}

/** A query compiled the first time it is needed, then never again (for statements built once per process). */
export function once(build: () => Compilable): Compilable {
  let compiled: CompiledLike | undefined;
  return { compile: () => (compiled ??= build().compile()) };
}

const MAX_CACHED = 500;
type Mode = 'rows' | 'pluck' | 'raw';
const cache = new WeakMap<Sqlite, Map<string, Statement>>();

/** The connection's prepared statement for this SQL text (prepared on first use). */
function statementFor(db: Sqlite, text: string, mode: Mode): Statement {
  let byText = cache.get(db);
  if (!byText) cache.set(db, (byText = new Map()));
  const key = mode === 'rows' ? text : `${mode}\u0000${text}`;
  let statement = byText.get(key);
  if (!statement) {
    statement = db.prepare(text);
    if (mode === 'pluck') statement.pluck(true);
    if (mode === 'raw') statement.raw(true);
    if (byText.size >= MAX_CACHED) byText.clear();
    byText.set(key, statement);
  }
  return statement;
}

type Named = Record<string, unknown>;

/** A compiled, prepared query: run it as often as needed with the named values it takes. */
export interface Prepared<R> {
  readonly sql: string;
  all(named?: Named): R[];
  get(named?: Named): R | undefined;
  run(named?: Named): RunResult;
  iterate(named?: Named): IterableIterator<R>;
}

function preparedOf<R>(db: Sqlite, query: Compilable, mode: Mode): Prepared<R> {
  const compiled = query.compile();
  const cached = statementFor(db, compiled.sql, mode);
  // A statement still being iterated cannot run again until the iteration ends: use a fresh one then.
  const statement = (): Statement => {
    if (!cached.busy) return cached;
    const fresh = db.prepare(compiled.sql);
    return mode === 'pluck' ? fresh.pluck(true) : mode === 'raw' ? fresh.raw(true) : fresh;
  };
  const parameters = compiled.parameters as unknown[];
  if (parameters.length === 0) {
    // The hot paths (one statement run per row) bind named values only: no argument array per call.
    return {
      sql: compiled.sql,
      all: (named) => (named ? statement().all(named) : statement().all()) as R[],
      get: (named) => (named ? statement().get(named) : statement().get()) as R | undefined,
      run: (named) => (named ? statement().run(named) : statement().run()),
      iterate: (named) => (named ? statement().iterate(named) : statement().iterate()) as IterableIterator<R>,
    };
  }
  const bind = (named: Named | undefined) => (named ? [named, ...parameters] : parameters);
  return {
    sql: compiled.sql,
    all: (named) => statement().all(...bind(named)) as R[],
    get: (named) => statement().get(...bind(named)) as R | undefined,
    run: (named) => statement().run(...bind(named)),
    iterate: (named) => statement().iterate(...bind(named)) as IterableIterator<R>,
  };
}

/** Compiles and prepares a query (rows as objects). */
export function prepare<R>(db: Sqlite, query: Compilable): Prepared<R> {
  return preparedOf<R>(db, query, 'rows');
}
/** Compiles and prepares a query whose rows are read as their first column's value. */
export function preparePluck<R>(db: Sqlite, query: Compilable): Prepared<R> {
  return preparedOf<R>(db, query, 'pluck');
}

/** Compiles and prepares a query whose rows are read as arrays of values, in the selection's order. */
export function prepareRaw<R extends unknown[]>(db: Sqlite, query: Compilable): Prepared<R> {
  return preparedOf<R>(db, query, 'raw');
}

export function all<R>(db: Sqlite, query: Compilable, named?: Named): R[] {
  return prepare<R>(db, query).all(named);
}
export function get<R>(db: Sqlite, query: Compilable, named?: Named): R | undefined {
  return prepare<R>(db, query).get(named);
}
export function run(db: Sqlite, query: Compilable, named?: Named): RunResult {
  return prepare(db, query).run(named);
}
export function pluck<R>(db: Sqlite, query: Compilable, named?: Named): R[] {
  return preparePluck<R>(db, query).all(named);
}
export function pluckOne<R>(db: Sqlite, query: Compilable, named?: Named): R | undefined {
  return preparePluck<R>(db, query).get(named);
}
