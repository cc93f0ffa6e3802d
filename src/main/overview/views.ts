import { SavedViewInputSchema, type SavedView, type SavedViewInput } from '../../shared/ipc/channels/overview';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { looksLikeEmail, looksLikePhone } from '../events/search-repo';
import { parseOrThrow } from '../events/service';
import { uuidv7 } from '../lib/ids';
import * as repo from './views-repo';
import type { ViewRow } from './views-repo';

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
  return repo.listViewRows(db).map(toView);
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
    const sameName = repo.viewIdByName(db, data.name);
    if (data.id) {
      if (!repo.viewRow(db, data.id)) throw new AppError('not_found', `No saved view with id ${data.id}`);
      if (sameName && sameName !== data.id) throw new AppError('duplicate', `Another view is already named "${data.name}"`);
      repo.updateView(db, data.id, { name: data.name, ...json, updated_at: now });
      return data.id;
    }
    if (sameName) {
      repo.updateView(db, sameName, { name: data.name, ...json, updated_at: now });
      return sameName;
    }
    const newId = uuidv7();
    repo.insertView(db, { id: newId, name: data.name, ...json, created_at: now, updated_at: now });
    return newId;
  })();
  return toView(repo.viewRow(db, id)!);
}

export function deleteView(db: Sqlite, id: string): { deleted: boolean } {
  return { deleted: repo.deleteViewRow(db, id) };
}
