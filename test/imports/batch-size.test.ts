// The rows per mapper batch (pipeline.ts BATCH_ROWS, 250; it was 1,000) are a memory/speed setting
// only: the same file gives the same events, problems and counts whatever the batch size. Each size
// imports into its own fresh database (real migrations) through runPipeline with a real mapper thread;
// every column of every event and every stored problem is compared.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { runPipeline } from '../../src/main/imports/pipeline';
import { createImportRow } from '../../src/main/imports/repo';
import { sniffFile } from '../../src/main/imports/sniff';
import { workerPath } from '../../src/main/runtime';
import type { ImportOptions } from '../../src/shared/domain/imports';
import { createTestContext } from '../helpers/context';

const REAL = join(__dirname, '..', 'fixtures', 'real-world');
const OWN = join(__dirname, '..', 'fixtures', 'imports');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-import-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 1,200 rows where orders span consecutive lines (merged into one event) across every batch edge, with bad cells among them. */
function spanningOrders(): string {
  let text = 'Email,Phone Number,Order ID,Conversion Value,Conversion Currency,Conversion Time\n';
  for (let i = 0; i < 1200; i++) {
    const order = Math.floor(i / 3);
    const email = i % 11 === 0 ? 'not-an-email' : `buyer${order}@example.com`;
    const phone = i % 13 === 0 ? '12' : `+1 201-555-${String(1000 + (i % 9000)).padStart(4, '0')}`;
    const value = i % 3 === 0 ? `${order}.25` : '';
    const time = i % 97 === 0 ? '2026-13-01 10:00:00' : `2026-03-${String(1 + (order % 28)).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00`;
    text += `${email},${phone},O-${order},${value},${i % 5 === 0 ? 'EUR' : ''},${time}\n`;
  }
  const path = join(tmp, 'spanning-orders.csv');
  writeFileSync(path, text);
  return path;
}

async function importWith(path: string, batchRows: number) {
  const ctx = createTestContext();
  try {
    const sniff = sniffFile(path, basename(path));
    const options: ImportOptions = { onDuplicate: 'skip', eventName: 'purchase', timezone: 'America/New_York', defaultCountry: 'US', delimiter: sniff.delimiter, hasHeader: sniff.hasHeader };
    const mapping = sniff.suggestedMapping;
    createImportRow(ctx.db, { id: 'imp', fileName: basename(path), fileSize: 1, filePath: path, mapping, options, headers: sniff.headers });
    const db = openDatabase(ctx.dbPath);
    let result;
    try {
      result = await runPipeline(db, { path, fileName: basename(path), importId: 'imp', mapping, options, mappers: 1, workerScript: workerPath('import-worker'), batchRows });
    } finally {
      db.close();
    }
    // Ids are new UUIDs and created_at the import's clock in each run; everything else must match.
    const events = ctx.db.prepare('SELECT * FROM conversion_events ORDER BY source_line, event_id').all() as Record<string, unknown>[];
    const idToEvent = new Map(events.map((e) => [e.id, e.event_id]));
    const rows = events.map(({ id: _id, created_at: _created, updated_at: _updated, ...rest }) => rest);
    type Problem = { line: number; column_name: string | null; masked_value: string | null; reason: string; severity: string; related_event_id: unknown };
    const problems = (ctx.db.prepare('SELECT line, column_name, masked_value, reason, severity, related_event_id FROM import_errors ORDER BY line, id').all() as Problem[]).map(
      (p) => ({ ...p, related_event_id: p.related_event_id === null ? null : idToEvent.get(p.related_event_id) }),
    );
    const { sha256: _sha, ...counts } = result;
    return { rows, problems, counts };
  } finally {
    ctx.cleanup();
  }
}

describe('mapper batch size', () => {
  const files = [
    ['spanning orders (merges across every batch edge, bad cells)', () => spanningOrders()],
    ['Shopify export (multi-line orders)', () => join(REAL, 'shopify_orders_export_devstore.csv')],
    ['Meta offline, dirty (warnings, pre-hashed)', () => join(REAL, 'meta_offline_dirty.csv')],
    ['own fixture with refused rows', () => join(OWN, 'bad-rows.csv')],
  ] as const;

  it.each(files)('%s: the same events, problems and counts with batches of 1, 7, 250 and 1,000 rows', async (_label, file) => {
    const path = file();
    const reference = await importWith(path, 1000);
    expect(reference.rows.length).toBeGreaterThan(0);
    for (const size of [1, 7, 250]) {
      const other = await importWith(path, size);
      expect(other.counts, `batches of ${size}`).toEqual(reference.counts);
      expect(other.problems, `batches of ${size}`).toEqual(reference.problems);
      expect(other.rows, `batches of ${size}`).toEqual(reference.rows);
    }
  });

  it('the spanning-orders file really merges, warns and refuses (the comparison above is not of empty sets)', async () => {
    const { rows, problems, counts } = await importWith(spanningOrders(), 250);
    expect(counts.merged).toBeGreaterThan(700);
    expect(counts.invalid).toBeGreaterThan(5);
    expect(counts.warned).toBeGreaterThan(50);
    expect(rows.length).toBe(counts.imported);
    expect(problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(5);
  });
});
