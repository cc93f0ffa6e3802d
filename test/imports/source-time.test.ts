/**
 * Issue 15 item 8: the detail shows each imported event's time as the file gave it. Migration 0019
 * keeps the time cell's text (conversion_events.source_time) unless it is a plain wall time read in the
 * import's zone (imports.time_zone), which gives the text back exactly; `imports:eventTime` answers the
 * text either way. Checked against the cells of real exports, read here with papaparse, not the app's parser.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { createEvent } from '../../src/main/events/service';
import { migrate } from '../../src/main/db/migrate';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { migrationsDir } from '../../src/main/runtime';
import type { ImportOptionsInput, ImportReport } from '../../src/shared/domain/imports';
import { type TestContext, useTestContext } from '../helpers/context';
import { importFile } from './helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

const realWorld = (name: string) => join(__dirname, '..', 'fixtures', 'real-world', name);
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-source-time-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The file's cells of one column by physical line (files without line breaks inside cells). */
function cellsByLine(path: string, header: string, skipLines = 0): Map<number, string> {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const rows = Papa.parse<string[]>(text.split(/\r?\n/).slice(skipLines).join('\n'), { skipEmptyLines: true }).data;
  const column = rows[0]!.indexOf(header);
  expect(column, `${header} in ${path}`).toBeGreaterThanOrEqual(0);
  return new Map(rows.slice(1).map((row, i) => [skipLines + i + 2, row[column]!]));
}

type Stored = { id: string; source_line: number; source_time: string | null; event_time: string };
const storedOf = (report: ImportReport) =>
  ctx.db.prepare('SELECT id, source_line, source_time, event_time FROM conversion_events WHERE import_id = ? ORDER BY source_line').all(report.id) as Stored[];
const shown = (id: string) => importServiceForContext(ctx).sourceTime(id);

async function load(path: string, options: ImportOptionsInput = {}) {
  const report = await importFile(ctx, path, options);
  expect(report).toMatchObject({ status: 'completed', invalid: 0 });
  return report;
}

describe('the time as the file gave it (issue 15 item 8)', () => {
  it('Stripe "Created date (UTC)": each event shows its cell, read in UTC; the plain wall times are re-derived, not stored twice', async () => {
    const path = realWorld('stripe_unified_payments_testmode.csv');
    const report = await load(path, { eventName: 'Payment', timezone: 'America/New_York' });
    const cells = cellsByLine(path, 'Created date (UTC)');
    const events = storedOf(report);
    expect(events).toHaveLength(6);
    for (const e of events) {
      expect(shown(e.id)).toEqual({ text: cells.get(e.source_line), zone: 'UTC' });
      expect(e.source_time).toBeNull();
    }
    expect(shown(events[0]!.id)!.text).toBe('2024-02-04 16:17:09');
  });

  it('a Google click template with offsets: the text is stored verbatim and has its own offset', async () => {
    const path = realWorld('gads_click_valid_sample.csv');
    const report = await load(path);
    const cells = cellsByLine(path, 'Conversion Time');
    const events = storedOf(report);
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(e.source_time).toBe(cells.get(e.source_line));
      expect(shown(e.id)).toEqual({ text: cells.get(e.source_line), zone: null });
    }
    expect(events[0]).toMatchObject({ source_time: '2026-05-20 14:30:00+08:00', event_time: '2026-05-20T06:30:00.000Z' });
  });

  it('Shopify: "Created at" with its offset, verbatim for every order (merged line items keep the first row\'s)', async () => {
    const path = realWorld('shopify_orders_export_devstore.csv');
    const report = await load(path, { eventName: 'purchase' });
    const cells = cellsByLine(path, 'Created at');
    const events = storedOf(report);
    expect(events).toHaveLength(19);
    for (const e of events) expect(e.source_time).toBe(cells.get(e.source_line));
    expect(events[0]).toMatchObject({ source_line: 2, source_time: cells.get(2), event_time: '2025-05-11T13:55:16.000Z' });
  });

  it('French local times read in the import zone; Meta\'s ISO times with Z kept as written', async () => {
    const fr = realWorld('gads_enhanced_fr_local_phones.csv');
    const report = await load(fr, { timezone: 'Europe/Paris', defaultCountry: 'FR', eventName: 'Closed won lead' });
    const cells = cellsByLine(fr, 'conversion_time');
    expect(storedOf(report)).toHaveLength(2);
    for (const e of storedOf(report)) expect(shown(e.id)).toEqual({ text: cells.get(e.source_line), zone: 'Europe/Paris' });

    const meta = realWorld('meta_offline_simple.csv');
    const metaReport = await load(meta);
    const metaCells = cellsByLine(meta, 'event_time');
    for (const e of storedOf(metaReport)) {
      expect(e.source_time).toBe(metaCells.get(e.source_line));
      expect(shown(e.id)).toEqual({ text: metaCells.get(e.source_line), zone: null });
    }
  });

  it('keeps what cannot be re-derived: DST gap and overlap hours, other layouts, spaces around the cell; re-derives the rest exactly', async () => {
    const rows = [
      ['2026-03-08 02:30:00', 'A-gap'], // does not exist in New York (clocks jump 02:00 → 03:00)
      ['2026-11-01 01:30:00', 'A-overlap-ok'], // exists twice; read as EDT, and re-derived as 01:30 from that instant
      ['2026-11-01 02:30:00', 'A-after'],
      ['2026-03-08 03:00:00', 'A-after-gap'],
      ['03/08/2026 1:05 PM', 'A-us'],
      [' 2026-07-04 12:00:00', 'A-space'],
      ['2026-07-04T12:00:00', 'A-iso-t'],
      ['2026-07-04 12:00', 'A-no-seconds'],
      ['1783166400', 'A-epoch'],
      ['2026-12-31 23:59:59', 'A-plain'],
    ];
    const path = join(tmp, 'dst.csv');
    writeFileSync(path, `Parameters:TimeZone=America/New_York\nConversion Time,Order ID,Google Click ID,Conversion Name\n${rows.map(([t, id]) => `"${t}",${id},gclid-${id},purchase`).join('\n')}\n`);
    const report = await load(path);
    const byOrder = new Map((ctx.db.prepare('SELECT transaction_id, id, source_time FROM conversion_events WHERE import_id = ?').all(report.id) as { transaction_id: string; id: string; source_time: string | null }[]).map((r) => [r.transaction_id, r]));
    for (const [text, id] of rows) {
      const e = byOrder.get(id!)!;
      expect(shown(e.id)!.text, id).toBe(text);
    }
    const stored = (id: string) => byOrder.get(id)!.source_time;
    expect([stored('A-gap'), stored('A-us'), stored('A-space'), stored('A-iso-t'), stored('A-no-seconds'), stored('A-epoch')]).toEqual([
      '2026-03-08 02:30:00', '03/08/2026 1:05 PM', ' 2026-07-04 12:00:00', '2026-07-04T12:00:00', '2026-07-04 12:00', '1783166400',
    ]);
    expect([stored('A-overlap-ok'), stored('A-after'), stored('A-after-gap'), stored('A-plain')]).toEqual([null, null, null, null]);
    expect(shown(byOrder.get('A-epoch')!.id)!.zone).toBeNull();
    expect(shown(byOrder.get('A-plain')!.id)!.zone).toBe('America/New_York');
  });

  it('update mode: the new time comes with its own text, even when the updated event keeps an import read in another zone', async () => {
    const path = join(tmp, 'update.csv');
    const write = (time: string) => writeFileSync(path, `Conversion Time,Order ID,Google Click ID,Conversion Name\n${time},U-1,gclid-u1,purchase\n`);
    write('2026-05-01 10:00:00');
    const first = await load(path, { timezone: 'Europe/Paris' });
    const [event] = storedOf(first);
    expect(shown(event!.id)).toEqual({ text: '2026-05-01 10:00:00', zone: 'Europe/Paris' });
    write('2026-05-02 11:00:00');
    const second = await load(path, { timezone: 'Asia/Tokyo', onDuplicate: 'update' });
    expect(second).toMatchObject({ updated: 1 });
    const after = ctx.db.prepare('SELECT import_id, event_time, source_time FROM conversion_events WHERE id = ?').get(event!.id);
    expect(after).toEqual({ import_id: first.id, event_time: '2026-05-02T02:00:00.000Z', source_time: '2026-05-02 11:00:00' });
    expect(shown(event!.id)!.text).toBe('2026-05-02 11:00:00');
  });

  it('an event not imported from a file has no file time; an unknown event is not_found', () => {
    const created = createEvent(ctx.db, { event_name: 'lead', event_id: 'by-hand-1' });
    expect(shown(created.id)).toBeNull();
    expect(() => shown('0190a0a0-0000-7000-8000-000000000000')).toThrow(/No event/);
  });

  it('the CLI import stores the same text (it shares the pipeline)', () => {
    const db = join(tmp, 'cli.db');
    const database = openDatabase(db);
    migrate(database, migrationsDir());
    database.close();
    const path = realWorld('gads_click_valid_sample.csv');
    const result = spawnSync(process.execPath, [join(__dirname, '..', '..', 'bin', 'convdesk.cjs'), '--db', db, 'import', path, '--json'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const check = openDatabase(db);
    try {
      const rows = check.prepare('SELECT source_time FROM conversion_events ORDER BY source_line').all() as { source_time: string }[];
      expect(rows.map((r) => r.source_time)).toEqual([...cellsByLine(path, 'Conversion Time').values()]);
    } finally {
      check.close();
    }
  });
});
