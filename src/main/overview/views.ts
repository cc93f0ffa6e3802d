import { SavedViewInputSchema, type SavedView, type SavedViewInput } from '../../shared/ipc/channels/overview';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { looksLikeEmail, looksLikePhone } from '../events/search-repo';
import { parseOrThrow } from '../events/service';
import { uuidv7 } from '../lib/ids';

interface ViewRow {
  id: string;
  name: string;
  filter: string;
  sort: string;
  columns: string;
  created_at: string;
  updated_at: string;
}

function toView(row: ViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    filter: JSON.parse(row.filter) as SavedView['filter'],
    sort: JSON.parse(row.sort) as SavedView['sort'],
    columns: JSON.parse(row.columns) as SavedView['columns'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listViews(db: Sqlite): SavedView[] {
  return (db.prepare('SELECT * FROM saved_views ORDER BY name COLLATE NOCASE').all() as ViewRow[]).map(toView);
}

/** Creates a view, replaces the view with the same name, or (with id) updates that view. */
export function saveView(db: Sqlite, input: SavedViewInput): SavedView {
  const data = parseOrThrow(SavedViewInputSchema, input, 'view');
  // A search for an email or phone is personal data, which is never stored (issue 15 item 9).
  if (data.filter.search && (looksLikeEmail(data.filter.search) || looksLikePhone(data.filter.search))) {
    throw new AppError('validation', 'A saved view cannot keep a search for an email or phone number (personal data is never stored); clear the search first');
  }
  const now = new Date().toISOString();
  const json = { filter: JSON.stringify(data.filter), sort: JSON.stringify(data.sort), columns: JSON.stringify(data.columns) };
  const id = db.transaction(() => {
    const sameName = db.prepare('SELECT id FROM saved_views WHERE name = ?').pluck().get(data.name) as string | undefined;
    if (data.id) {
      if (!db.prepare('SELECT 1 FROM saved_views WHERE id = ?').get(data.id)) throw new AppError('not_found', `No saved view with id ${data.id}`);
      if (sameName && sameName !== data.id) throw new AppError('duplicate', `Another view is already named "${data.name}"`);
      db.prepare('UPDATE saved_views SET name = ?, filter = ?, sort = ?, columns = ?, updated_at = ? WHERE id = ?').run(
        data.name, json.filter, json.sort, json.columns, now, data.id,
      );
      return data.id;
    }
    if (sameName) {
      db.prepare('UPDATE saved_views SET name = ?, filter = ?, sort = ?, columns = ?, updated_at = ? WHERE id = ?').run(
        data.name, json.filter, json.sort, json.columns, now, sameName,
      );
      return sameName;
    }
    const newId = uuidv7();
    db.prepare('INSERT INTO saved_views (id, name, filter, sort, columns, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      newId, data.name, json.filter, json.sort, json.columns, now, now,
    );
    return newId;
  })();
  return toView(db.prepare('SELECT * FROM saved_views WHERE id = ?').get(id) as ViewRow);
}

export function deleteView(db: Sqlite, id: string): { deleted: boolean } {
  return { deleted: db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes > 0 };
}
