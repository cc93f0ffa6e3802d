import type { Sqlite } from '../db/connection';
import { k, once, param, pluckOne, run } from '../db/query';

const VALUE_OF = once(() => k.selectFrom('settings').select('value').where('key', '=', param('key')));
const UPSERT = once(() =>
  k
    .insertInto('settings')
    .values({ key: param('key'), value: param('value') })
    .onConflict((conflict) => conflict.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))),
);

/** The stored JSON document of a settings key (undefined when never stored). */
export function settingsValue(db: Sqlite, key: string): string | undefined {
  return pluckOne<string>(db, VALUE_OF, { key });
}
export function storeSettingsValue(db: Sqlite, key: string, value: string): void {
  run(db, UPSERT, { key, value });
}
