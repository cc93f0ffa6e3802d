import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../db/connection';

/** A parameter to fill in at run time: compile a Kysely query once with `slot('name')` where a value goes. */
export function slot(name: string): string {
  return `\u0000slot:${name}`;
}

export interface PreparedQuery {
  stmt: Statement;
  /** The statement's parameters with the named slots filled in (constants of the query kept). */
  params(values: Record<string, unknown>): unknown[];
}

/**
 * Compiles a Kysely query once and prepares it, remembering where each slot's value goes, so the
 * statement can run many times without rebuilding the query (and without relying on Kysely's
 * parameter order).
 */
export function prepareOnce(db: Sqlite, query: { compile(): { sql: string; parameters: readonly unknown[] } }): PreparedQuery {
  const compiled = query.compile();
  const stmt = db.prepare(compiled.sql);
  const template = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith('\u0000slot:') ? { slot: value.slice(6) } : { value },
  );
  return {
    stmt,
    params(values) {
      return template.map((entry) => {
        if (!('slot' in entry)) return entry.value;
        if (!(entry.slot! in values)) throw new Error(`No value for slot ${entry.slot}`);
        return values[entry.slot!];
      });
    },
  };
}
