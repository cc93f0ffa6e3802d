import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { writeErrorRows } from '../../src/main/imports/errors-file';
import { type TestContext, useTestContext } from '../helpers/context';
import { count, fixture, importFile } from './helpers';

let ctx: TestContext;
let tmp: string;
useTestContext((c, t) => { ctx = c; tmp = t; }, (c) => importServiceForContext(c).shutdown());

describe('realistic files', () => {
  it('Google Ads template: Parameters:TimeZone line, consent, derived ids from order id', async () => {
    const preview = importServiceForContext(ctx).preview(importServiceForContext(ctx).files.register(fixture('google-ads-click.csv')));
    expect(preview).toMatchObject({ encoding: 'utf-8', delimiter: ',', hasHeader: true, timezone: 'America/New_York', lineEnding: 'lf' });
    const report = await importFile(ctx, fixture('google-ads-click.csv'), { timezone: 'Europe/Berlin' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 4, imported: 4, invalid: 0 });
    const first = ctx.db.prepare("SELECT * FROM conversion_events WHERE transaction_id = 'ORD-1001'").get() as Record<string, unknown>;
    // 14:30 New York (the file's zone wins over the option) = 19:30 UTC.
    expect(first).toMatchObject({ event_time: '2026-03-01T19:30:00.000Z', event_id: 'Offline purchase:ORD-1001', event_value_micros: 129_900_000, consent_ad_user_data: 'granted', gclid: 'Cj0KCQiA-example-gclid-0001', import_id: report.id });
    // A per-row offset wins over the zone.
    expect(ctx.db.prepare("SELECT event_time FROM conversion_events WHERE transaction_id = 'ORD-1002'").get()).toEqual({ event_time: '2026-03-01T14:05:12.000Z' });
  });

  it('Windows-1252 semicolon CRM export with accents and decimal commas', async () => {
    const imports = importServiceForContext(ctx);
    const preview = imports.preview(imports.files.register(fixture('crm-windows1252-semicolon.csv')));
    expect(preview).toMatchObject({ encoding: 'windows-1252', delimiter: ';', decimalComma: true, lineEnding: 'crlf' });
    expect(preview.headers).toContain('Währung');
    expect(preview.rows[0]).toContain('J***');
    expect(JSON.stringify(preview.rows)).not.toContain('Jürgen');
    const report = await importFile(ctx, fixture('crm-windows1252-semicolon.csv'), { timezone: 'Europe/Berlin', defaultCountry: 'DE', eventName: 'purchase' });
    expect(report).toMatchObject({ status: 'completed', imported: 3, invalid: 0 });
    const row = ctx.db.prepare("SELECT * FROM conversion_events WHERE transaction_id = 'B-5001'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ event_value_micros: 1_234_560_000, currency: 'EUR', event_time: '2026-03-01T13:30:00.000Z' });
    // Accented name decoded correctly before hashing: sha256("jürgen").
    const { sha256Hex } = await import('../../src/main/identity');
    expect(row.user_first_name_hash).toBe(sha256Hex('jürgen'));
  });

  it('UTF-16LE with BOM, tab-delimited', async () => {
    const report = await importFile(ctx, fixture('utf16le-bom.tsv'));
    expect(report).toMatchObject({ status: 'completed', imported: 2, invalid: 0 });
    expect(ctx.db.prepare("SELECT currency, event_value_micros FROM conversion_events WHERE transaction_id = 'SE-1'").get()).toEqual({ currency: 'SEK', event_value_micros: 499_000_000 });
  });

  it('Meta-style file: unix times, event ids, a repeated event id in the file is the same event (merged)', async () => {
    const report = await importFile(ctx, fixture('meta-offline.csv'));
    expect(report).toMatchObject({ status: 'completed', rowsRead: 3, imported: 2, merged: 1, duplicates: 0, invalid: 0 });
    const row = ctx.db.prepare("SELECT * FROM conversion_events WHERE event_id = 'meta-evt-1'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ user_ip: '203.0.113.7', fbc: 'fb.1.1554763741205.AbCdEf', currency: 'GBP', event_name: 'purchase' });
    expect(row.meta_last_name_hash).not.toBe(row.user_last_name_hash); // O'Brien: Meta strips punctuation
  });

  it('HubSpot, Salesforce and Shopify exports import with auto-mapping (Shopify line items dedup by order)', async () => {
    expect(await importFile(ctx, fixture('hubspot-deals.csv'), { timezone: 'UTC', eventName: 'purchase' })).toMatchObject({ imported: 1, invalid: 0 });
    expect(await importFile(ctx, fixture('salesforce-opps.csv'), { timezone: 'UTC', eventName: 'purchase' })).toMatchObject({ imported: 1, invalid: 0 });
    expect(await importFile(ctx, fixture('shopify-orders.csv'), { eventName: 'purchase' })).toMatchObject({ imported: 1, merged: 1, duplicates: 0, invalid: 0 });
    expect(count(ctx, "gclid = 'Cj0KCQiA-sf'")).toBe(1);
  });
});

describe('bad input gives per-row or per-file errors', () => {
  it('reports each bad row with its physical line, column and reason', async () => {
    const report = await importFile(ctx, fixture('bad-rows.csv'));
    const byRow = Object.fromEntries(report.errors.map((e) => [e.row, e]));
    expect(byRow[3]!.reason).toMatch(/has 3 fields, but the header has 7/);
    // A bad email or phone beside a good one: dropped with a warning, the row is kept.
    expect(byRow[5]).toMatchObject({ severity: 'warning', column: 'email', reason: 'is not a valid email address; dropped from this row (the row is kept)' });
    expect(byRow[6]).toMatchObject({ severity: 'warning', column: 'phone', value: '+***15' });
    expect(byRow[7]).toMatchObject({ column: 'currency', reason: expect.stringMatching(/ISO 4217/) });
    expect(byRow[8]).toMatchObject({ column: 'conversion time', reason: expect.stringMatching(/not a real date/) });
    expect(byRow[9]!.reason).toMatch(/negative/);
    expect(byRow[10]!.reason).toMatch(/not a number/);
    expect(byRow[14]!.reason).toMatch(/has 8 fields/);
    expect(byRow[15]!.reason).toMatch(/NUL/);
    expect(byRow[16]).toMatchObject({ severity: 'warning', column: 'email' });
    expect(byRow[18]!.reason).toMatch(/unclosed quote.*line 18/);
    // Line 11-12 is one row with a quoted newline; line 13 repeats order B-1 of line 2 (same file: merged).
    expect(report).toMatchObject({ status: 'completed', imported: 6, merged: 1, duplicates: 0, invalid: 8, warned: 4 });
    expect(byRow[13]).toMatchObject({ severity: 'warning', column: 'order id', reason: expect.stringMatching(/^has the event id of line 2 but a different email, phone: merged/) });
    expect(count(ctx, "transaction_id = 'B-9'")).toBe(1);
    expect(count(ctx, "transaction_id = 'B-13'")).toBe(1);
  });

  it('header-only file completes with zero rows; empty and binary files fail clearly', async () => {
    expect(await importFile(ctx, fixture('header-only.csv'), { timezone: 'UTC', eventName: 'lead' })).toMatchObject({ status: 'completed', rowsRead: 0, imported: 0 });
    const imports = importServiceForContext(ctx);
    expect(() => imports.preview(imports.files.register(fixture('empty.csv')))).toThrow(/empty/);
    expect(() => imports.preview(imports.files.register(fixture('binary-xlsx-renamed.csv')))).toThrow(/Excel .xlsx/);
    expect(() => imports.preview(imports.files.register(fixture('binary-noise.csv')))).toThrow(/binary/);
  });

  it('a 1 MB field is a row error, and the rows after it still import', async () => {
    const path = join(tmp, 'big-field.csv');
    writeFileSync(path, `email,conversion time,order id\na@example.com,2026-03-01T10:00:00Z,${'x'.repeat(1_100_000)}\nb@example.com,2026-03-01T10:00:00Z,B-2\n`);
    const report = await importFile(ctx, path, { eventName: 'lead' });
    expect(report.errors).toEqual([expect.objectContaining({ row: 2, reason: expect.stringMatching(/field 3 is longer than 1048576/) })]);
    expect(report.imported).toBe(1);
  });

  it('on-duplicate error and update policies', async () => {
    await importFile(ctx, fixture('google-ads-click.csv'));
    const again = await importFile(ctx, fixture('google-ads-click.csv'));
    expect(again).toMatchObject({ imported: 0, duplicates: 4 }); // derived ids are deterministic: no double count
    const strict = await importFile(ctx, fixture('google-ads-click.csv'), { onDuplicate: 'error' });
    expect(strict).toMatchObject({ imported: 0, invalid: 4 });
    expect(strict.errors[0]!.reason).toMatch(/already in the database/);
    ctx.db.prepare("UPDATE conversion_events SET event_value_micros = 1 WHERE transaction_id = 'ORD-1001'").run();
    const update = await importFile(ctx, fixture('google-ads-click.csv'), { onDuplicate: 'update' });
    expect(update).toMatchObject({ imported: 0, updated: 4 });
    expect(ctx.db.prepare("SELECT event_value_micros FROM conversion_events WHERE transaction_id = 'ORD-1001'").get()).toEqual({ event_value_micros: 129_900_000 });
  });
});

describe('atomicity, cancel, undo, presets, error file', () => {
  function bigFile(rows: number): string {
    const path = join(tmp, `big-${rows}.csv`);
    let text = 'email,conversion time,order id,value\n';
    for (let i = 0; i < rows; i++) text += `user${i}@example.com,2026-03-01T10:00:00Z,O-${i},${i % 100}.50\n`;
    writeFileSync(path, text);
    return path;
  }

  it('cancelling leaves no events and marks the import cancelled', async () => {
    const imports = importServiceForContext(ctx);
    const file = imports.files.register(bigFile(200_000));
    const preview = imports.preview(file);
    const progress: number[] = [];
    ctx.push.add((event, payload) => {
      if (event === 'import:progress') progress.push((payload as { rowsDone: number }).rowsDone);
    });
    const { importId } = imports.start(file, preview.suggestedMapping, { eventName: 'purchase' });
    await new Promise<void>((resolve) => {
      const unsubscribe = ctx.push.add((event, payload) => {
        if (event === 'import:progress' && (payload as { rowsDone: number }).rowsDone > 0) {
          unsubscribe();
          resolve();
        }
      });
    });
    expect(imports.cancel(importId)).toEqual({ cancelled: true });
    const report = await imports.wait(importId);
    expect(report.status).toBe('cancelled');
    expect(count(ctx)).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('a leftover running import is cleaned at the next start', async () => {
    const { recoverInterruptedImports } = await import('../../src/main/imports/repo');
    ctx.db.prepare("INSERT INTO imports (id, file_name, file_size, status) VALUES ('crashed', 'x.csv', 1, 'running')").run();
    expect(recoverInterruptedImports(ctx.db)).toBe(1);
    expect(ctx.db.prepare("SELECT status FROM imports WHERE id = 'crashed'").get()).toEqual({ status: 'failed' });
  });

  it('undo deletes exactly that import, and is refused when an event was sent', async () => {
    const imports = importServiceForContext(ctx);
    const a = await importFile(ctx, fixture('google-ads-click.csv'));
    const b = await importFile(ctx, fixture('meta-offline.csv'));
    expect(await imports.undo(a.id)).toEqual({ deleted: 4 });
    expect(count(ctx)).toBe(2);
    expect(imports.get(a.id).status).toBe('undone');
    ctx.db.prepare("UPDATE conversion_events SET sync_status = 'sent' WHERE event_id = 'meta-evt-1'").run();
    await expect(imports.undo(b.id)).rejects.toThrow(/already sent/);
    expect(count(ctx)).toBe(2);
  });

  it('a saved preset is picked automatically for the same header set', async () => {
    const imports = importServiceForContext(ctx);
    const file = imports.files.register(fixture('crm-windows1252-semicolon.csv'));
    const preview = imports.preview(file);
    expect(preview.preset).toBeNull();
    const mapping = { columns: preview.suggestedMapping.columns.map((t, i) => (i === 0 ? ('custom' as const) : t)) };
    imports.savePreset({ name: 'CRM weekly', headers: preview.headers, mapping });
    const again = imports.preview(imports.files.register(fixture('crm-windows1252-semicolon.csv')));
    expect(again.preset).toMatchObject({ name: 'CRM weekly' });
    expect(again.suggestedMapping).toEqual(mapping);
    expect(imports.listPresets().map((p) => p.name)).toEqual(['CRM weekly']);
  });

  it('saves refused rows with original cells, formula-escaped, with the reason (rows kept with warnings are not in it)', async () => {
    const report = await importFile(ctx, fixture('bad-rows.csv'));
    const out = join(tmp, 'errors.csv');
    expect(writeErrorRows(ctx.db, report.id, out)).toEqual({ rows: 8 });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('ok9@example.com'); // line 14: one field too many
    expect(text).not.toContain('bad-email');
    expect(text).toMatch(/,7,currency: is not an ISO 4217 currency code/);
    // Strict: all-or-nothing rows, so the bad identifiers refuse their rows too.
    const strict = await importFile(ctx, fixture('bad-rows.csv'), { strict: true, onDuplicate: 'update' });
    expect(strict).toMatchObject({ invalid: 11, warned: 1 }); // line 13's merge
    const strictOut = join(tmp, 'errors-strict.csv');
    expect(writeErrorRows(ctx.db, strict.id, strictOut)).toEqual({ rows: 11 });
    const strictText = readFileSync(strictOut, 'utf8');
    expect(strictText).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(strictText).toMatch(/,5,email: is not a valid email address/);
  });

  it('refuses to save error rows when the source file changed since the import (line numbers would be wrong)', async () => {
    const copy = join(tmp, 'bad-rows-copy.csv');
    copyFileSync(fixture('bad-rows.csv'), copy);
    const report = await importFile(ctx, copy);
    appendFileSync(copy, 'late@example.com,+14155550199,purchase,2026-03-02 10:00:00+0000,1.00,USD,LATE-1\n');
    const out = join(tmp, 'errors-stale.csv');
    expect(() => writeErrorRows(ctx.db, report.id, out)).toThrow(/has changed since it was imported/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('privacy', () => {
  // 'always': the bulk load (dropped indexes, CREATE INDEX sorting through temp files) must not leak either.
  it.each(['auto', 'always'])('raw personal values never reach the database, WAL, imports rows or temp files (index rebuild: %s)', async (rebuild) => {
    process.env.CONVDESK_IMPORT_REBUILD_INDEXES = rebuild;
    const canaries = ['canary.zq7@example.com', '+14155550177', 'Zqcanaryfirst', 'Zqcanarylast'];
    const path = join(tmp, 'canary.csv');
    writeFileSync(path, `Email,Phone Number,First Name,Last Name,Conversion Time,Order ID\n${canaries.join(',')},2026-03-01T10:00:00Z,C-1\nbad.zq8-canary,+14155550178,Zqbadfirst,Zqbadlast,2026-03-01T10:00:00Z,C-2\n`);
    const before = new Set(readdirSync(tmpdir()));
    const report = await importFile(ctx, path, { eventName: 'lead' }).finally(() => delete process.env.CONVDESK_IMPORT_REBUILD_INDEXES);
    // The bad email is dropped with a (masked) warning; the row keeps its phone and names.
    expect(report).toMatchObject({ imported: 2, invalid: 0, warned: 1 });
    const files = readdirSync(ctx.dataDir).map((f) => join(ctx.dataDir, f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    // Other test files (and other checkouts on a shared machine) create their own contexts meanwhile.
    const newTemp = readdirSync(tmpdir()).filter((f) => !before.has(f) && !f.startsWith('convdesk-import-test-') && !f.startsWith('convdesk-test-'));
    for (const f of [...files]) {
      const bytes = readFileSync(f);
      for (const canary of [...canaries, 'bad.zq8-canary', 'Zqbadfirst', 'Zqbadlast', '4155550178']) {
        expect(bytes.includes(Buffer.from(canary)), `${canary} in ${f}`).toBe(false);
        expect(bytes.includes(Buffer.from(canary.toLowerCase())), `${canary} in ${f}`).toBe(false);
      }
    }
    // Other test files (and other checkouts) create their own temp folders meanwhile, so look inside
    // every new temp entry for the canaries rather than judging by name.
    for (const entry of newTemp.flatMap((f) => filesUnder(join(tmpdir(), f)))) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(entry);
      } catch {
        continue; // removed meanwhile by whoever made it
      }
      for (const canary of [...canaries, 'bad.zq8-canary', 'Zqbadfirst']) expect(bytes.includes(Buffer.from(canary)), `${canary} in ${entry}`).toBe(false);
    }
  });
});

describe('mapper threads', () => {
  it('mapping on worker threads gives the same events and errors as in-thread mapping', async () => {
    const inThread = await importFile(ctx, fixture('bad-rows.csv'));
    const rowsA = ctx.db.prepare('SELECT event_id, user_email_hash, meta_phone_hash, event_time, event_value_micros FROM conversion_events ORDER BY event_id').all();
    ctx.db.prepare('DELETE FROM conversion_events').run();
    process.env.CONVDESK_IMPORT_MAPPERS = '2';
    try {
      const pooled = await importFile(ctx, fixture('bad-rows.csv'));
      // relatedEventId names the event a merged row went into: a new id in each run.
      const comparable = (r: typeof inThread) => ({ ...r, id: '', startedAt: '', finishedAt: '', errors: r.errors.map((e) => ({ ...e, relatedEventId: e.relatedEventId ? 'x' : undefined })) });
      expect(comparable(pooled)).toEqual(comparable(inThread));
      expect(ctx.db.prepare('SELECT event_id, user_email_hash, meta_phone_hash, event_time, event_value_micros FROM conversion_events ORDER BY event_id').all()).toEqual(rowsA);
    } finally {
      delete process.env.CONVDESK_IMPORT_MAPPERS;
    }
  });
});

describe('recovery while another process imports', () => {
  it('leaves a running import alone while its writer holds the lock', async () => {
    const { openDatabase } = await import('../../src/main/db/connection');
    const { recoverInterruptedImports } = await import('../../src/main/imports/repo');
    ctx.db.prepare("INSERT INTO imports (id, file_name, file_size, status) VALUES ('live', 'x.csv', 1, 'running')").run();
    const writer = openDatabase(ctx.dbPath);
    writer.exec('BEGIN IMMEDIATE');
    try {
      expect(recoverInterruptedImports(ctx.db)).toBe(0);
      expect(ctx.db.prepare("SELECT status FROM imports WHERE id = 'live'").get()).toEqual({ status: 'running' });
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    expect(recoverInterruptedImports(ctx.db)).toBe(1);
  });
});

/** Regular files under a path (the path itself when it is one); entries that vanish meanwhile are skipped. */
function filesUnder(path: string): string[] {
  try {
    const stat = statSync(path);
    if (stat.isFile()) return stat.size < 64 * 1024 * 1024 ? [path] : [];
    if (!stat.isDirectory()) return [];
    return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
  } catch {
    return [];
  }
}
