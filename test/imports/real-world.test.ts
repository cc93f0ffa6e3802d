/**
 * Issue 11: every export in test/fixtures/real-world/ (written by others: Google Ads, Meta, Shopify,
 * WooCommerce, Stripe, Salesforce, HubSpot) through the real worker pipeline, with values checked by
 * hand against the files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/main/identity';
import { importServiceForContext } from '../../src/main/imports/handlers';
import type { ImportOptionsInput, ImportReport } from '../../src/shared/domain/imports';
import { type TestContext, useTestContext } from '../helpers/context';
import { count, importFile } from './helpers';

export const REAL_WORLD = join(__dirname, '..', 'fixtures', 'real-world');
export const realWorld = (name: string) => join(REAL_WORLD, name);

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

type Row = Record<string, unknown>;
const event = (where: string, ...params: unknown[]) => ctx.db.prepare(`SELECT * FROM conversion_events WHERE ${where}`).get(...params) as Row;
const importOf = (report: ImportReport) => (where: string, ...params: unknown[]) => event(`import_id = ? AND ${where}`, report.id, ...params);
const bySeverity = (report: ImportReport, severity: string) => report.errors.filter((e) => (e.severity ?? 'error') === severity);
const load = (name: string, options: ImportOptionsInput = {}) => importFile(ctx, realWorld(name), options);

/** Marks the corpus file a test covers; the last test holds these marks to the folder's content. */
const file = (name: string) => name;

describe('shop exports: one order over several line-item rows is one event', () => {
  it('Shopify: 40 rows → 19 orders, #1001 = 1659.95 EUR from its first row; update mode keeps it', async () => {
    const name = file('shopify_orders_export_devstore.csv');
    const report = await load(name, { eventName: 'purchase', currency: 'USD' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 40, imported: 19, merged: 21, duplicates: 0, invalid: 0 });
    const first = importOf(report)('transaction_id = ?', '#1001');
    expect(first).toMatchObject({ event_value_micros: 1_659_950_000, currency: 'EUR', event_time: '2025-05-11T13:55:16.000Z', conversion_name: 'purchase', event_name: 'purchase', source_line: 2 });
    expect(importOf(report)('transaction_id = ?', '#1002')).toMatchObject({ event_value_micros: 1_615_900_000, currency: 'EUR', source_line: 6 });
    // The orders carry no email or phone: imported, and the pre-flight says no platform can match them.
    expect(report.preflight).toMatchObject({ unmatchable: 10 });
    expect(bySeverity(report, 'warning').filter((w) => /no platform can match/.test(w.reason)).map((w) => w.row)).toContain(2);

    // Issue 11 defect 1: update mode with the import's default currency and blank line-item cells.
    const update = await load(name, { eventName: 'purchase', currency: 'USD', onDuplicate: 'update' });
    expect(update).toMatchObject({ status: 'completed', imported: 0, updated: 19, merged: 21, invalid: 0 });
    expect(event('transaction_id = ?', '#1001')).toMatchObject({ event_value_micros: 1_659_950_000, currency: 'EUR', import_id: report.id, source_line: 2 });
    expect(count(ctx)).toBe(19);
    const skip = await load(name, { eventName: 'purchase' });
    expect(skip).toMatchObject({ imported: 0, duplicates: 19, merged: 21 });
    expect(bySeverity(skip, 'duplicate')[0]).toMatchObject({ row: 2, value: 'purchase:#1001', relatedEventId: first.id, reason: expect.stringMatching(/line 2 of its file/) });
  });

  it('WooCommerce: the currency comes from order_currency, never the import default; 101 rows → 50 orders', async () => {
    const name = file('woocommerce_orders_export_synthetic.csv');
    const imports = importServiceForContext(ctx);
    const preview = imports.preview(imports.files.register(realWorld(name)));
    const target = (header: string) => preview.suggestedMapping.columns[preview.headers.indexOf(header)];
    expect([target('order_number'), target('order_date'), target('order_currency'), target('order_total'), target('customer_email')]).toEqual(['transaction_id', 'event_time', 'currency', 'value', 'email']);
    expect([target('billing_first_name'), target('billing_city'), target('billing_state'), target('billing_postcode'), target('billing_country'), target('billing_phone')]).toEqual([
      'first_name', 'city', 'state', 'zip', 'country', 'phone',
    ]);
    const report = await load(name, { eventName: 'Web order', currency: 'EUR', timezone: 'America/Los_Angeles', defaultCountry: 'US' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 101, imported: 50, merged: 51, invalid: 0 });
    expect(count(ctx, "currency <> 'USD'")).toBe(0);
    expect(event('transaction_id = ?', '10001')).toMatchObject({
      event_value_micros: 855_250_000, currency: 'USD', conversion_name: 'Web order', event_name: 'custom', event_time: '2026-04-27T04:32:57.000Z',
      user_email_hash: sha256Hex('ryan.moore82@example.com'), user_first_name_hash: sha256Hex('ryan'),
    });
    const update = await load(name, { eventName: 'Web order', currency: 'EUR', timezone: 'America/Los_Angeles', defaultCountry: 'US', onDuplicate: 'update' });
    expect(update).toMatchObject({ updated: 50, imported: 0 });
    expect(event('transaction_id = ?', '10001')).toMatchObject({ event_value_micros: 855_250_000, currency: 'USD' });
  });

  it('Stripe: the time is "Created date (UTC)" read as UTC whatever the import zone; ids are the charge ids', async () => {
    const name = file('stripe_unified_payments_testmode.csv');
    const imports = importServiceForContext(ctx);
    const preview = imports.preview(imports.files.register(realWorld(name)));
    expect(preview.timezone).toBe('UTC');
    expect(preview.suggestedMapping.columns[preview.headers.indexOf('Created date (UTC)')]).toBe('event_time');
    expect(preview.suggestedMapping.columns[preview.headers.indexOf('id')]).toBe('transaction_id');
    const report = await load(name, { eventName: 'Payment', timezone: 'America/New_York' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 6, imported: 6, invalid: 0 });
    expect(event('transaction_id = ?', 'ch_3Og8NVEIzUeqNk3Z19OdxJ8e')).toMatchObject({ event_time: '2024-02-04T16:17:09.000Z', event_value_micros: 40_000_000, currency: 'USD' });
  });
});

describe('CRM exports', () => {
  it('Salesforce opportunities: 38 distinct IDs are 38 events (same date and amount are not duplicates); other options find the same events', async () => {
    const name = file('salesforce_opportunity_dataloader.csv');
    const report = await load(name, { eventName: 'Closed won', timezone: 'UTC' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 38, imported: 38, duplicates: 0, merged: 0, invalid: 0 });
    expect(event('transaction_id = ?', '006x0000001YtCrAAK')).toMatchObject({ event_value_micros: 500_000_000_000, event_time: '2005-11-09T00:00:00.000Z', source_line: 2 });
    // Issue 11 defect 5: the same file with another time zone is the same 38 events.
    const again = await load(name, { eventName: 'Closed won', timezone: 'Asia/Tokyo' });
    expect(again).toMatchObject({ imported: 0, duplicates: 38 });
    expect(count(ctx)).toBe(38);
  });

  it('Salesforce Data Loader file in UTF-16LE with BOM: decoded; no time column, so the import asks for one', async () => {
    const name = file('salesforce_dataloader_utf16le_bom.csv');
    const imports = importServiceForContext(ctx);
    const ref = imports.files.register(realWorld(name));
    const preview = imports.preview(ref);
    expect(preview).toMatchObject({ encoding: 'utf-16le', hasBom: true, headers: ['column1', 'column2', 'column3'] });
    expect(preview.rows).toEqual([['row1-1', 'row1-2', 'row1-3'], ['row2-1', 'row2-2', 'row2-3']]);
    expect(() => imports.start(ref, preview.suggestedMapping, { eventName: 'lead' })).toThrow(/Map a column to Event time/);
  });

  it('HubSpot contact import (first name, email; no time): mapped, and the import asks for a time column', async () => {
    const name = file('hubspot_import_emails.csv');
    const imports = importServiceForContext(ctx);
    const ref = imports.files.register(realWorld(name));
    const preview = imports.preview(ref);
    expect(preview.suggestedMapping.columns).toEqual(['first_name', 'email']);
    expect(() => imports.start(ref, preview.suggestedMapping, { eventName: 'lead' })).toThrow(/Map a column to Event time/);
    expect(count(ctx)).toBe(0);
  });
});

describe('Google Ads templates', () => {
  it('click conversions: the file\'s conversion names are kept; the offsets are honoured; Meta cannot take gclid-only rows', async () => {
    const report = await load(file('gads_click_valid_sample.csv'));
    expect(report).toMatchObject({ status: 'completed', rowsRead: 3, imported: 3, invalid: 0 });
    expect(event('transaction_id = ?', 'ORDER-1001')).toMatchObject({
      conversion_name: 'Qualified lead', event_name: 'lead', gclid: 'EAIaIQobChMIvalidGclid01', event_time: '2026-05-20T06:30:00.000Z', event_value_micros: 125_500_000, currency: 'USD',
    });
    expect(event('transaction_id = ?', 'ORDER-1003')).toMatchObject({ conversion_name: 'Booked consultation', event_name: 'custom', event_value_micros: 0 });
    expect(report.preflight).toMatchObject({ unmatchable: 0, googleCannot: 0, metaCannot: 3 });
  });

  it('click conversions from a CRM without a conversion name: refused row by row, imported with --event-name', async () => {
    const name = file('gads_clicks_crm_label_noname.csv');
    const refused = await load(name, { timezone: 'Europe/Berlin' });
    expect(refused).toMatchObject({ imported: 0, invalid: 2 });
    expect(refused.errors[0]).toMatchObject({ row: 2, severity: 'error', reason: expect.stringMatching(/no conversion name/) });
    const report = await load(name, { timezone: 'Europe/Berlin', eventName: 'Closed deal' });
    expect(report).toMatchObject({ imported: 2, invalid: 0 });
    expect(event('gclid = ?', 'Cj0KCQjw_ExampleGclid_0001')).toMatchObject({ conversion_name: 'Closed deal', event_value_micros: 4_800_000_000, currency: 'EUR', event_time: '2026-07-14T08:12:00.000Z' });
  });

  it('enhanced conversions for leads with every kind of bad row: each problem of a row is reported', async () => {
    const report = await load(file('gads_ecl_invalid_sample.csv'), { timezone: 'UTC', defaultCountry: 'US' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 6, imported: 3, invalid: 3 });
    const line = (n: number) => report.errors.filter((e) => e.row === n && e.severity === 'error').map((e) => [e.column, e.value, e.reason]);
    expect(line(2)).toEqual([
      ['Conversion Value', 'abc', 'is not a number'],
      ['Conversion Currency', 'US', 'is not an ISO 4217 currency code'],
      ['Email', 'b***', 'is not a valid email address'],
      ['Phone', '***', 'contains no digits'],
      [null, null, 'has no usable identifier left to match on (every one given was invalid)'],
    ]);
    expect(line(3)).toEqual([['Conversion Name', '', expect.stringMatching(/no conversion name/)]]);
    expect(line(4).map((e) => e[0])).toEqual(['Conversion Time', 'Conversion Value', 'Email']);
    // Line 5 has no identifier at all: kept, and the pre-flight names it.
    expect(report.preflight).toMatchObject({ unmatchable: 1 });
    expect(bySeverity(report, 'warning')).toContainEqual(expect.objectContaining({ row: 5, reason: expect.stringMatching(/no platform can match/) }));
    expect(event('transaction_id = ?', 'ORDER-2005')).toMatchObject({ conversion_name: 'Qualified lead', user_email_hash: sha256Hex('jane@example.com'), user_phone_hash: sha256Hex('+14155552671') });
  });

  it('French local phone numbers with the default country FR', async () => {
    const report = await load(file('gads_enhanced_fr_local_phones.csv'), { timezone: 'Europe/Paris', defaultCountry: 'FR', eventName: 'Closed won lead' });
    // 06 39 98 76 01 is outside France's allocated mobile ranges: dropped with a warning, the email kept.
    expect(report).toMatchObject({ status: 'completed', imported: 2, invalid: 0, warned: 1 });
    expect(report.errors).toContainEqual(expect.objectContaining({ row: 2, severity: 'warning', column: 'phone', value: '***01' }));
    expect(event('source_line = 2 AND conversion_name = ?', 'Closed won lead')).toMatchObject({
      user_phone_hash: null, user_email_hash: sha256Hex('jane.doe@example.com'), event_value_micros: 2_400_000_000, currency: 'EUR', event_time: '2026-07-14T08:12:00.000Z',
    });
    expect(event('source_line = 3')).toMatchObject({ user_email_hash: null, user_phone_hash: sha256Hex('+33788112233') });
  });
});

describe('Meta files', () => {
  it('offline events, rich: 1,000 rows kept for their valid emails although most phones are bad (warnings), LDU stored, names kept', async () => {
    const report = await load(file('meta_offline_rich.csv'), { defaultCountry: 'US' });
    expect(report).toMatchObject({ status: 'completed', rowsRead: 1000, imported: 1000, invalid: 0 });
    const warnings = bySeverity(report, 'warning').filter((w) => w.column === 'phone');
    expect(warnings.length).toBe(report.warned);
    for (const w of warnings) expect(w).toMatchObject({ value: expect.stringMatching(/^\+?\*\*\*(\d\d)?$/), reason: expect.stringMatching(/; dropped from this row \(the row is kept\)$/) });
    expect(event('source_line = 2')).toMatchObject({
      conversion_name: 'CompleteRegistration', event_name: 'signup', meta_email_hash: sha256Hex('rfwesmcixt_1472790449@tfbnw.net'), event_time: '2018-02-13T10:19:00.000Z',
      event_value_micros: null, transaction_id: 'Order-B2185231DF', data_processing_options: '["LDU"]', dpo_country: 1, dpo_state: 1000,
      // Address fields (identity's rules): Meta hashes all of them; Google takes region and postal code in clear.
      meta_city_hash: sha256Hex('sanfrancisco'), meta_state_hash: sha256Hex('ca'), meta_zip_hash: sha256Hex('94115'), meta_country_hash: sha256Hex('us'),
      meta_dob_hash: sha256Hex('19800722'), google_region_code: 'US', google_postal_code: '94115',
    });
    expect(event('source_line = 3')).toMatchObject({ conversion_name: 'InitiateCheckout', event_name: 'custom', event_value_micros: 608_970_000, currency: 'USD', data_processing_options: '["LDU"]' });
    expect(count(ctx, "conversion_name = 'InitiateCheckout' AND event_name = 'purchase'")).toBe(0);
  });

  it('offline events, dirty: pre-hashed values are Meta\'s (the file is a Meta upload file) and stay out of Google\'s columns', async () => {
    const report = await load(file('meta_offline_dirty.csv'), { defaultCountry: 'US' });
    expect(report.status).toBe('completed');
    expect(report.rowsRead).toBe(1000);
    expect(report.imported + report.invalid + report.merged).toBe(1000);
    expect(report.preflight?.prehashed).toMatchObject({ platform: 'meta' });
    // Line 2: phone and zip pre-hashed.
    expect(event('source_line = 2')).toMatchObject({
      meta_phone_hash: '13f57d4e0f9357806ae1ab7da5b707c40c770f1d0185d86b5ab2401743d6bc9a', user_phone_hash: null, meta_email_hash: sha256Hex('jpfsrssitf_1472791094@tfbnw.net'),
      conversion_name: 'PURCHASE', event_name: 'purchase', event_value_micros: 657_320_000,
    });
    expect(count(ctx, 'user_email_hash IS NULL AND meta_email_hash IS NOT NULL') + count(ctx, 'user_phone_hash IS NULL AND meta_phone_hash IS NOT NULL')).toBeGreaterThan(0);
    // Rows with nothing usable left are refused with every reason; others keep their valid identifiers.
    expect(report.errors.filter((e) => e.row === 8).map((e) => e.reason)).toEqual([expect.stringMatching(/phone number/), expect.stringMatching(/no usable identifier left/)]);
    expect(report.preflight!.googleCannot).toBeGreaterThan(report.preflight!.unmatchable);
  });

  it('CAPI export with dotted headers: value, currency, fbc, fbp, IP and user agent are mapped', async () => {
    const name = file('meta_capi_sse_events.csv');
    const imports = importServiceForContext(ctx);
    const preview = imports.preview(imports.files.register(realWorld(name)));
    const mapped = Object.fromEntries(preview.headers.map((h, i) => [h, preview.suggestedMapping.columns[i]]));
    expect(mapped).toMatchObject({
      'user.email': 'email', 'user.phone': 'phone', 'user.gender': 'gender', 'user.client_ip_address': 'user_ip', 'user.client_user_agent': 'user_agent',
      'user.fbc': 'fbc', 'user.fbp': 'fbp', 'custom.value': 'value', 'custom.currency': 'currency', action_source: 'source',
    });
    expect(preview.prehashedFor).toBe('meta');
    const report = await load(name, { defaultCountry: 'US' });
    expect(report).toMatchObject({ imported: 1, invalid: 0 });
    expect(event('1 = 1')).toMatchObject({
      conversion_name: 'Purchase', event_name: 'purchase', event_value_micros: 140_120_000, currency: 'USD', event_time: '2021-07-27T17:24:30.000Z',
      fbc: 'fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890', fbp: 'fb.1.1558571054389.1098115397', user_ip: '10.1.2.3', user_agent: 'UserAgentString',
      meta_email_hash: sha256Hex('joe@example.com'), meta_phone_hash: sha256Hex('16505551212'), meta_gender_hash: sha256Hex('m'), source: 'website',
    });
  });

  it('CAPI offline export: three purchases sharing one order id are one event, and the merge says what was not kept', async () => {
    const report = await load(file('meta_capi_offline_export.csv'), { defaultCountry: 'US' });
    expect(report).toMatchObject({ rowsRead: 3, imported: 1, merged: 2, invalid: 0 });
    const conflicts = bySeverity(report, 'warning').filter((w) => /has the event id of line 2/.test(w.reason));
    expect(conflicts.map((w) => w.row)).toEqual([3, 4]);
    expect(conflicts[0]!.reason).toMatch(/different time, value, email/);
    expect(event('1 = 1')).toMatchObject({ event_value_micros: 20_000_000, meta_email_hash: sha256Hex('johndoe@gmail.com'), event_time: '2024-05-10T00:58:24.000Z' });
  });

  it('Meta\'s example events file: repeated email/phone columns are named in the preview; the repeated last row is merged', async () => {
    const name = file('meta_offline_example_events_file.csv');
    const imports = importServiceForContext(ctx);
    const preview = imports.preview(imports.files.register(realWorld(name)));
    expect(preview.warnings).toContain('Column 2 "email" repeats column 1; only the first is imported (map it to Custom param to keep it).');
    const report = await load(name, { defaultCountry: 'US' });
    expect(report).toMatchObject({ rowsRead: 10, imported: 9, merged: 1, invalid: 0 });
    expect(event('source_line = 2')).toMatchObject({ conversion_name: 'Purchase', meta_email_hash: sha256Hex('elizabetho@fb.com'), event_value_micros: 15_000_000, event_time: '2018-07-12T03:21:48.000Z' });
  });

  it('simple offline events: 1,000 leads, one repeated row merged', async () => {
    const report = await load(file('meta_offline_simple.csv'));
    expect(report).toMatchObject({ rowsRead: 1000, imported: 999, merged: 1, invalid: 0 });
    expect(count(ctx, "conversion_name = 'Lead' AND event_name = 'lead'")).toBeGreaterThan(900);
  });
});

it('every file of the real-world corpus has a test above', () => {
  const files = readdirSync(REAL_WORLD).filter((f) => f !== 'SOURCES.md');
  expect(files.length).toBe(16);
  const covered = new Set([...readFileSync(__filename, 'utf8').matchAll(/file\('([^']+)'\)/g)].map((m) => m[1]));
  expect(files.filter((f) => !covered.has(f))).toEqual([]);
});
