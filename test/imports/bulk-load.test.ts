// The bulk-load path (src/main/imports/bulk-load.ts): large imports drop conversion_events'
// secondary indexes inside their transaction and rebuild them before COMMIT. Real SQLite files,
// real migrations, the real worker (or runPipeline on its own connection where a hook has to fire
// at an exact step).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Sqlite } from '../../src/main/db/connection';
import { droppableIndexes, estimateRows, rebuildMode, REBUILD_MIN_ROWS, shouldRebuild } from '../../src/main/imports/bulk-load';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { ImportCancelled, runPipeline, type PipelineHooks } from '../../src/main/imports/pipeline';
import { createImportRow } from '../../src/main/imports/repo';
import type { ImportMapping, ImportOptions } from '../../src/shared/domain/imports';
import type { ImportProgress } from '../../src/shared/ipc/events';
import { createTestContext } from '../helpers/context';
import { count, importFile } from './helpers';

const ENV = 'CONVDESK_IMPORT_REBUILD_INDEXES';
let ctx: ReturnType<typeof createTestContext>;
let tmp: string;
beforeEach(() => {
  ctx = createTestContext();
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-import-test-'));
});
afterEach(async () => {
  delete process.env[ENV];
  await importServiceForContext(ctx).shutdown();
  ctx.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const HEADER = 'Email,Conversion Name,Order ID,Conversion Value,Conversion Time,Campaign,Brand\n';
/** Rows `from`..`to`-1; the event id derives from the order id, so the same i is the same event. */
function rows(from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    text += `user${i}@example.com,${i % 3 ? 'purchase' : 'lead'},O-${i},${i % 100}.50,2026-03-${day}T10:${String(i % 60).padStart(2, '0')}:00Z,Spring ${i % 4},Brand ${i % 2}\n`;
  }
  return text;
}
function csv(name: string, from: number, to: number): string {
  const path = join(tmp, name);
  writeFileSync(path, HEADER + rows(from, to));
  return path;
}

/** Everything in the schema except root pages (a rebuilt index lives on new pages). */
function schema(db: Sqlite) {
  return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
}
function eventIndexes(db: Sqlite) {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conversion_events' ORDER BY name").all() as { name: string; sql: string | null }[];
}
function integrity(db: Sqlite): string {
  return (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n');
}

// Queries shaped like the review grid's, the exports' and undo's, with the index each must use.
const PLANS: [string, unknown[], string][] = [
  ['SELECT id FROM conversion_events WHERE import_id = ?', ['x'], 'idx_conversion_events_import_id'],
  ['SELECT id FROM conversion_events WHERE transaction_id = ?', ['O-1'], 'idx_conversion_events_transaction_id'],
  ['SELECT id FROM conversion_events ORDER BY event_time DESC, id DESC LIMIT 50', [], 'idx_conversion_events_time_id'],
  ["SELECT id FROM conversion_events WHERE event_value_micros IS NOT NULL ORDER BY ifnull(event_value_micros, -1) DESC, id DESC LIMIT 50", [], 'idx_conversion_events_value_id'],
  ['SELECT id FROM conversion_events WHERE campaign_id = ?', ['c'], 'idx_conversion_events_campaign_id'],
  ['SELECT id FROM conversion_events ORDER BY created_at, id LIMIT 50', [], 'idx_conversion_events_created_id'],
  ['SELECT import_id FROM conversion_events WHERE event_id = ?', ['e'], 'sqlite_autoindex_conversion_events_2'],
  // Kept live during a bulk load (FEW_KEYS): the review's "has click id" filter.
  ['SELECT count(*) FROM conversion_events WHERE (gclid IS NOT NULL OR gbraid IS NOT NULL OR wbraid IS NOT NULL) = 1', [], 'idx_conversion_events_identifiers'],
];
function plans(db: Sqlite): string[] {
  return PLANS.map(([sql, params]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | '));
}

/** Imports through the service and worker, recording the progress phases. */
async function importWithPhases(path: string, options = {}) {
  const phases: ImportProgress[] = [];
  const off = ctx.push.add((event, payload) => {
    if (event === 'import:progress') phases.push(payload as ImportProgress);
  });
  try {
    return { report: await importFile(ctx, path, options), phases };
  } finally {
    off();
  }
}

describe('bulk load: drop and rebuild the event indexes inside the import transaction', () => {
  it('leaves the same schema, index SQL, query plans and a consistent database, and reports an indexing phase', async () => {
    process.env[ENV] = 'never';
    expect((await importFile(ctx, csv('first.csv', 0, 300))).imported).toBe(300);
    const schemaBefore = schema(ctx.db);
    const indexesBefore = eventIndexes(ctx.db);
    const plansBefore = plans(ctx.db);
    // Non-vacuous: the plans really name the indexes the rebuild drops.
    PLANS.forEach(([, , index], i) => expect(plansBefore[i]).toContain(index));
    const droppable = droppableIndexes(ctx.db).map((i) => i.name);
    // Random-order keys are rebuilt; keys that an import fills at their right edge are kept (and the constraint indexes always),
    // as is the identifiers index: two booleans, so at most 4 right edges (bulk-load.ts FEW_KEYS).
    expect(droppable).toEqual(expect.arrayContaining(['idx_conversion_events_time_id', 'idx_conversion_events_value_id', 'idx_conversion_events_transaction_id', 'idx_conversion_events_email_lookup', 'idx_conversion_events_phone_lookup']));
    for (const kept of ['idx_conversion_events_import_id', 'idx_conversion_events_created_id', 'idx_conversion_events_sync_status', 'idx_conversion_events_name_id', 'idx_conversion_events_identifiers', 'sqlite_autoindex_conversion_events_1', 'sqlite_autoindex_conversion_events_2']) {
      expect(droppable).not.toContain(kept);
    }

    process.env[ENV] = 'always';
    const { report, phases } = await importWithPhases(csv('second.csv', 300, 2300));
    expect(report).toMatchObject({ status: 'completed', imported: 2000, duplicates: 0, invalid: 0 });

    const indexing = phases.filter((p) => p.phase === 'indexing');
    expect(indexing.length).toBeGreaterThan(0);
    expect(indexing.at(-1)).toMatchObject({ indexesDone: droppable.length, indexesTotal: droppable.length });
    const order = phases.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(order.slice(-3)).toEqual(['indexing', 'finishing', 'done']);

    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(eventIndexes(ctx.db)).toEqual(indexesBefore);
    expect(plans(ctx.db)).toEqual(plansBefore);
    expect(integrity(ctx.db)).toBe('ok');
    expect(count(ctx)).toBe(2300);
    // integrity_check compares every index entry with its table row, so the rebuilt indexes hold exactly the rows.
    expect(ctx.db.prepare('SELECT count(*) AS n FROM conversion_events WHERE transaction_id = ?').get('O-2299')).toEqual({ n: 1 });
  });

  it('dedups against existing rows and within the file when the rebuild runs (skip, update, error)', async () => {
    process.env[ENV] = 'never';
    await importFile(ctx, csv('first.csv', 0, 500));
    const before = eventIndexes(ctx.db);
    process.env[ENV] = 'always';
    // 250 rows overlap the first file, and the file repeats its own first 100 rows at the end.
    const path = csv('overlap.csv', 250, 1000);
    writeFileSync(path, rows(250, 350), { flag: 'a' });
    const skip = await importWithPhases(path);
    expect(skip.phases.some((p) => p.phase === 'indexing')).toBe(true);
    expect(skip.report).toMatchObject({ status: 'completed', rowsRead: 850, imported: 500, duplicates: 350 });
    expect(count(ctx)).toBe(1000);
    expect((ctx.db.prepare('SELECT count(DISTINCT event_id) AS n FROM conversion_events').get() as { n: number }).n).toBe(1000);

    const update = await importFile(ctx, csv('again.csv', 900, 1100), { onDuplicate: 'update' });
    expect(update).toMatchObject({ status: 'completed', imported: 100, updated: 100 });
    const error = await importFile(ctx, csv('errors.csv', 1050, 1150), { onDuplicate: 'error' });
    expect(error).toMatchObject({ status: 'completed', imported: 50, invalid: 50 });
    expect(error.errors[0]?.reason).toMatch(/already in the database/);
    expect(count(ctx)).toBe(1150);
    expect(eventIndexes(ctx.db)).toEqual(before);
    expect(integrity(ctx.db)).toBe('ok');
  });

  it('puts back the planner statistics of the rebuilt indexes (DROP INDEX deletes them)', async () => {
    process.env[ENV] = 'never';
    await importFile(ctx, csv('first.csv', 0, 300));
    ctx.db.exec('ANALYZE');
    const stats = () => ctx.db.prepare("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'conversion_events' ORDER BY idx").all();
    const before = stats();
    expect(before.length).toBeGreaterThan(5);
    process.env[ENV] = 'always';
    const { phases } = await importWithPhases(csv('second.csv', 300, 600));
    expect(phases.some((p) => p.phase === 'indexing')).toBe(true);
    expect(stats()).toEqual(before);
    expect(integrity(ctx.db)).toBe('ok');
  });

  it('a cancelled bulk-load import (through the worker) keeps the indexes and rows as they were', async () => {
    process.env[ENV] = 'never';
    await importFile(ctx, csv('first.csv', 0, 200));
    const schemaBefore = schema(ctx.db);
    process.env[ENV] = 'always';
    const imports = importServiceForContext(ctx);
    const file = imports.files.register(csv('big.csv', 1000, 150_000));
    const { importId } = imports.start(file, imports.preview(file).suggestedMapping);
    await new Promise<void>((resolve) => {
      const off = ctx.push.add((event, payload) => {
        if (event === 'import:progress' && (payload as ImportProgress).rowsDone > 0) {
          off();
          resolve();
        }
      });
    });
    imports.cancel(importId);
    expect((await imports.wait(importId)).status).toBe('cancelled');
    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(count(ctx)).toBe(200);
    expect(integrity(ctx.db)).toBe('ok');
  });
});

describe('rollback at every step of a bulk load (runPipeline on its own connection)', () => {
  const mapping: ImportMapping = { columns: ['email', 'event_name', 'transaction_id', 'value', 'event_time', 'campaign', 'brand'] };
  const options: ImportOptions = { onDuplicate: 'skip', hasHeader: true };

  async function run(path: string, hooks: PipelineHooks, columns = mapping.columns) {
    const importId = `bulk-${Math.random().toString(36).slice(2)}`;
    createImportRow(ctx.db, { id: importId, fileName: 'x.csv', fileSize: 1, filePath: path, mapping: { columns }, options, headers: [] });
    const db = openDatabase(ctx.dbPath);
    try {
      return await runPipeline(db, { path, fileName: 'x.csv', importId, mapping: { columns }, options, rebuildIndexes: 'always' }, hooks);
    } finally {
      db.close();
    }
  }

  it.each([
    ['cancelled while the indexes are rebuilt', 2],
    ['cancelled before the last index', -1],
  ])('%s: indexes, rows and schema unchanged', async (_label, at) => {
    await run(csv('first.csv', 0, 300), {});
    const schemaBefore = schema(ctx.db);
    const steps: number[] = [];
    let cancel = false;
    await expect(
      run(csv('second.csv', 300, 1300), {
        isCancelled: () => cancel,
        onIndexing: (done, total) => {
          steps.push(done);
          if (done === (at < 0 ? total - 1 : at)) cancel = true;
        },
      }),
    ).rejects.toBeInstanceOf(ImportCancelled);
    expect(steps.length).toBeGreaterThan(1);
    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(count(ctx)).toBe(300);
    expect(integrity(ctx.db)).toBe('ok');
  });

  it('an error while the indexes are rebuilt rolls back everything', async () => {
    await run(csv('first.csv', 0, 300), {});
    const schemaBefore = schema(ctx.db);
    await expect(
      run(csv('second.csv', 300, 1300), {
        onIndexing: (done) => {
          if (done === 2) throw new Error('disk full (simulated)');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(count(ctx)).toBe(300);
    expect(integrity(ctx.db)).toBe('ok');
  });

  it('an error mid-insert and a file that fails after the indexes were dropped roll back everything', async () => {
    await run(csv('first.csv', 0, 300), {});
    const schemaBefore = schema(ctx.db);
    let calls = 0;
    await expect(
      run(csv('second.csv', 300, 5300), {
        progressMs: 0,
        onProgress: () => {
          if (++calls === 2) throw new Error('failed mid-insert (simulated)');
        },
      }),
    ).rejects.toThrow('mid-insert');
    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(count(ctx)).toBe(300);
    // The mapping has one column too few: the header check throws after the indexes are dropped.
    await expect(run(csv('third.csv', 300, 400), {}, mapping.columns.slice(1))).rejects.toThrow(/columns but the mapping has/);
    expect(schema(ctx.db)).toEqual(schemaBefore);
    expect(count(ctx)).toBe(300);
    expect(integrity(ctx.db)).toBe('ok');
  });
});

describe('when the rebuild runs', () => {
  it('estimates rows from the average line length of the file head', () => {
    const head = Buffer.from('a,b\n1,2\n3,4\n5,6\n'); // 16 bytes, 4 lines
    expect(estimateRows(head, 16)).toBe(4);
    expect(estimateRows(head, 4_000_000)).toBe(1_000_000);
    expect(estimateRows(Buffer.from('no newline'), 10)).toBe(1);
  });

  it('auto: at least 50k incoming rows and at least half the existing row count; the env var wins', async () => {
    expect(shouldRebuild(ctx.db, 'auto', REBUILD_MIN_ROWS - 1)).toBe(false);
    expect(shouldRebuild(ctx.db, 'auto', REBUILD_MIN_ROWS)).toBe(true);
    expect(shouldRebuild(ctx.db, 'always', 1)).toBe(true);
    expect(shouldRebuild(ctx.db, 'never', 10_000_000)).toBe(false);
    // 120k existing rows (bare inserts: only the row count matters here).
    ctx.db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 119999)
      INSERT INTO conversion_events (id, event_name, event_id, event_time) SELECT 'id' || i, 'purchase', 'ev' || i, '2026-03-01T00:00:00.000Z' FROM n`);
    expect(shouldRebuild(ctx.db, 'auto', 59_999)).toBe(false);
    expect(shouldRebuild(ctx.db, 'auto', 60_000)).toBe(true);
    expect(rebuildMode()).toBe('auto');
    expect(rebuildMode('never')).toBe('never');
    process.env[ENV] = 'always';
    expect(rebuildMode('never')).toBe('always');
    process.env[ENV] = 'bogus';
    expect(rebuildMode()).toBe('auto');
  });

  it('a small import into an empty database does not rebuild (no indexing phase)', async () => {
    const { report, phases } = await importWithPhases(csv('small.csv', 0, 100));
    expect(report.imported).toBe(100);
    expect(phases.some((p) => p.phase === 'indexing')).toBe(false);
  });
});
