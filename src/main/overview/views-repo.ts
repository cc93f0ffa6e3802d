import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Sqlite } from '../db/connection';
import { all, get, k, once, param, pluckOne, run } from '../db/query';
import type { SavedViewsTable } from '../db/schema';

export type ViewRow = Selectable<SavedViewsTable>;
type ViewFields = Pick<ViewRow, 'name' | 'filter' | 'sort' | 'columns' | 'updated_at'>;

const ALL_VIEWS = once(() => k.selectFrom('saved_views').selectAll().orderBy(sql`${sql.ref('name')} collate nocase`));
const VIEW_BY_ID = once(() => k.selectFrom('saved_views').selectAll().where('id', '=', param('id')));
const VIEW_ID_BY_NAME = once(() => k.selectFrom('saved_views').select('id').where('name', '=', param('name')));

export function listViewRows(db: Sqlite): ViewRow[] {
  return all<ViewRow>(db, ALL_VIEWS);
}
export function viewRow(db: Sqlite, id: string): ViewRow | undefined {
  return get<ViewRow>(db, VIEW_BY_ID, { id });
}
export function viewIdByName(db: Sqlite, name: string): string | undefined {
  return pluckOne<string>(db, VIEW_ID_BY_NAME, { name });
}
export function updateView(db: Sqlite, id: string, fields: ViewFields): void {
  run(db, k.updateTable('saved_views').set(fields).where('id', '=', id));
}
export function insertView(db: Sqlite, row: ViewFields & Pick<ViewRow, 'id' | 'created_at'>): void {
  run(db, k.insertInto('saved_views').values(row));
}
export function deleteViewRow(db: Sqlite, id: string): boolean {
  return run(db, k.deleteFrom('saved_views').where('id', '=', id)).changes > 0;
}
