/**
 * Issue 11's defects, reproduced with the CLI as the issue did (`convdesk --db d.db import …`), on the
 * real-world exports: each of these failed on main before the import-fidelity work.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { migrate } from '../../src/main/db/migrate';
import { sha256Hex } from '../../src/main/identity';
import { migrationsDir } from '../../src/main/runtime';
import { updateSettings } from '../../src/main/settings/service';

const root = join(__dirname, '..', '..');
const realWorld = (name: string) => join(__dirname, '..', 'fixtures', 'real-world', name);
let tmp: string;
let serial = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-fidelity-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const freshDb = () => join(tmp, `d${++serial}.db`);
function cli(db: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'convdesk.cjs'), '--db', db, ...args], { encoding: 'utf8' });
}
function json(db: string, ...args: string[]) {
  const result = cli(db, ...args, '--json');
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown> & { warnings: { row: number; column: string; value: string; reason: string }[] };
}
function query<T>(db: string, sql: string, ...params: unknown[]): T {
  const database = openDatabase(db);
  try {
    return database.prepare(sql).get(...params) as T;
  } finally {
    database.close();
  }
}

describe('issue 11 from the CLI', () => {
  it('defect 1: --on-duplicate update keeps Shopify order #1001 at 1659.95 EUR (line-item rows and the default currency change nothing)', () => {
    const db = freshDb();
    const out = json(db, 'import', realWorld('shopify_orders_export_devstore.csv'), '--event-name', 'purchase', '--on-duplicate', 'update');
    expect(out).toMatchObject({ status: 'completed', rowsRead: 40, imported: 19, merged: 21, invalid: 0 });
    expect(query(db, "SELECT event_value_micros, currency FROM conversion_events WHERE transaction_id = '#1001'")).toEqual({ event_value_micros: 1_659_950_000, currency: 'EUR' });
    const again = json(db, 'import', realWorld('shopify_orders_export_devstore.csv'), '--event-name', 'purchase', '--on-duplicate', 'update', '--currency', 'USD');
    expect(again).toMatchObject({ updated: 19, merged: 21 });
    expect(query(db, "SELECT event_value_micros, currency FROM conversion_events WHERE transaction_id = '#1001'")).toEqual({ event_value_micros: 1_659_950_000, currency: 'EUR' });
    const text = cli(db, 'import', realWorld('shopify_orders_export_devstore.csv'), '--event-name', 'purchase');
    expect(text.stdout).toContain('40 rows → 19 events (21 rows with the event id of an earlier row, e.g. line items of one order, merged)');
  });

  it('defect 3: meta_offline_rich keeps its 1,000 rows for their valid emails; each bad phone is a warning with its masked value', () => {
    const db = freshDb();
    const out = json(db, 'import', realWorld('meta_offline_rich.csv'), '--default-country', 'US');
    expect(out).toMatchObject({ status: 'completed', rowsRead: 1000, imported: 1000, invalid: 0 });
    expect(out.warnings.length).toBe(out.warned);
    for (const w of out.warnings) expect(w).toMatchObject({ column: 'phone', value: expect.stringMatching(/\*\*\*/), reason: expect.stringMatching(/phone/) });
    const text = cli(db, 'import', realWorld('meta_offline_rich.csv'), '--default-country', 'US', '--on-duplicate', 'update');
    expect(text.stdout).toMatch(/Warnings \(rows kept\):\n {2}line \d+ \[phone\] "\+?\*\*\*\d\d": /);
  });

  it('defect 2 (import side) and --event-name: any conversion name is stored as given, its category from the names table', () => {
    const db = freshDb();
    json(db, 'import', realWorld('salesforce_opportunity_dataloader.csv'), '--event-name', 'Store purchase', '--timezone', 'UTC');
    expect(query(db, "SELECT conversion_name, event_name FROM conversion_events WHERE transaction_id = '006x0000001YtCrAAK'")).toEqual({ conversion_name: 'Store purchase', event_name: 'purchase' });
    json(db, 'import', realWorld('meta_offline_rich.csv'), '--default-country', 'US');
    expect(query(db, "SELECT count(*) AS n FROM conversion_events WHERE conversion_name = 'InitiateCheckout' AND event_name = 'custom'")).toEqual({ n: expect.any(Number) });
    expect(query<{ n: number }>(db, "SELECT count(*) AS n FROM conversion_events WHERE conversion_name = 'InitiateCheckout' AND event_name <> 'custom'").n).toBe(0);
  });

  it('defect 5: Salesforce opportunities with distinct IDs are not duplicates; duplicates of a re-import are listed with the existing event', () => {
    const db = freshDb();
    expect(json(db, 'import', realWorld('salesforce_opportunity_dataloader.csv'), '--event-name', 'Won', '--timezone', 'UTC')).toMatchObject({ imported: 38, duplicates: 0 });
    const again = json(db, 'import', realWorld('salesforce_opportunity_dataloader.csv'), '--event-name', 'Won', '--timezone', 'America/New_York');
    expect(again).toMatchObject({ imported: 0, duplicates: 38 });
    const listed = again.duplicateRows as { row: number; severity: string; relatedEventId: string }[];
    expect(listed).toHaveLength(38);
    expect(listed[0]).toMatchObject({ row: 2, severity: 'duplicate' });
    expect(query(db, 'SELECT source_line FROM conversion_events WHERE id = ?', listed[0]!.relatedEventId)).toEqual({ source_line: 2 });
  });

  it('defect 7: an explicit --mapping matches headers ignoring case and refuses a name that is not a header, listing the headers', () => {
    const db = freshDb();
    const mapping = JSON.stringify({ GCLID: 'gclid', CONVERSION_TIME: 'event_time', Value: 'value', CURRENCY: 'currency', toString: 'custom' });
    const refusedUnknown = cli(db, 'import', realWorld('gads_clicks_crm_label_noname.csv'), '--mapping', mapping, '--event-name', 'Deal', '--timezone', 'Europe/Berlin', '--json');
    expect(refusedUnknown.status).toBe(2);
    expect(refusedUnknown.stderr).toContain('The --mapping names "toString", which is not a header of this file; its headers are: "label", "gclid", "conversion_time", "value", "currency"');
    const ok = json(db, 'import', realWorld('gads_clicks_crm_label_noname.csv'), '--mapping', JSON.stringify({ GCLID: 'gclid', CONVERSION_TIME: 'event_time', Value: 'value', CURRENCY: 'currency' }), '--event-name', 'Deal', '--timezone', 'Europe/Berlin');
    expect(ok).toMatchObject({ imported: 2, invalid: 0 });
    expect(query(db, "SELECT count(*) AS n FROM conversion_events WHERE gclid LIKE 'Cj0KCQjw_ExampleGclid_%'")).toEqual({ n: 2 });
  });

  it('defect 8: rows no platform can match are counted and listed in the CLI JSON', () => {
    const db = freshDb();
    const out = json(db, 'import', realWorld('stripe_unified_payments_testmode.csv'), '--event-name', 'Payment');
    expect(out.preflight).toMatchObject({ unmatchable: 6, googleCannot: 6, metaCannot: 6 });
    expect(out.warnings.map((w) => w.row)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(out.warnings[0]!.reason).toMatch(/no platform can match this event/);
  });

  it('defect 9: a time-zone abbreviation is refused with the IANA zone meant', () => {
    const db = freshDb();
    const result = cli(db, 'import', realWorld('gads_clicks_crm_label_noname.csv'), '--event-name', 'Deal', '--timezone', 'EST');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/"EST" is an abbreviation, not a time zone .*America\/New_York/);
    expect(query(db, 'SELECT count(*) AS n FROM conversion_events')).toEqual({ n: 0 });
  });

  it('defect 10: every problem of a row, with its masked value, in the text report', () => {
    const db = freshDb();
    const result = cli(db, 'import', realWorld('gads_ecl_invalid_sample.csv'), '--timezone', 'UTC', '--default-country', 'US');
    expect(result.status).toBe(0);
    for (const line of ['line 2 [Conversion Value] "abc": is not a number', 'line 2 [Conversion Currency] "US": is not an ISO 4217 currency code', 'line 2 [Email] "b***": is not a valid email address', 'line 2 [Phone] "***": contains no digits']) {
      expect(result.stdout).toContain(line);
    }
  });

  it('the CLI takes Settings → Default country when --default-country is not given', () => {
    const db = freshDb();
    const database = openDatabase(db);
    migrate(database, migrationsDir());
    updateSettings(database, { defaultCountry: 'FR' });
    database.close();
    json(db, 'import', realWorld('gads_enhanced_fr_local_phones.csv'), '--event-name', 'Lead', '--timezone', 'Europe/Paris');
    expect(query(db, 'SELECT user_phone_hash FROM conversion_events WHERE source_line = 3')).toEqual({ user_phone_hash: sha256Hex('+33788112233') });
  });

  it('a header named __proto__ or conversion_name is a custom column like any other', () => {
    const db = freshDb();
    const path = join(tmp, 'keys.csv');
    writeFileSync(path, 'email,conversion time,__proto__,conversion_name,constructor\na@example.com,2026-03-01T10:00:00Z,p1,Not my name,c1\n');
    const mapping = '{"email":"email","conversion time":"event_time","__proto__":"custom","conversion_name":"custom","constructor":"custom"}';
    expect(json(db, 'import', path, '--mapping', mapping, '--event-name', 'Lead')).toMatchObject({ imported: 1 });
    expect(query(db, 'SELECT conversion_name, custom_params FROM conversion_events')).toEqual({
      conversion_name: 'Lead',
      custom_params: '{"__proto__":"p1","conversion_name":"Not my name","constructor":"c1"}',
    });
  });
});
