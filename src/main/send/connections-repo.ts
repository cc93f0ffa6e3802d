/** Non-secret connection settings (dataset id, test event code, the token's last 4 characters) in the settings table. */
import type { Kysely } from 'kysely';
import { firstRow, runQuery, type Sqlite } from '../db/connection';
import type { DB } from '../db/schema';

export function readConnection<T>(db: Sqlite, k: Kysely<DB>, key: string): T | null {
  const row = firstRow<{ value: string }>(db, k.selectFrom('settings').select('value').where('key', '=', key));
  return row ? (JSON.parse(row.value) as T) : null;
}

export function writeConnection(db: Sqlite, k: Kysely<DB>, key: string, value: unknown): void {
  const json = JSON.stringify(value);
  runQuery(db, k.insertInto('settings').values({ key, value: json }).onConflict((oc) => oc.column('key').doUpdateSet({ value: json })));
}

export function deleteConnection(db: Sqlite, k: Kysely<DB>, key: string): void {
  runQuery(db, k.deleteFrom('settings').where('key', '=', key));
}
