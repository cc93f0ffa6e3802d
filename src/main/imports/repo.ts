import type { ImportMapping, ImportOptions, ImportReport, ImportRowError, ImportStatus, ImportSummary, MappingPreset } from '../../shared/domain/imports';
import type { Sqlite } from '../db/connection';
import type { ImportsTable } from '../db/schema';
import { INSERT_COLUMNS } from '../events/repo';
import { uuidv7 } from '../lib/ids';

/** Invalid rows kept per import for the report (the count is exact beyond that). */
export const MAX_STORED_ERRORS = 10_000;

export function createImportRow(
  db: Sqlite,
  row: { id: string; fileName: string; fileSize: number; filePath: string; mapping: ImportMapping; options: ImportOptions; headers: string[] },
): void {
  db.prepare(
    `INSERT INTO imports (id, file_name, file_size, file_path, mapping, options, headers, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'running')`,
  ).run(row.id, row.fileName, row.fileSize, row.filePath, JSON.stringify(row.mapping), JSON.stringify(row.options), JSON.stringify(row.headers));
}

export interface ImportCounts {
  rowsRead: number;
  imported: number;
  updated: number;
  duplicates: number;
  invalid: number;
}

export function finishImportRow(db: Sqlite, id: string, status: ImportStatus, counts: ImportCounts | null, error: string | null, sha256: string | null = null): void {
  if (counts) {
    db.prepare(
      `UPDATE imports SET status = ?, rows_read = ?, rows_imported = ?, rows_updated = ?, rows_duplicate = ?, rows_invalid = ?,
         error = ?, file_sha256 = coalesce(?, file_sha256), finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
    ).run(status, counts.rowsRead, counts.imported, counts.updated, counts.duplicates, counts.invalid, error, sha256, id);
  } else {
    db.prepare(`UPDATE imports SET status = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(status, error, id);
  }
}

export function setImportStatus(db: Sqlite, id: string, status: ImportStatus): void {
  db.prepare('UPDATE imports SET status = ? WHERE id = ?').run(status, id);
}

export function findImport(db: Sqlite, id: string): ImportsTable | undefined {
  return db.prepare('SELECT * FROM imports WHERE id = ?').get(id) as ImportsTable | undefined;
}

export function toSummary(row: ImportsTable): ImportSummary {
  return {
    id: row.id,
    fileName: row.file_name,
    fileSize: row.file_size,
    fileSha256: row.file_sha256,
    status: row.status as ImportStatus,
    rowsRead: row.rows_read,
    imported: row.rows_imported,
    updated: row.rows_updated,
    duplicates: row.rows_duplicate,
    invalid: row.rows_invalid,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function listImports(db: Sqlite, limit: number): ImportSummary[] {
  return (db.prepare('SELECT * FROM imports ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as ImportsTable[]).map(toSummary);
}

export function importReport(db: Sqlite, row: ImportsTable, errorLimit = MAX_STORED_ERRORS): ImportReport {
  const errors = (
    db.prepare('SELECT line, column_name, masked_value, reason FROM import_errors WHERE import_id = ? ORDER BY line, id LIMIT ?').all(row.id, errorLimit) as {
      line: number; column_name: string | null; masked_value: string | null; reason: string;
    }[]
  ).map((e): ImportRowError => ({ row: e.line, column: e.column_name, value: e.masked_value, reason: e.reason }));
  return {
    ...toSummary(row),
    mapping: row.mapping ? (JSON.parse(row.mapping) as ImportMapping) : null,
    headers: row.headers ? (JSON.parse(row.headers) as string[]) : [],
    options: row.options ? (JSON.parse(row.options) as ImportOptions) : null,
    errors,
    errorsTruncated: row.rows_invalid > errors.length,
  };
}

export function errorLines(db: Sqlite, importId: string): Map<number, string> {
  const rows = db.prepare('SELECT line, column_name, reason FROM import_errors WHERE import_id = ? ORDER BY line, id').all(importId) as {
    line: number; column_name: string | null; reason: string;
  }[];
  const map = new Map<number, string>();
  for (const row of rows) {
    const reason = row.column_name ? `${row.column_name}: ${row.reason}` : row.reason;
    map.set(row.line, map.has(row.line) ? `${map.get(row.line)}; ${reason}` : reason);
  }
  return map;
}

/** Prepared statements the pipeline runs per row (inside its one transaction). */
export function prepareImportStatements(db: Sqlite) {
  const cols = INSERT_COLUMNS.join(', ');
  const marks = INSERT_COLUMNS.map(() => '?').join(', ');
  const insert = db.prepare(`INSERT INTO conversion_events (${cols}) VALUES (${marks}) ON CONFLICT (event_id) DO NOTHING`);
  const updatable = INSERT_COLUMNS.filter((c) => c !== 'id' && c !== 'event_id' && c !== 'created_at' && c !== 'import_id');
  const update = db.prepare(
    `UPDATE conversion_events SET ${updatable.map((c) => `${c} = ?`).join(', ')} WHERE event_id = ? AND sync_status <> 'sent'`,
  );
  const existing = db.prepare('SELECT import_id, sync_status FROM conversion_events WHERE event_id = ?');
  const error = db.prepare('INSERT INTO import_errors (import_id, line, column_name, masked_value, reason) VALUES (?, ?, ?, ?, ?)');
  const updateIndexes = updatable.map((c) => INSERT_COLUMNS.indexOf(c));
  const eventIdIndex = INSERT_COLUMNS.indexOf('event_id');
  return {
    /** Values in INSERT_COLUMNS order. True when inserted, false when the event_id already exists. */
    insert(values: unknown[]): boolean {
      return insert.run(values).changes === 1;
    },
    /** True when updated; false when the existing event was already sent. */
    update(values: unknown[]): boolean {
      return update.run([...updateIndexes.map((i) => values[i]), values[eventIdIndex]]).changes === 1;
    },
    existing(eventId: string): { import_id: string | null; sync_status: string } | undefined {
      return existing.get(eventId) as { import_id: string | null; sync_status: string } | undefined;
    },
    error(importId: string, e: ImportRowError): void {
      error.run(importId, e.row, e.column, e.value, e.reason);
    },
  };
}

/** Resolves campaign/brand names to ids, creating missing ones (inside the import's transaction). */
export function catalogLookups(db: Sqlite) {
  const findBrand = db.prepare('SELECT id FROM brands WHERE name = ?');
  const addBrand = db.prepare('INSERT INTO brands (id, name) VALUES (?, ?)');
  const findCampaign = db.prepare('SELECT id FROM campaigns WHERE name = ? ORDER BY created_at LIMIT 1');
  const addCampaign = db.prepare('INSERT INTO campaigns (id, name) VALUES (?, ?)');
  const brands = new Map<string, string>();
  const campaigns = new Map<string, string>();
  const resolve = (cache: Map<string, string>, find: typeof findBrand, add: typeof addBrand, name: string) => {
    let id = cache.get(name);
    if (id) return id;
    id = (find.get(name) as { id: string } | undefined)?.id;
    if (!id) {
      id = uuidv7();
      add.run(id, name);
    }
    cache.set(name, id);
    return id;
  };
  return {
    brandId: (name: string) => resolve(brands, findBrand, addBrand, name),
    campaignId: (name: string) => resolve(campaigns, findCampaign, addCampaign, name),
  };
}

export function sentEventCount(db: Sqlite, importId: string): number {
  return (db.prepare("SELECT count(*) AS n FROM conversion_events WHERE import_id = ? AND sync_status = 'sent'").get(importId) as { n: number }).n;
}

/** Deletes up to `limit` events of an import; returns how many were deleted. */
export function deleteImportEventsChunk(db: Sqlite, importId: string, limit: number): number {
  return db.prepare('DELETE FROM conversion_events WHERE rowid IN (SELECT rowid FROM conversion_events WHERE import_id = ? LIMIT ?)').run(importId, limit).changes;
}

/**
 * A leftover 'running' import (the app or CLI died mid-import) becomes 'failed', and any events it
 * left are removed. The pipeline commits once at the end, so normally there are none. A live import
 * holds the write lock for its whole run: when the lock is taken, another process is importing right
 * now, so nothing is touched (and opening the app or CLI does not wait for it).
 */
export function recoverInterruptedImports(db: Sqlite): number {
  const running = db.prepare("SELECT id FROM imports WHERE status = 'running'").all() as { id: string }[];
  if (running.length === 0) return 0;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return 0;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  try {
    for (const { id } of running) {
      db.prepare('DELETE FROM conversion_events WHERE import_id = ?').run(id);
      finishImportRow(db, id, 'failed', null, 'The import was interrupted (the app closed or crashed); nothing from it was kept.');
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return running.length;
}

// ---- mapping presets ----

export function listPresets(db: Sqlite): MappingPreset[] {
  return (db.prepare('SELECT * FROM mapping_presets ORDER BY name').all() as { id: string; name: string; mapping: string; created_at: string }[]).map(toPreset);
}

function toPreset(row: { id: string; name: string; mapping: string; created_at: string }): MappingPreset {
  const stored = JSON.parse(row.mapping) as { headers: string[]; mapping: ImportMapping };
  return { id: row.id, name: row.name, headers: stored.headers, mapping: stored.mapping, createdAt: row.created_at };
}

export function findPresetByHeaderKey(db: Sqlite, key: string): MappingPreset | undefined {
  const row = db.prepare('SELECT * FROM mapping_presets WHERE header_key = ? ORDER BY created_at DESC LIMIT 1').get(key) as
    | { id: string; name: string; mapping: string; created_at: string }
    | undefined;
  return row ? toPreset(row) : undefined;
}

export function findPresetByName(db: Sqlite, name: string): MappingPreset | undefined {
  const row = db.prepare('SELECT * FROM mapping_presets WHERE name = ?').get(name) as { id: string; name: string; mapping: string; created_at: string } | undefined;
  return row ? toPreset(row) : undefined;
}

/** Saves (or replaces, by name) a preset. */
export function upsertPreset(db: Sqlite, name: string, key: string, headers: string[], mapping: ImportMapping): string {
  const existing = db.prepare('SELECT id FROM mapping_presets WHERE name = ?').get(name) as { id: string } | undefined;
  const json = JSON.stringify({ headers, mapping });
  if (existing) {
    db.prepare('UPDATE mapping_presets SET header_key = ?, mapping = ? WHERE id = ?').run(key, json, existing.id);
    return existing.id;
  }
  const id = uuidv7();
  db.prepare('INSERT INTO mapping_presets (id, name, header_key, mapping) VALUES (?, ?, ?, ?)').run(id, name, key, json);
  return id;
}

export function deletePreset(db: Sqlite, id: string): boolean {
  return db.prepare('DELETE FROM mapping_presets WHERE id = ?').run(id).changes === 1;
}
