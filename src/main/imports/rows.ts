import { ConversionEventInsertSchema, CurrencySchema, type ConversionEventName } from '../../shared/domain/events';
import { categoryOf } from '../../shared/domain/conversion-names';
import { IDENTITY_TARGETS, type HashPlatform, type IdentityTarget, type ImportOptions, type ImportRowError, type ImportTarget } from '../../shared/domain/imports';
import { decimalToMicros, MoneyFormatError } from '../../shared/domain/money';
import { sha256Hex } from '../identity';
import { COL, IMPORT_COLUMNS } from './columns';
import { hashRowIdentity, type IdentityColumns } from './identity-row';
import { maskValue } from './mask';
import { parseEventTime, sourceTimeText, TimeParseError, type ReadTime, type ZoneClock } from './time';

/** A row-level problem; `target` names the mapped field so the report can show the column. */
export class RowError extends Error {
  constructor(
    readonly target: ImportTarget | null,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface Lookups {
  campaignId(name: string): string;
  brandId(name: string): string;
}

/** A mapped row: its values in IMPORT_COLUMNS order, what was dropped from it, and what the merge/update rules need to know. */
export interface MappedRow {
  line: number;
  values: unknown[];
  warnings: ImportRowError[] | null;
  /** The currency came from the row's own cell (not the import's default). */
  currencyGiven: boolean;
  /** The conversion name came from the row's own cell (not the import's --event-name). */
  nameGiven: boolean;
  /** Cells that were already hashed (stored for `prehashedFor` only). */
  prehashed: number;
}

/** A refused row with every reason it was refused. */
export interface RefusedRow {
  line: number;
  errors: ImportRowError[];
}

const CONSENT: Record<string, 'granted' | 'denied' | 'unspecified'> = {
  granted: 'granted', grant: 'granted', yes: 'granted', y: 'granted', true: 'granted', '1': 'granted',
  denied: 'denied', deny: 'denied', no: 'denied', n: 'denied', false: 'denied', '0': 'denied',
  '': 'unspecified', unspecified: 'unspecified', unknown: 'unspecified',
};

const US_THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const EU_THOUSANDS = /^\d{1,3}(\.\d{3})+(,\d+)?$/;

/** "1,234.56" / "1.234,56" (decimal comma) / "€12.30" → micros. Negative and non-numeric are errors. */
export function parseValue(text: string, decimalComma: boolean): number {
  let t = text.trim().replace(/^[$€£¥]\s*/, '').replace(/\s*[$€£¥]$/, '').replace(/[\s\u00a0\u202f]/g, '');
  if (t.startsWith('-') || (t.startsWith('(') && t.endsWith(')'))) throw new RowError('value', 'is negative (conversion values must be ≥ 0)');
  if (decimalComma) {
    if (EU_THOUSANDS.test(t)) t = t.replace(/\./g, '').replace(',', '.');
    else if (/^\d+,\d+$/.test(t)) t = t.replace(',', '.');
    else if (t.includes(',')) throw new RowError('value', 'is not a number');
  } else if (US_THOUSANDS.test(t)) {
    t = t.replace(/,/g, '');
  } else if (/^\d+,\d{1,2}$/.test(t)) {
    throw new RowError('value', 'uses a decimal comma; choose "decimal comma" for this file');
  }
  try {
    return decimalToMicros(t);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new RowError('value', /^\d/.test(t) ? 'is too large or has more than 6 decimals' : 'is not a number');
    throw error;
  }
}

const IpSchema = ConversionEventInsertSchema.shape.user_ip;
const TEXT_LIMITS: Partial<Record<ImportTarget, number>> = {
  event_id: 200, transaction_id: 200, gclid: 200, gbraid: 200, wbraid: 200, fbc: 500, fbp: 500, source: 200, user_agent: 1000, campaign: 200, brand: 200, event_name: 200,
};
const MAX_CUSTOM_PARAMS = 200;
const IDENTITY_COLUMNS = [
  'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  'google_region_code', 'google_postal_code',
] as const satisfies readonly (keyof IdentityColumns)[];
// Compile-time: every identity column is listed (a new one would otherwise never be stored).
const EVERY_IDENTITY_COLUMN: Record<Exclude<keyof IdentityColumns, (typeof IDENTITY_COLUMNS)[number]>, never> = {};
void EVERY_IDENTITY_COLUMN;
/** Each identity column with its place in a row's values (no per-row Object.keys). */
const IDENTITY_SLOTS = IDENTITY_COLUMNS.map((column) => [column, COL[column]] as const);
const PLATFORM_NAMES = { google: 'Google', meta: 'Meta' } as const;

/** Meta's Limited Data Use flag as written in files: LDU, [LDU], ["LDU"], or blank (none). */
export function parseProcessingOptions(text: string): string | null {
  const inner = text.trim().replace(/^\[|\]$/g, '');
  const options = inner.split(',').map((o) => o.trim().replace(/^["']|["']$/g, '').trim()).filter(Boolean);
  for (const option of options) if (option.toUpperCase() !== 'LDU') throw new RowError('data_processing_options', `has "${option.slice(0, 20)}"; Meta knows only LDU`);
  return JSON.stringify(options.map(() => 'LDU').slice(0, 1));
}

/** Turns parsed CSV fields into an insertable, hashed event, collecting every problem of the row. */
export class RowMapper {
  private readonly index = new Map<ImportTarget, number>();
  private readonly custom: [number, string][] = [];
  private readonly currencies = new Map<string, string | RowError>();
  private readonly categories = new Map<string, ConversionEventName>();
  private readonly identityIndexes: [IdentityTarget, number][] = [];
  private readonly defaultCurrency: string;
  private readonly optionName: string | null;
  private readonly readTime: ReadTime = { local: null };

  constructor(
    readonly headers: string[],
    readonly columns: ImportTarget[],
    private readonly options: ImportOptions,
    private readonly clock: ZoneClock | null,
    private readonly importId: string,
    private readonly lookups: Lookups,
    private readonly prehashedFor: HashPlatform,
  ) {
    columns.forEach((target, i) => {
      if (target === 'custom') this.custom.push([i, headers[i] ?? `column ${i + 1}`]);
      else if (target !== 'ignore' && !this.index.has(target)) this.index.set(target, i);
    });
    for (const target of IDENTITY_TARGETS) {
      const i = this.index.get(target);
      if (i !== undefined) this.identityIndexes.push([target, i]);
    }
    this.defaultCurrency = options.currency ?? 'USD';
    this.optionName = options.eventName?.trim() || null;
  }

  /** Header of a target's column, for error reports. */
  columnOf(target: ImportTarget | null): string | null {
    if (target === null) return null;
    const i = this.index.get(target);
    return i === undefined ? null : (this.headers[i] ?? null);
  }

  maskedValue(fields: string[], target: ImportTarget | null): string | null {
    if (target === null) return null;
    const i = this.index.get(target);
    return i === undefined || fields[i] === undefined ? null : maskValue(target, fields[i]!).slice(0, 100);
  }

  private problem(fields: string[], line: number, target: ImportTarget | null, reason: string, severity: 'error' | 'warning'): ImportRowError {
    return { row: line, severity, column: this.columnOf(target), value: this.maskedValue(fields, target), reason };
  }

  private cell(fields: string[], target: ImportTarget): string {
    const i = this.index.get(target);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  }

  map(fields: string[], line: number, now: string): MappedRow | RefusedRow {
    const errors: ImportRowError[] = [];
    const warnings: ImportRowError[] = [];
    const fail = (target: ImportTarget | null, reason: string) => errors.push(this.problem(fields, line, target, reason, 'error'));
    if (fields.length !== this.headers.length) {
      const extraEmpty = fields.length > this.headers.length && fields.slice(this.headers.length).every((f) => f.trim() === '');
      if (!extraEmpty) return { line, errors: [this.problem(fields, line, null, `has ${fields.length} fields, but the header has ${this.headers.length}`, 'error')] };
    }
    for (const field of fields) if (field.includes('\u0000')) return { line, errors: [this.problem(fields, line, null, 'contains a NUL byte (the file may be damaged)', 'error')] };

    // Text cells with a length limit: an over-long id is an error (it would be cut, and so changed).
    const text = (target: ImportTarget): string => {
      const value = this.cell(fields, target);
      const limit = TEXT_LIMITS[target];
      if (limit !== undefined && value.length > limit) {
        fail(target, `is longer than ${limit} characters`);
        return '';
      }
      return value;
    };

    const nameCell = text('event_name');
    const conversionName = nameCell || this.optionName;
    if (!conversionName) fail(this.index.has('event_name') ? 'event_name' : null, 'has no conversion name (map a column or set a default event name)');
    let category = conversionName ? this.categories.get(conversionName) : undefined;
    if (conversionName && category === undefined) {
      category = categoryOf(conversionName);
      if (this.categories.size < 10000) this.categories.set(conversionName, category);
    }

    let eventTime: string | null = null;
    let sourceTime: string | null = null;
    const timeIndex = this.index.get('event_time');
    if (timeIndex === undefined) fail(null, 'has no event time (map a column to Event time)');
    else {
      try {
        const cell = fields[timeIndex] ?? '';
        eventTime = parseEventTime(cell, this.clock, this.readTime);
        sourceTime = sourceTimeText(cell, this.readTime, this.clock);
      } catch (error) {
        if (!(error instanceof TimeParseError)) throw error;
        fail('event_time', error.message);
      }
    }

    let valueMicros: number | null = null;
    const valueText = this.cell(fields, 'value');
    if (valueText) {
      try {
        valueMicros = parseValue(valueText, this.options.decimalComma ?? false);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        fail('value', error.reason);
      }
    }
    const currencyText = this.cell(fields, 'currency');
    let currency = this.defaultCurrency;
    if (currencyText) {
      const parsed = this.currency(currencyText);
      if (parsed instanceof RowError) fail('currency', parsed.reason);
      else currency = parsed;
    }

    const raw: Partial<Record<IdentityTarget, string>> = {};
    for (const [target, i] of this.identityIndexes) {
      const value = fields[i];
      if (value) raw[target] = value;
    }
    const identity = hashRowIdentity(raw, { defaultCountry: this.options.defaultCountry, prehashedFor: this.prehashedFor });

    let userIp: string | null = this.cell(fields, 'user_ip') || null;
    // A value neither platform can use is dropped; one only a platform cannot use is kept for the other (a warning either way).
    const identityProblems: { target: ImportTarget; reason: string }[] = [];
    for (const p of identity.problems) {
      if (p.platform === 'both') identityProblems.push({ target: p.target, reason: p.reason });
      else warnings.push(this.problem(fields, line, p.target, `${PLATFORM_NAMES[p.platform]}: ${p.reason}`, 'warning'));
    }
    if (userIp && !IpSchema.safeParse(userIp).success) {
      identityProblems.push({ target: 'user_ip', reason: 'is not an IPv4 or IPv6 address' });
      userIp = null;
    }
    const userAgent = text('user_agent') || null;
    const gclid = text('gclid') || null;
    const gbraid = text('gbraid') || null;
    const wbraid = text('wbraid') || null;
    const fbc = text('fbc') || null;
    const fbp = text('fbp') || null;
    if (gbraid && wbraid) fail('wbraid', 'has both gbraid and wbraid (Google accepts only one click id)');

    if (identityProblems.length > 0) {
      // The pre-flight's rules (repo.ts matchKeys): something Google or Meta can match the event on.
      const c = identity.columns;
      const google = gclid || gbraid || wbraid || c.user_email_hash || c.user_phone_hash || (c.user_first_name_hash && c.user_last_name_hash && c.google_region_code && c.google_postal_code);
      const meta =
        c.meta_email_hash || c.meta_phone_hash || c.meta_external_id_hash || fbc || fbp ||
        (c.meta_first_name_hash && c.meta_last_name_hash && (c.meta_zip_hash || c.meta_city_hash || c.meta_dob_hash)) || (userIp && userAgent);
      const matchable = !!(google || meta);
      const strict = this.options.strict === true;
      for (const p of identityProblems) {
        if (strict || !matchable) fail(p.target, p.reason);
        else warnings.push(this.problem(fields, line, p.target, p.reason, 'warning'));
      }
      if (!strict && !matchable) fail(null, 'has no usable identifier left to match on (every one given was invalid)');
    }

    let dpo: string | null = null;
    const dpoText = this.cell(fields, 'data_processing_options');
    if (dpoText) {
      try {
        dpo = parseProcessingOptions(dpoText);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        fail('data_processing_options', error.reason);
      }
    }
    const dpoCountry = this.integer(fields, 'dpo_country', fail);
    const dpoState = this.integer(fields, 'dpo_state', fail);

    let customParams: string | null = null;
    if (this.custom.length > 0) {
      // A null-prototype object: a header such as "__proto__" or "toString" is a key like any other.
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      let n = 0;
      for (const [i, header] of this.custom) {
        const value = fields[i];
        if (value === undefined || value === '' || n >= MAX_CUSTOM_PARAMS) continue;
        params[header] = value.slice(0, 1000);
        n++;
      }
      if (n > 0) customParams = JSON.stringify(params);
    }

    const consentUserData = this.consent(fields, 'consent_ad_user_data', fail);
    const consentPersonalization = this.consent(fields, 'consent_ad_personalization', fail);
    const transactionId = text('transaction_id') || null;
    const explicitId = text('event_id');
    const campaign = text('campaign');
    const brand = text('brand');
    const source = text('source') || null;

    // A refused row lists every problem it has, the identifiers that alone would only have been dropped too.
    if (errors.length > 0) return { line, errors: warnings.length ? [...errors, ...warnings.map((w) => ({ ...w, severity: 'error' as const }))] : errors };
    for (const w of warnings) if (!/^(Google|Meta): /.test(w.reason)) w.reason += '; dropped from this row (the row is kept)';

    const values: unknown[] = new Array(IMPORT_COLUMNS.length).fill(null);
    values[COL.id] = ''; // assigned by the inserting thread (time-ordered ids in insert order)
    values[COL.event_name] = category!;
    values[COL.conversion_name] = conversionName;
    values[COL.event_id] = explicitId || deriveEventId(conversionName!, transactionId, fields);
    for (const [column, at] of IDENTITY_SLOTS) values[at] = identity.columns[column];
    values[COL.user_ip] = userIp;
    values[COL.user_agent] = userAgent;
    values[COL.event_value_micros] = valueMicros;
    values[COL.currency] = currency;
    values[COL.transaction_id] = transactionId;
    values[COL.custom_params] = customParams;
    values[COL.source] = source;
    values[COL.campaign_id] = campaign ? this.lookups.campaignId(campaign) : null;
    values[COL.brand_id] = brand ? this.lookups.brandId(brand) : null;
    values[COL.import_id] = this.importId;
    values[COL.gclid] = gclid;
    values[COL.gbraid] = gbraid;
    values[COL.wbraid] = wbraid;
    values[COL.fbc] = fbc;
    values[COL.fbp] = fbp;
    values[COL.consent_ad_user_data] = consentUserData;
    values[COL.consent_ad_personalization] = consentPersonalization;
    values[COL.event_time] = eventTime;
    values[COL.source_time] = sourceTime;
    values[COL.created_at] = now;
    values[COL.updated_at] = now;
    values[COL.data_processing_options] = dpo;
    values[COL.dpo_country] = dpoCountry;
    values[COL.dpo_state] = dpoState;
    values[COL.source_line] = line;
    return { line, values, warnings: warnings.length ? warnings : null, currencyGiven: !!currencyText, nameGiven: !!nameCell, prehashed: identity.prehashed };
  }

  private currency(text: string): string | RowError {
    let cached = this.currencies.get(text);
    if (cached === undefined) {
      const parsed = CurrencySchema.safeParse(text);
      cached = parsed.success ? parsed.data : new RowError('currency', 'is not an ISO 4217 currency code');
      if (this.currencies.size < 1000) this.currencies.set(text, cached);
    }
    return cached;
  }

  private integer(fields: string[], target: 'dpo_country' | 'dpo_state', fail: (t: ImportTarget, r: string) => void): number | null {
    const value = this.cell(fields, target);
    if (!value) return null;
    if (!/^\d{1,9}$/.test(value)) {
      fail(target, 'is not a whole number (Meta uses 0 = geolocate, 1 = USA; states like 1000 = California)');
      return null;
    }
    return Number(value);
  }

  private consent(fields: string[], target: 'consent_ad_user_data' | 'consent_ad_personalization', fail: (t: ImportTarget, r: string) => void): 'granted' | 'denied' | 'unspecified' {
    const value = CONSENT[this.cell(fields, target).toLowerCase()];
    if (!value) {
      fail(target, 'must be Granted, Denied or blank');
      return 'unspecified';
    }
    return value;
  }
}

/**
 * Event id for rows without one. The same order of the same conversion is one event (as Google
 * dedups by order id: the line items of an order share it). Otherwise a hash of every cell of the
 * row as the file wrote it — not of values computed with import options (time zone, default
 * currency or country), so importing the same file again with other options finds the same events,
 * and two rows that differ in any column, mapped or not, are two events.
 */
export function deriveEventId(conversionName: string, transactionId: string | null, fields: readonly string[]): string {
  if (transactionId) {
    const id = `${conversionName}:${transactionId}`;
    return id.length <= 200 ? id : `ord:${sha256Hex(id).slice(0, 40)}`;
  }
  let end = fields.length;
  while (end > 0 && fields[end - 1]!.trim() === '') end--;
  return `row:${sha256Hex(JSON.stringify(fields.slice(0, end).map((f) => f.trim()))).slice(0, 40)}`;
}
