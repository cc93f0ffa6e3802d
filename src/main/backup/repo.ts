import { allRows, createKysely, type Sqlite } from '../db/connection';

/** A query builder only (compiles; never connects): the statements run on the connection passed in. */
const builder = createKysely(null as unknown as Sqlite);

/** `PRAGMA integrity_check`: empty when the file is sound, else SQLite's messages. */
export function integrityProblems(db: Sqlite): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).filter((message) => message !== 'ok');
}

export function pageSize(db: Sqlite): number {
  return db.pragma('page_size', { simple: true }) as number;
}

/** The migrations applied to a database (throws when it has no schema_migrations table). */
export function appliedMigrations(db: Sqlite): { version: number; name: string; checksum: string }[] {
  return allRows(db, builder.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version'));
}
