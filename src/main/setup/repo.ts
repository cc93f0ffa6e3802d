import type { Sqlite } from '../db/connection';
import { createKysely, firstRow } from '../db/connection';

/** The keys the user has saved in Settings (stored settings JSON), to tell "set" from "still the default". */
export function storedSettingKeys(db: Sqlite): Set<string> {
  const row = firstRow<{ value: string }>(db, createKysely(db).selectFrom('settings').select('value').where('key', '=', 'app'));
  if (!row) return new Set();
  try {
    const parsed = JSON.parse(row.value) as Record<string, unknown>;
    return new Set(Object.keys(parsed));
  } catch {
    return new Set();
  }
}

export function hasEvents(db: Sqlite): boolean {
  return firstRow<{ id: string }>(db, createKysely(db).selectFrom('conversion_events').select('id').limit(1)) !== undefined;
}
