// The import answers once its COMMIT is durable (the WAL synced); the worker then copies the WAL into
// the database file (checkpointAfterImport) and truncates it. Real SQLite files, real migrations,
// the real worker. "The database file alone" is a copy of the main file without its -wal: it holds
// only what has been checkpointed.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Sqlite } from '../../src/main/db/connection';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { checkpointAfterImport, runPipeline } from '../../src/main/imports/pipeline';
import { createImportRow } from '../../src/main/imports/repo';
import type { ImportMapping, ImportOptions } from '../../src/shared/domain/imports';
import { createTestContext } from '../helpers/context';
import { count, importFile } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
let tmp: string;
beforeEach(() => {
  ctx = createTestContext();
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-import-test-'));
  // The migrations are in the database file itself, so a copy of the file alone opens with the schema.
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
});
afterEach(async () => {
  await importServiceForContext(ctx).shutdown();
  ctx.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

function csv(name: string, n: number): string {
  let text = 'Email,Order ID,Conversion Value,Conversion Time\n';
  for (let i = 0; i < n; i++) text += `user${i}@example.com,O-${i},${i % 100}.50,2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z\n`;
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const walSize = () => (existsSync(`${ctx.dbPath}-wal`) ? statSync(`${ctx.dbPath}-wal`).size : 0);

/** Events (of one import) in a copy of the database file without its WAL. */
function eventsInFileAlone(importId?: string): number {
  const copy = join(tmp, `alone-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(ctx.dbPath, copy);
  const db = openDatabase(copy, { readonly: true });
  try {
    const sql = `SELECT count(*) AS n FROM conversion_events${importId ? ' WHERE import_id = ?' : ''}`;
    return (db.prepare(sql).get(...(importId ? [importId] : [])) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the WAL checkpoint after the import has answered', () => {
  it('the answer finds every event; once the worker has exited the database file alone holds them and the WAL is truncated', async () => {
    const report = await importFile(ctx, csv('a.csv', 3000), { eventName: 'purchase', timezone: 'UTC' });
    expect(report).toMatchObject({ status: 'completed', imported: 3000 });
    expect(count(ctx, 'import_id = ?', report.id)).toBe(3000);
    await importServiceForContext(ctx).shutdown();
    expect(walSize()).toBe(0);
    expect(eventsInFileAlone(report.id)).toBe(3000);
  });

  describe('checkpointAfterImport on the import connection', () => {
    const mapping: ImportMapping = { columns: ['email', 'transaction_id', 'value', 'event_time'] };
    const options: ImportOptions = { onDuplicate: 'skip', hasHeader: true, eventName: 'purchase', timezone: 'UTC' };
    let writer: Sqlite;
    let reader: Sqlite;
    beforeEach(() => {
      writer = openDatabase(ctx.dbPath);
      reader = openDatabase(ctx.dbPath);
    });
    afterEach(() => {
      if (reader.inTransaction) reader.exec('COMMIT');
      reader.close();
      writer.close();
    });

    async function importOnWriter(rows: number): Promise<string> {
      const path = csv(`w-${rows}.csv`, rows);
      const importId = `ckpt-${rows}`;
      createImportRow(ctx.db, { id: importId, fileName: 'w.csv', fileSize: 1, filePath: path, mapping, options, headers: [] });
      const result = await runPipeline(writer, { path, fileName: 'w.csv', importId, mapping, options });
      expect(result.imported).toBe(rows);
      return importId;
    }

    it('the COMMIT leaves the copy to it: after runPipeline the events are in the WAL only, after the checkpoint in the file and the WAL is empty', async () => {
      // Enough pages for SQLite's automatic checkpoint (1,000 pages) to have run inside the COMMIT.
      const importId = await importOnWriter(12000);
      expect(count(ctx, 'import_id = ?', importId)).toBe(12000);
      expect(walSize()).toBeGreaterThan(1000 * 4096);
      expect(eventsInFileAlone(importId)).toBe(0);
      checkpointAfterImport(writer);
      expect(walSize()).toBe(0);
      expect(eventsInFileAlone(importId)).toBe(12000);
    });

    it('a reader on a snapshot from before the import holds frames back: it retries until waitMs, then leaves the WAL; once the reader ends, everything is copied', async () => {
      reader.exec('BEGIN');
      expect((reader.prepare('SELECT count(*) AS n FROM conversion_events').get() as { n: number }).n).toBe(0);
      const importId = await importOnWriter(2000);
      const started = performance.now();
      checkpointAfterImport(writer, 300);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(walSize()).toBeGreaterThan(0);
      expect(eventsInFileAlone(importId)).toBe(0);
      // The window's own connection can still write meanwhile (PASSIVE never holds the write lock).
      ctx.db.prepare("UPDATE imports SET file_name = 'renamed.csv' WHERE id = ?").run(importId);
      reader.exec('COMMIT');
      checkpointAfterImport(writer);
      expect(walSize()).toBe(0);
      expect(eventsInFileAlone(importId)).toBe(2000);
    });
  });
});
