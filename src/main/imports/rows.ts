import { ConversionEventInsertSchema, CurrencySchema, EVENT_NAMES, type ConversionEventName } from '../../shared/domain/events';
import type { ImportOptions, ImportRowError, ImportTarget } from '../../shared/domain/imports';
import { decimalToMicros, MoneyFormatError } from '../../shared/domain/money';
import type { InsertRow } from '../events/repo';
import { hashIdentityOrThrow, IdentityError, sha256Hex, type IdentityHashes, type LegacyIdentityField } from '../identity';
import { maskValue } from './mask';
import { normalizeHeader } from './mapping';
import { parseEventTime, TimeParseError, type ZoneClock } from './time';

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

const EVENT_ALIASES: Record<string, ConversionEventName> = {
  purchase: 'purchase', order: 'purchase', sale: 'purchase', checkout: 'purchase', buy: 'purchase', transaction: 'purchase',
  lead: 'lead', generatelead: 'lead', submitform: 'lead', contact: 'lead', qualifiedlead: 'lead',
  signup: 'signup', completeregistration: 'signup', registration: 'signup', register: 'signup',
  addtocart: 'add_to_cart', pageview: 'page_view', viewcontent: 'page_view', custom: 'custom',
};

/** Maps a conversion/event name to the app's enum; keeps the original when it is not an exact enum value. */
export function mapEventName(raw: string): { name: ConversionEventName; original: string | null } {
  const value = raw.trim();
  if ((EVENT_NAMES as readonly string[]).includes(value)) return { name: value as ConversionEventName, original: null };
  const key = normalizeHeader(value);
  const alias = EVENT_ALIASES[key];
  const name: ConversionEventName =
    alias ?? (/purchase|order|sale|checkout/.test(key) ? 'purchase' : /lead/.test(key) ? 'lead' : /signup|regist/.test(key) ? 'signup' : /cart/.test(key) ? 'add_to_cart' : 'custom');
  return { name, original: value.slice(0, 200) };
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
  event_id: 200, transaction_id: 200, gclid: 200, gbraid: 200, wbraid: 200, fbc: 500, fbp: 500, source: 200, user_agent: 1000, campaign: 200, brand: 200,
};

/** Turns parsed CSV fields into an insertable, hashed event. Throws RowError. */
export class RowMapper {
  private readonly index: Partial<Record<ImportTarget, number>> = {};
  private readonly custom: [number, string][] = [];
  private readonly currencies = new Map<string, string | RowError>();
  private readonly names = new Map<string, { name: ConversionEventName; original: string | null }>();
  private readonly defaultCurrency: string;

  constructor(
    readonly headers: string[],
    readonly columns: ImportTarget[],
    private readonly options: ImportOptions,
    private readonly clock: ZoneClock | null,
    private readonly importId: string,
    private readonly lookups: Lookups,
  ) {
    columns.forEach((target, i) => {
      if (target === 'custom') this.custom.push([i, headers[i] ?? `column ${i + 1}`]);
      else if (target !== 'ignore' && this.index[target] === undefined) this.index[target] = i;
    });
    this.defaultCurrency = options.currency ?? 'USD';
  }

  /** Header of a target's column, for error reports. */
  columnOf(target: ImportTarget | null): string | null {
    if (target === null) return null;
    const i = this.index[target];
    return i === undefined ? null : (this.headers[i] ?? null);
  }

  maskedValue(fields: string[], target: ImportTarget | null): string | null {
    if (target === null) return null;
    const i = this.index[target];
    return i === undefined || fields[i] === undefined ? null : maskValue(target, fields[i]!).slice(0, 100);
  }

  private get(fields: string[], target: ImportTarget): string {
    const i = this.index[target];
    if (i === undefined) return '';
    const value = fields[i]!.trim();
    const limit = TEXT_LIMITS[target];
    if (limit !== undefined && value.length > limit) throw new RowError(target, `is longer than ${limit} characters`);
    return value;
  }

  map(fields: string[], now: string): InsertRow {
    if (fields.length !== this.headers.length) {
      const extraEmpty = fields.length > this.headers.length && fields.slice(this.headers.length).every((f) => f.trim() === '');
      if (!extraEmpty) throw new RowError(null, `has ${fields.length} fields, but the header has ${this.headers.length}`);
    }
    for (const field of fields) if (field.includes('\u0000')) throw new RowError(null, 'contains a NUL byte (the file may be damaged)');

    const nameText = this.get(fields, 'event_name');
    let eventName: ConversionEventName;
    let original: string | null = null;
    if (nameText) {
      let mapped = this.names.get(nameText);
      if (!mapped) {
        mapped = mapEventName(nameText);
        if (this.names.size < 10000) this.names.set(nameText, mapped);
      }
      eventName = mapped.name;
      original = mapped.original;
    } else if (this.options.eventName) {
      eventName = this.options.eventName;
    } else {
      throw new RowError(this.index.event_name === undefined ? null : 'event_name', 'has no event name (map a column or set a default event name)');
    }

    const timeText = this.get(fields, 'event_time');
    if (this.index.event_time === undefined) throw new RowError(null, 'has no event time (map a column to Event time)');
    let eventTime: string;
    try {
      eventTime = parseEventTime(timeText, this.clock);
    } catch (error) {
      if (error instanceof TimeParseError) throw new RowError('event_time', error.message);
      throw error;
    }

    const valueText = this.get(fields, 'value');
    const valueMicros = valueText ? parseValue(valueText, this.options.decimalComma ?? false) : null;
    const currencyText = this.get(fields, 'currency');
    const currency = currencyText ? this.currency(currencyText) : this.defaultCurrency;

    let hashes: IdentityHashes;
    try {
      hashes = hashIdentityOrThrow(
        { email: this.get(fields, 'email'), phone: this.get(fields, 'phone'), firstName: this.get(fields, 'first_name'), lastName: this.get(fields, 'last_name') },
        this.options.defaultCountry,
      );
    } catch (error) {
      if (error instanceof IdentityError) throw new RowError(error.field as LegacyIdentityField, error.reason);
      throw error;
    }

    const ipText = this.get(fields, 'user_ip');
    if (ipText && !IpSchema.safeParse(ipText).success) throw new RowError('user_ip', 'is not an IPv4 or IPv6 address');

    let customParams: Record<string, string> | null = null;
    if (original !== null || this.custom.length > 0) {
      customParams = {};
      if (original !== null) customParams.conversion_name = original;
      for (const [i, header] of this.custom) if (fields[i] !== undefined && fields[i] !== '') customParams[header] = fields[i]!.slice(0, 1000);
    }
    const transactionId = this.get(fields, 'transaction_id') || null;
    const campaign = this.get(fields, 'campaign');
    const brand = this.get(fields, 'brand');
    const row: InsertRow = {
      // Assigned by the inserting thread (time-ordered ids in insert order).
      id: '',
      event_name: eventName,
      event_id: '',
      ...hashes,
      user_ip: ipText || null,
      user_agent: this.get(fields, 'user_agent') || null,
      event_value_micros: valueMicros,
      currency,
      transaction_id: transactionId,
      custom_params: customParams === null ? null : JSON.stringify(customParams),
      source: this.get(fields, 'source') || null,
      campaign_id: campaign ? this.lookups.campaignId(campaign) : null,
      brand_id: brand ? this.lookups.brandId(brand) : null,
      import_id: this.importId,
      gclid: this.get(fields, 'gclid') || null,
      gbraid: this.get(fields, 'gbraid') || null,
      wbraid: this.get(fields, 'wbraid') || null,
      fbc: this.get(fields, 'fbc') || null,
      fbp: this.get(fields, 'fbp') || null,
      consent_ad_user_data: this.consent(fields, 'consent_ad_user_data'),
      consent_ad_personalization: this.consent(fields, 'consent_ad_personalization'),
      event_time: eventTime,
      created_at: now,
      updated_at: now,
    };
    if (row.gbraid && row.wbraid) throw new RowError('wbraid', 'has both gbraid and wbraid (Google accepts only one click id)');
    row.event_id = this.get(fields, 'event_id') || deriveEventId(row, original);
    return row;
  }

  private currency(text: string): string {
    let cached = this.currencies.get(text);
    if (cached === undefined) {
      const parsed = CurrencySchema.safeParse(text);
      cached = parsed.success ? parsed.data : new RowError('currency', 'is not an ISO 4217 currency code');
      if (this.currencies.size < 1000) this.currencies.set(text, cached);
    }
    if (cached instanceof RowError) throw cached;
    return cached;
  }

  private consent(fields: string[], target: 'consent_ad_user_data' | 'consent_ad_personalization'): 'granted' | 'denied' | 'unspecified' {
    const value = CONSENT[this.get(fields, target).toLowerCase()];
    if (!value) throw new RowError(target, 'must be Granted, Denied or blank');
    return value;
  }
}

/**
 * Event id for rows without one: the same order of the same conversion is the same event (as Google
 * dedups by order id), otherwise a hash of the row's normalized content — so re-importing a file
 * never double-counts.
 */
export function deriveEventId(row: InsertRow, conversionName: string | null): string {
  const name = conversionName ?? row.event_name;
  if (row.transaction_id) {
    const id = `${name}:${row.transaction_id}`;
    return id.length <= 200 ? id : `ord:${sha256Hex(id).slice(0, 40)}`;
  }
  const content = [
    name, row.event_time, row.event_value_micros, row.currency, row.user_email_hash, row.user_phone_hash, row.user_first_name_hash,
    row.user_last_name_hash, row.user_ip, row.gclid, row.gbraid, row.wbraid, row.fbc, row.fbp, row.custom_params, row.source,
  ];
  return `row:${sha256Hex(JSON.stringify(content)).slice(0, 40)}`;
}

export function toRowError(mapper: RowMapper, fields: string[], line: number, error: RowError): ImportRowError {
  return { row: line, column: mapper.columnOf(error.target), value: mapper.maskedValue(fields, error.target), reason: error.reason };
}
