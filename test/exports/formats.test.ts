import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFormatWriter, csvField, googleParameters, platformValue, spreadsheetCell, spreadsheetValue, type ExportRow } from '../../src/main/exports/formats';
import { parseStoredUtc, ZoneClock } from '../../src/main/exports/zone-time';
import { formatMicrosForCurrency } from '../../src/shared/domain/money';
import { AppSettingsSchema } from '../../src/shared/domain/settings';

describe('CSV injection (OWASP) in the spreadsheet CSV', () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ['\n=cmd|calc', `"'\n=cmd|calc"`],
    ['harmless first line\n=cmd|calc', `"'harmless first line\n=cmd|calc"`],
    ['ok\r\n  @SUM(1)', `"'ok\r\n  @SUM(1)"`],
    ['plain, with comma', '"plain, with comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['a-b=c', 'a-b=c'],
    ['12.30', '12.30'],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => expect(spreadsheetCell(input)).toBe(expected));
  }

  it('never leaves a cell (or any line of it) starting like a formula, and quoting round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', 'a', ',', '"', ' ', '1') }), (value) => {
        const cell = spreadsheetCell(value);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(/^[=+\-@\t\r\n]/.test(unquoted)).toBe(false);
        // A multi-line cell with any formula-looking line is made text as a whole.
        if (value.split(/\r\n|\r|\n/).some((line) => /^ *[=+\-@\t]/.test(line))) expect(unquoted.startsWith("'")).toBe(true);
        expect(unquoted.startsWith("'") ? unquoted.slice(1) : unquoted).toBe(value);
      }),
    );
  });

  it('platform files quote but do not alter values (an apostrophe would change the order id Google receives)', () => {
    expect(csvField('=1+2')).toBe('=1+2');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });
});

describe('values in the currency’s minor units', () => {
  it.each([
    [1_234_500_000, 'JPY', '1235'],
    [129_900_000, 'USD', '129.90'],
    [12_345_600, 'KWD', '12.346'],
    [0, 'USD', '0.00'],
    [5_000_000, 'BHD', '5.000'],
  ])('%i micros %s → %s', (micros, currency, expected) => expect(platformValue(micros, currency)).toBe(expected));

  it('the fast path equals formatMicrosForCurrency', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1_000_000 }), fc.constantFrom('JPY', 'USD', 'KWD', 'CLF', 'EUR'), (micros, currency) => {
        expect(platformValue(micros, currency)).toBe(formatMicrosForCurrency(micros, currency));
      }),
      { numRuns: 5000 },
    );
  });

  it('the spreadsheet keeps extra precision instead of rounding', () => {
    expect(spreadsheetValue(12_345_600, 'KWD')).toBe('12.3456');
    expect(spreadsheetValue(12_300_000, 'USD')).toBe('12.30');
    expect(spreadsheetValue(null, 'USD')).toBe('');
  });
});

describe('ZoneClock', () => {
  it('matches Intl for random instants in many zones (DST-correct)', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Tokyo', 'UTC'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (zone, ms) => {
        ms -= ms % 1000;
        const clock = new ZoneClock(zone);
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
            .formatToParts(new Date(ms))
            .map((p) => [p.type, p.value]),
        );
        const expected = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
        const wall = clock.wallTime(ms);
        expect(wall.slice(0, 19)).toBe(expected);
        // The offset is added exactly when another instant (30 or 60 minutes away) has the same wall time.
        const twin = [-3_600_000, -1_800_000, 1_800_000, 3_600_000].some((delta) => clock.wallTime(ms + delta).slice(0, 19) === wall.slice(0, 19));
        expect(wall.length > 19).toBe(twin);
      }),
      { numRuns: 3000 },
    );
  });

  it('flags exactly the repeated wall times around real DST changes (incl. Lord Howe’s 30-minute shift)', () => {
    const changes: [string, string][] = [
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['Europe/Berlin', '2026-10-25T01:00:00Z'],
      ['Australia/Sydney', '2026-04-04T16:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['America/St_Johns', '2026-11-01T04:30:00Z'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...changes), fc.integer({ min: -3 * 3600, max: 3 * 3600 }), ([zone, at], seconds) => {
        const clock = new ZoneClock(zone);
        const ms = Date.parse(at) + seconds * 1000;
        const wall = clock.wallTime(ms);
        const twin = [-3_600_000, -1_800_000, 1_800_000, 3_600_000].some((delta) => new ZoneClock(zone).wallTime(ms + delta).slice(0, 19) === wall.slice(0, 19));
        expect(wall.length > 19).toBe(twin);
      }),
      { numRuns: 3000 },
    );
  });

  it('adds the offset only in the repeated hour, and then it is exact', () => {
    const ny = new ZoneClock('America/New_York');
    expect(ny.wallTime(Date.parse('2026-11-01T04:59:59Z'))).toBe('2026-11-01 00:59:59');
    expect(ny.wallTime(Date.parse('2026-11-01T05:00:00Z'))).toBe('2026-11-01 01:00:00-0400');
    expect(ny.wallTime(Date.parse('2026-11-01T06:59:59Z'))).toBe('2026-11-01 01:59:59-0500');
    expect(ny.wallTime(Date.parse('2026-11-01T07:00:00Z'))).toBe('2026-11-01 02:00:00');
    // Spring forward: 02:00–02:59 does not exist, nothing is ambiguous.
    expect(ny.wallTime(Date.parse('2026-03-08T06:59:59Z'))).toBe('2026-03-08 01:59:59');
    expect(ny.wallTime(Date.parse('2026-03-08T07:00:00Z'))).toBe('2026-03-08 03:00:00');
    expect(new ZoneClock('Asia/Kolkata').wallTime(Date.parse('2026-06-01T00:00:00Z'), true)).toBe('2026-06-01 05:30:00+0530');
  });
});

describe('Parameters:TimeZone line', () => {
  it('names the zone, or +0000 for UTC', () => {
    expect(googleParameters(AppSettingsSchema.parse({ timeZone: 'Europe/Berlin' }))).toBe('Parameters:TimeZone=Europe/Berlin\n');
    expect(googleParameters(AppSettingsSchema.parse({}))).toBe('Parameters:TimeZone=+0000\n');
    expect(googleParameters(AppSettingsSchema.parse({ timeZone: 'Etc/UTC' }))).toBe('Parameters:TimeZone=+0000\n');
  });
});

describe('exclusions', () => {
  const settings = AppSettingsSchema.parse({ destinations: { purchase: { googleConversionName: 'Offline purchase', metaEventName: 'Purchase' } }, google: { requiredCurrency: 'EUR' }, meta: { requiredCurrency: 'EUR' } });
  const nowMs = Date.parse('2026-11-25T12:00:00Z');
  const base: ExportRow = {
    rowid: 1, id: 'x', event_name: 'purchase', event_id: 'e1', event_time: '2026-11-24T12:00:00.000Z', event_value_micros: 1_000_000, currency: 'EUR', transaction_id: null,
    gclid: 'G', gbraid: null, wbraid: null, fbc: null, fbp: null, user_email_hash: 'a'.repeat(64), user_phone_hash: null,
    meta_email_hash: 'b'.repeat(64), meta_phone_hash: null, meta_first_name_hash: null, meta_last_name_hash: null,
    consent_ad_user_data: 'unspecified', consent_ad_personalization: 'unspecified',
  };
  const line = (format: 'google-click' | 'google-leads' | 'meta', patch: Partial<ExportRow>) => createFormatWriter(format, { settings, nowMs }).line({ ...base, ...patch });

  it('a currency other than the account currency', () => {
    expect(line('google-click', { currency: 'USD' })).toMatchObject({ code: 'currency_mismatch', reason: expect.stringContaining('USD differs from the Google Ads account currency EUR') });
    expect(line('meta', { currency: 'USD' })).toMatchObject({ code: 'currency_mismatch' });
  });
  it('the 90-day Google window; Meta: 62 days for physical_store, 7 days for other action sources', () => {
    expect(typeof line('google-click', { event_time: '2026-08-28T12:00:00.000Z' })).toBe('string');
    expect(line('google-click', { event_time: '2026-08-27T11:59:59.000Z' })).toMatchObject({ code: 'too_old' });
    expect(settings.meta.actionSource).toBe('physical_store');
    expect(typeof line('meta', { event_time: '2026-09-24T12:00:00.000Z' })).toBe('string');
    expect(line('meta', { event_time: '2026-09-24T11:59:59.000Z' })).toMatchObject({ code: 'too_old', reason: expect.stringContaining('more than 62 days ago') });
    const website = AppSettingsSchema.parse({ ...settings, meta: { ...settings.meta, actionSource: 'website' } });
    const webLine = (patch: Partial<ExportRow>) => createFormatWriter('meta', { settings: website, nowMs }).line({ ...base, ...patch });
    expect(typeof webLine({ event_time: '2026-11-18T12:00:00.000Z' })).toBe('string');
    expect(webLine({ event_time: '2026-11-18T11:59:59.000Z' })).toMatchObject({ code: 'too_old', reason: expect.stringContaining('more than 7 days ago') });
  });
  it('a future time (beyond 5 minutes of clock skew)', () => {
    expect(typeof line('google-click', { event_time: '2026-11-25T12:04:00.000Z' })).toBe('string');
    expect(line('google-click', { event_time: '2026-11-25T12:06:00.000Z' })).toMatchObject({ code: 'in_future' });
  });
  it('click ids: none, both braids, one braid', () => {
    expect(line('google-click', { gclid: null })).toMatchObject({ code: 'no_click_id' });
    expect(line('google-click', { gclid: null, gbraid: 'B1', wbraid: 'W1' })).toMatchObject({ code: 'both_braids' });
    expect(line('google-click', { gclid: null, wbraid: 'W1' })).toMatch(/^W1,Offline purchase,/);
  });
  it('missing mappings and identifiers, all reasons listed', () => {
    const unmapped = 'no Google Ads conversion action is mapped for "lead" (Settings → Conversion names, or the "lead" category in Settings → Destinations)';
    const noClick = 'no click id (GCLID, GBRAID or WBRAID); use the enhanced-conversions-for-leads file for events with an email or phone';
    // Every problem is kept apart (one reason per line on the Export screen, a group per code) and joined for one-line places.
    expect(line('google-click', { event_name: 'lead', gclid: null })).toEqual({
      code: 'no_conversion_action',
      reason: `${unmapped}; ${noClick}`,
      codes: ['no_conversion_action', 'no_click_id'],
      reasons: [unmapped, noClick],
    });
    expect(line('google-leads', { user_email_hash: null, meta_email_hash: null })).toMatchObject({ code: 'no_identifiers' });
    expect(line('meta', { event_name: 'custom' })).toMatchObject({ code: 'no_meta_event' });
    expect(line('meta', { meta_email_hash: null, user_email_hash: null })).toMatchObject({ code: 'no_identifiers' });
    expect(typeof line('meta', { meta_email_hash: null, fbp: 'fb.1.1.1' })).toBe('string');
  });
});

describe('parseStoredUtc', () => {
  it('equals Date.parse for stored event times and for anything else (property)', () => {
    const stored = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(fc.property(stored, (text) => parseStoredUtc(text) === Date.parse(text)), { numRuns: 5000 });
    const odd = ['2026-02-30T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-25T24:00:00.000Z', '2026-11-25T12:00:00.000+01:00', '2026/11/25T12:00:00.000Z', '2026-11-25 12:00:00.000Z', '2026-1a-25T12:00:00.000Z', '', 'not a date'];
    for (const text of odd) expect(Object.is(parseStoredUtc(text), Date.parse(text))).toBe(true);
    const nearOdd = fc.tuple(stored, fc.nat(23), fc.constantFrom('0', '9', 'x', '-', ' ')).map(([text, at, ch]) => text.slice(0, at) + ch + text.slice(at + 1));
    fc.assert(fc.property(nearOdd, (text) => Object.is(parseStoredUtc(text), Date.parse(text))), { numRuns: 5000 });
  });
});

describe('conversion names in the platform files (issue 11, defect 2)', () => {
  const settings = AppSettingsSchema.parse({
    destinations: { purchase: { googleConversionName: 'Offline purchase', metaEventName: 'Purchase' }, lead: { googleConversionName: 'All leads', metaEventName: 'Lead' } },
    conversionNames: { 'Booked consultation': { googleConversionName: 'Consultation (CRM)', metaEventName: 'Schedule' }, 'Spam lead': { googleConversionName: null } },
  });
  const nowMs = Date.parse('2026-11-25T12:00:00Z');
  const base: ExportRow = {
    rowid: 1, id: 'x', event_name: 'lead', conversion_name: 'Qualified lead', event_id: 'e1', event_time: '2026-11-24T12:00:00.000Z', event_value_micros: 1_000_000, currency: 'EUR', transaction_id: 'T1',
    gclid: 'G', gbraid: null, wbraid: null, fbc: null, fbp: null, user_email_hash: 'a'.repeat(64), user_phone_hash: null,
    meta_email_hash: 'b'.repeat(64), meta_phone_hash: null, meta_first_name_hash: null, meta_last_name_hash: null,
    consent_ad_user_data: 'granted', consent_ad_personalization: 'granted',
  };
  const line = (format: 'google-click' | 'google-leads' | 'meta', patch: Partial<ExportRow>) => createFormatWriter(format, { settings, nowMs }).line({ ...base, ...patch });
  const field = (text: unknown, index: number) => (typeof text === 'string' ? text.split(',')[index] : `excluded: ${JSON.stringify(text)}`);

  it('Google: the own name is the conversion action, unless Settings map it; categories and Meta spellings fall back', () => {
    expect(field(line('google-click', {}), 1)).toBe('Qualified lead');
    expect(field(line('google-click', { conversion_name: 'Booked consultation', event_name: 'custom' }), 1)).toBe('Consultation (CRM)');
    expect(field(line('google-leads', { conversion_name: 'Qualified lead' }), 3)).toBe('Qualified lead');
    expect(field(line('google-click', { conversion_name: null }), 1)).toBe('All leads');
    expect(field(line('google-click', { conversion_name: 'lead' }), 1)).toBe('All leads');
    expect(field(line('google-click', { conversion_name: 'Lead' }), 1)).toBe('All leads');
    expect(line('google-click', { conversion_name: 'InitiateCheckout', event_name: 'custom' })).toMatchObject({ code: 'no_conversion_action', reason: expect.stringContaining('"InitiateCheckout"') });
    expect(line('google-click', { conversion_name: 'Spam lead' })).toMatchObject({ code: 'no_conversion_action', reason: expect.stringContaining('set not to be sent to Google Ads') });
  });

  it('Meta: a standard event name stays itself (InitiateCheckout is not Purchase); others map by Settings or category', () => {
    expect(field(line('meta', { conversion_name: 'InitiateCheckout', event_name: 'custom' }), 0)).toBe('InitiateCheckout');
    expect(field(line('meta', { conversion_name: 'initiate_checkout', event_name: 'custom' }), 0)).toBe('InitiateCheckout');
    expect(field(line('meta', { conversion_name: 'Search', event_name: 'custom' }), 0)).toBe('Search');
    expect(field(line('meta', { conversion_name: 'AddPaymentInfo', event_name: 'custom' }), 0)).toBe('AddPaymentInfo');
    expect(field(line('meta', {}), 0)).toBe('Lead');
    expect(field(line('meta', { conversion_name: 'Booked consultation', event_name: 'custom' }), 0)).toBe('Schedule');
    expect(line('meta', { conversion_name: 'Deal 4412', event_name: 'custom' })).toMatchObject({ code: 'no_meta_event', reason: expect.stringContaining('"Deal 4412"') });
  });

  it('Meta Purchase without a value is excluded with the reason (defect 11); other events may go without', () => {
    expect(line('meta', { conversion_name: 'Purchase', event_name: 'purchase', event_value_micros: null })).toEqual({
      code: 'purchase_without_value',
      reason: 'Meta requires a value and a currency for Purchase events; this one has no value',
    });
    expect(line('meta', { conversion_name: null, event_name: 'purchase', event_value_micros: null })).toMatchObject({ code: 'purchase_without_value' });
    expect(field(line('meta', { conversion_name: 'Purchase', event_name: 'purchase', event_value_micros: 0 }), 0)).toBe('Purchase');
    expect(field(line('meta', { conversion_name: 'InitiateCheckout', event_name: 'custom', event_value_micros: null }), 0)).toBe('InitiateCheckout');
  });

  it('Meta file carries the address hashes, external id and Limited Data Use columns', () => {
    const writer = createFormatWriter('meta', { settings, nowMs });
    const header = writer.head.trim().split(',');
    const h = (n: string) => 'c'.repeat(63) + n;
    const text = line('meta', {
      meta_email_hash: null, meta_city_hash: h('1'), meta_state_hash: h('2'), meta_zip_hash: h('3'), meta_country_hash: h('4'),
      meta_dob_hash: h('5'), meta_gender_hash: h('6'), meta_external_id_hash: h('7'), data_processing_options: '["LDU"]', dpo_country: 1, dpo_state: 1000,
    });
    expect(typeof text).toBe('string');
    const cells = Object.fromEntries((text as string).trim().split(',').map((v, i) => [header[i], v]));
    expect(cells).toMatchObject({ ct: h('1'), st: h('2'), zp: h('3'), country: h('4'), db: h('5'), ge: h('6'), external_id: h('7'), em: '' });
    expect(cells).toMatchObject({ data_processing_options: 'LDU', data_processing_options_country: '1', data_processing_options_state: '1000' });
    const none = Object.fromEntries((line('meta', { data_processing_options: '[]', dpo_country: null, dpo_state: null }) as string).trim().split(',').map((v, i) => [header[i], v]));
    expect(none).toMatchObject({ data_processing_options: '', data_processing_options_country: '', data_processing_options_state: '' });
  });

  it('identifiers pre-hashed for one platform are explained by the other one', () => {
    expect(line('meta', { meta_email_hash: null })).toMatchObject({ code: 'hashed_for_other_platform', reason: expect.stringContaining('pre-hashed for Google') });
    expect(line('google-leads', { user_email_hash: null })).toMatchObject({ code: 'hashed_for_other_platform', reason: expect.stringContaining('pre-hashed for Meta') });
  });

  it('Google files keep their columns', () => {
    expect(createFormatWriter('google-click', { settings, nowMs }).head.split('\n')[1]).toBe('Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,Ad User Data,Ad Personalization');
    expect(createFormatWriter('google-leads', { settings, nowMs }).head.split('\n')[1]).toBe('Email,Phone Number,Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,Ad User Data,Ad Personalization');
  });
});
