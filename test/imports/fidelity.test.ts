/**
 * Import fidelity rules (issue 11) and the audit's import defects (issue 14, items 4 and 5) on small
 * files written here, through the real worker pipeline and a real database.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { autoMap, headerZone, mappingByHeader, prehashedPlatformOf } from '../../src/main/imports/mapping';
import { parseProcessingOptions } from '../../src/main/imports/rows';
import { parseEventTime, ZoneClock } from '../../src/main/imports/time';
import { ImportOptionsSchema, timeZoneProblem } from '../../src/shared/domain/imports';
import { type TestContext, useTestContext } from '../helpers/context';
import { count, importFile } from './helpers';

let ctx: TestContext;
let tmp: string;
useTestContext((c, t) => { ctx = c; tmp = t; }, (c) => importServiceForContext(c).shutdown());

let n = 0;
function csv(text: string): string {
  const path = join(tmp, `f${++n}.csv`);
  writeFileSync(path, text);
  return path;
}
const row = (where: string, ...params: unknown[]) => ctx.db.prepare(`SELECT * FROM conversion_events WHERE ${where}`).get(...params) as Record<string, unknown>;

describe('event times (issue 14 item 4)', () => {
  it('epoch seconds and milliseconds are held to 1970–2100 like every other form', () => {
    expect(() => parseEventTime('9999999999', null)).toThrow(/outside 1970–2100/);
    expect(() => parseEventTime('9999999999999', null)).toThrow(/outside 1970–2100/);
    expect(parseEventTime('4133980799', null)).toBe('2100-12-31T23:59:59.000Z');
    expect(parseEventTime('1715302704', null)).toBe('2024-05-10T00:58:24.000Z');
  });

  it('the range is checked on the UTC instant, not the local year', () => {
    expect(() => parseEventTime('2100-12-31 23:30:00-05:00', null)).toThrow(/outside 1970–2100/); // 2101-01-01T04:30Z
    expect(() => parseEventTime('1970-01-01 00:30:00+01:00', null)).toThrow(/outside 1970–2100/); // 1969-12-31T23:30Z
    expect(() => parseEventTime('2100-12-31 20:00', new ZoneClock('Pacific/Kiritimati'))).not.toThrow();
    expect(() => parseEventTime('1970-01-01 00:30', new ZoneClock('Europe/Paris'))).toThrow(/outside 1970–2100/);
  });
});

describe('time zones: IANA names only (issue 11 defect 9)', () => {
  it('abbreviations are refused with a suggestion; IANA names and fixed offsets pass', () => {
    expect(timeZoneProblem('EST')).toMatch(/abbreviation.*America\/New_York/);
    expect(timeZoneProblem('pst')).toMatch(/America\/Los_Angeles/);
    expect(timeZoneProblem('CET')).toMatch(/Europe\/Paris/);
    expect(timeZoneProblem('EST5EDT')).toMatch(/not an IANA time zone/);
    for (const ok of ['America/New_York', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5', '+0100', '-05:00']) expect(timeZoneProblem(ok)).toBeNull();
    expect(ImportOptionsSchema.safeParse({ timezone: 'EST' }).success).toBe(false);
  });

  it('a file whose Parameters line names an abbreviation is refused, not shifted', async () => {
    const path = csv('Parameters:TimeZone=EST\nGoogle Click ID,Conversion Name,Conversion Time\nG-1,Lead,2026-07-01 10:00:00\n');
    const report = await importFile(ctx, path);
    expect(report).toMatchObject({ status: 'failed', error: expect.stringMatching(/"EST" is an abbreviation.*America\/New_York/) });
    expect(count(ctx)).toBe(0);
  });
});

describe('auto-mapping (issue 11 defect 6)', () => {
  const mapOf = (headers: string[]) => Object.fromEntries(headers.map((h, i) => [h, autoMap(headers).columns[i]]));

  it('learns Stripe, WooCommerce, Meta CAPI dotted and bracketed headers, LDU and address fields, ignoring case', () => {
    expect(mapOf(['id', 'Created date (UTC)', 'Amount', 'Currency', 'Customer Email'])).toEqual({ id: 'transaction_id', 'Created date (UTC)': 'event_time', Amount: 'value', Currency: 'currency', 'Customer Email': 'email' });
    expect(mapOf(['order_number', 'order_date', 'order_currency', 'order_total'])).toEqual({ order_number: 'transaction_id', order_date: 'event_time', order_currency: 'currency', order_total: 'value' });
    expect(mapOf(['USER.PHONE', 'user.fbc', 'user.fbp', 'custom.value', 'custom.currency', 'user_data.em'])).toEqual({
      'USER.PHONE': 'phone', 'user.fbc': 'fbc', 'user.fbp': 'fbp', 'custom.value': 'value', 'custom.currency': 'currency', 'user_data.em': 'email',
    });
    expect(mapOf(['[email]', '[ct]', '[st]', '[zip]', '[country]', '[dob]', '[gen]', 'external_id', 'Data_Processing_Options', 'data_processing_options_country', 'data_processing_options_state'])).toEqual({
      '[email]': 'email', '[ct]': 'city', '[st]': 'state', '[zip]': 'zip', '[country]': 'country', '[dob]': 'date_of_birth', '[gen]': 'gender', external_id: 'external_id',
      Data_Processing_Options: 'data_processing_options', data_processing_options_country: 'dpo_country', data_processing_options_state: 'dpo_state',
    });
    expect(mapOf(['Billing City', 'Billing Zip', 'Billing Province', 'Billing Country'])).toEqual({ 'Billing City': 'city', 'Billing Zip': 'zip', 'Billing Province': 'state', 'Billing Country': 'country' });
  });

  it('reads a zone named in the time header, and which platform hashed a file', () => {
    expect(headerZone('Created date (UTC)')).toBe('UTC');
    expect(headerZone('Time (Europe/Paris)')).toBe('Europe/Paris');
    expect(headerZone('Created date')).toBeNull();
    expect(prehashedPlatformOf(['[email]', '[phone]', 'event_time'])).toBe('meta');
    expect(prehashedPlatformOf(['em', 'ph', 'fn', 'ln', 'event_name'])).toBe('meta');
    expect(prehashedPlatformOf(['Email', 'Phone Number', 'Conversion Name', 'Conversion Time'])).toBe('google');
    expect(prehashedPlatformOf(['email', 'amount'])).toBeNull();
  });

  it('an explicit mapping by header is case-insensitive, keyed by a Map, and names unknown headers (issue 14 item 5)', () => {
    expect(mappingByHeader(['gclid', 'toString', '__proto__'], [['GCLID', 'gclid'], ['TOSTRING', 'custom'], ['__proto__', 'custom']])).toEqual({ columns: ['gclid', 'custom', 'custom'] });
    expect(mappingByHeader(['gclid', 'time'], [['gclid', 'gclid']])).toEqual({ columns: ['gclid', 'ignore'] });
    expect(mappingByHeader(['gclid'], [['toString', 'gclid'], ['Gclid', 'gclid']])).toEqual({ unknown: ['toString'] });
  });

  it('parses Meta\'s data processing options as written in files', () => {
    expect(parseProcessingOptions('LDU')).toBe('["LDU"]');
    expect(parseProcessingOptions('[LDU]')).toBe('["LDU"]');
    expect(parseProcessingOptions('["ldu"]')).toBe('["LDU"]');
    expect(parseProcessingOptions('[]')).toBe('[]');
    expect(() => parseProcessingOptions('GDPR')).toThrow(/Meta knows only LDU/);
  });
});

describe('duplicates and updates that never corrupt (issue 11 defects 1 and 5)', () => {
  const header = 'order id,email,conversion time,value,currency,note\n';

  it('content ids come from every cell: rows differing only in an unmapped column are two events; other options find the same ones', async () => {
    const path = csv('email,conversion time,value,note\na@example.com,2026-03-01 10:00:00,10,first\na@example.com,2026-03-01 10:00:00,10,second\n');
    const mapping = { columns: ['email', 'event_time', 'value', 'ignore'] as const };
    const imports = importServiceForContext(ctx);
    const run = async (options: object) => imports.wait(imports.start(imports.files.register(path), { columns: [...mapping.columns] }, { eventName: 'lead', ...options }).importId);
    expect(await run({ timezone: 'UTC', currency: 'USD' })).toMatchObject({ imported: 2, merged: 0 });
    expect(await run({ timezone: 'Asia/Tokyo', currency: 'EUR', defaultCountry: 'FR' })).toMatchObject({ imported: 0, duplicates: 2 });
    expect(count(ctx)).toBe(2);
  });

  it('update: a blank cell never erases, the default currency never replaces the stored one, a file currency does; a sent event is untouched', async () => {
    await importFile(ctx, csv(`${header}O-1,a@example.com,2026-03-01 10:00:00Z,10,EUR,x\nO-2,b@example.com,2026-03-01 10:00:00Z,20,GBP,y\nO-3,c@example.com,2026-03-01 10:00:00Z,30,EUR,z\n`), { eventName: 'purchase' });
    ctx.db.prepare("UPDATE conversion_events SET sync_status = 'sent' WHERE transaction_id = 'O-3'").run();
    const update = await importFile(ctx, csv(`${header}O-1,,2026-03-02 10:00:00Z,,,\nO-2,,2026-03-01 10:00:00Z,25,CHF,\nO-3,,2026-03-01 10:00:00Z,99,USD,\n`), { eventName: 'purchase', currency: 'USD', onDuplicate: 'update' });
    expect(update).toMatchObject({ updated: 2, duplicates: 1 });
    expect(update.errors).toContainEqual(expect.objectContaining({ row: 4, severity: 'duplicate', reason: expect.stringMatching(/already sent/) }));
    expect(row("transaction_id = 'O-1'")).toMatchObject({ event_value_micros: 10_000_000, currency: 'EUR', event_time: '2026-03-02T10:00:00.000Z', custom_params: null });
    expect(row("transaction_id = 'O-1'").user_email_hash).not.toBeNull();
    expect(row("transaction_id = 'O-2'")).toMatchObject({ event_value_micros: 25_000_000, currency: 'CHF' });
    expect(row("transaction_id = 'O-3'")).toMatchObject({ event_value_micros: 30_000_000, currency: 'EUR' });
  });

  it('rows of one order in one file: the first complete row wins, later rows fill its blanks and never blank them', async () => {
    const report = await importFile(
      ctx,
      csv(`${header}O-1,,2026-03-01 10:00:00Z,,,line 1\nO-1,a@example.com,2026-03-01 10:00:00Z,12.50,EUR,line 2\nO-1,,2026-03-01 10:00:00Z,99,GBP,line 3\n`),
      { eventName: 'purchase', currency: 'USD' },
    );
    expect(report).toMatchObject({ rowsRead: 3, imported: 1, merged: 2 });
    // Line 2 filled the blank value with its currency; line 3's value came too late (the value was known by then).
    expect(row("transaction_id = 'O-1'")).toMatchObject({ event_value_micros: 12_500_000, currency: 'EUR', source_line: 2 });
    expect(report.errors).toContainEqual(expect.objectContaining({ row: 4, severity: 'warning', reason: expect.stringMatching(/has the event id of line 2 but a different value/) }));
  });
});

describe('pre-hashed identifiers (issue 11 defect 4)', () => {
  const hash = 'a'.repeat(64);

  it('a Meta-style file\'s hashes fill Meta\'s columns only; a Google template\'s fill Google\'s; the option overrides', async () => {
    const meta = await importFile(ctx, csv(`em,event_name,event_time\n${hash},Purchase,1715302704\n`));
    expect(meta.preflight).toMatchObject({ prehashed: { cells: 1, platform: 'meta' }, googleCannot: 1, metaCannot: 0 });
    expect(row('1 = 1')).toMatchObject({ meta_email_hash: hash, user_email_hash: null });
    const google = await importFile(ctx, csv(`Email,Conversion Name,Conversion Time\n${'b'.repeat(64)},Lead,2026-03-01 10:00:00Z\n`));
    expect(google.preflight).toMatchObject({ prehashed: { platform: 'google' } });
    expect(row('import_id = ?', google.id)).toMatchObject({ user_email_hash: 'b'.repeat(64), meta_email_hash: null });
    await importFile(ctx, csv(`Email,Conversion Name,Conversion Time\n${'c'.repeat(64)},Lead,2026-03-01 10:00:00Z\n`), { prehashedFor: 'meta' });
    expect(row('meta_email_hash = ?', 'c'.repeat(64))).toMatchObject({ user_email_hash: null });
  });
});

describe('column names that are JavaScript object keys (issue 14 item 5)', () => {
  it('custom columns named __proto__, constructor or conversion_name are kept as columns; the name stays the event\'s', async () => {
    const imports = importServiceForContext(ctx);
    const path = csv('Conversion Name,Conversion Time,Email,__proto__,conversion_name,toString\nStore visit,2026-03-01 10:00:00Z,a@example.com,p,other,t\n');
    const file = imports.files.register(path);
    const { mapping } = imports.resolveMapping(file, '{"conversion name":"event_name","CONVERSION TIME":"event_time","email":"email","__proto__":"custom","conversion_name":"custom","toString":"custom"}');
    const report = await imports.wait(imports.start(file, mapping, {}).importId);
    expect(report).toMatchObject({ imported: 1, invalid: 0 });
    const stored = row('1 = 1');
    expect(stored).toMatchObject({ conversion_name: 'Store visit', event_name: 'custom' });
    expect(stored.custom_params).toBe('{"__proto__":"p","conversion_name":"other","toString":"t"}');
  });
});
