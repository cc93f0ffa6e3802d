import { sql } from 'kysely';
import { allRows, type Sqlite } from '../db/connection';
import { k as builder, pluck, pluckOne, rawQuery } from '../db/query';

/** `PRAGMA integrity_check`: empty when the file is sound, else SQLite's messages. */
export function integrityProblems(db: Sqlite): string[] {
  return pluck<string>(db, rawQuery(sql`pragma integrity_check`)).filter((message) => message !== 'ok');
}

export function pageSize(db: Sqlite): number {
  return pluckOne<number>(db, rawQuery(sql`pragma page_size`))!;
}

/** The migrations applied to a database (throws when it has no schema_migrations table). */
export function appliedMigrations(db: Sqlite): { version: number; name: string; checksum: string }[] {
  return allRows(db, builder.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version'));
}
