/**
 * Upload-file formats, as pure functions of (settings, now) → header text + one line per event or an
 * exclusion with its reason. No I/O here: the worker streams the lines to disk.
 *
 * Sources (checked 2026-11; items marked "unconfirmed" follow DESIGN.md §7 and practitioners' files):
 * - Google Ads, conversions from clicks (file upload): template, `Parameters:TimeZone=` line, column
 *   names, Granted/Denied consent columns, 90-day click window —
 *   https://support.google.com/google-ads/answer/7014069
 * - Google Ads, enhanced conversions for leads (hashed email / phone, Google normalization) —
 *   https://support.google.com/google-ads/answer/11021502 and
 *   https://developers.google.com/google-ads/api/docs/conversions/upload-identifiers
 * - Google Ads API ClickConversion (exactly one of gclid / gbraid / wbraid; consent values) —
 *   https://developers.google.com/google-ads/api/docs/conversions/upload-clicks
 * - Meta Conversions API for offline events (event_time in Unix seconds, 7-day window, user_data
 *   em/ph/fn/ln hashed, custom_data value/currency/order_id, action_source physical_store) —
 *   https://developers.facebook.com/docs/marketing-api/conversions-api/offline-events and
 *   https://developers.facebook.com/docs/marketing-api/conversions-api/parameters
 * - CSV injection (cells starting with = + - @ TAB CR LF) —
 *   https://owasp.org/www-community/attacks/CSV_Injection
 */
import { destinationCache, googleActionFor, metaEventFor } from '../../shared/domain/destinations';
import type { ConversionEventName } from '../../shared/domain/events';
import type { ExclusionCode, ExportFormat, WarningCode } from '../../shared/domain/exports';
import { currencyMinorUnits, formatMicrosForCurrency, microsToDecimal } from '../../shared/domain/money';
import type { AppSettings } from '../../shared/domain/settings';
import { parseStoredUtc, ZoneClock } from './zone-time';

const DAY_MS = 86_400_000;
/**
 * Google imports a conversion only within 90 days of its click (support.google.com/google-ads/answer/7014069).
 * The click time is not known here, but a conversion older than 90 days has an older click still, so
 * it can never be imported.
 */
export const GOOGLE_WINDOW_DAYS = 90;
/**
 * Meta's Conversions API rejects events whose event_time is more than 7 days old (and one bad event
 * rejects the whole request), except `action_source: physical_store` events, which may be uploaded up
 * to 62 days after the conversion (offline-events guidance; research/upload-apis.md §4.2).
 */
export const META_WINDOW_DAYS = 7;
export const META_PHYSICAL_STORE_WINDOW_DAYS = 62;

/** The age window Meta applies to this action_source. */
export function metaWindowDays(actionSource: string): number {
  return actionSource === 'physical_store' ? META_PHYSICAL_STORE_WINDOW_DAYS : META_WINDOW_DAYS;
}
/** Clock skew tolerated before an event counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The columns a format reads (all TEXT/INTEGER from conversion_events). */
export interface ExportRow {
  /** Always selected by the export loop (the excluded events' ids are looked up by it afterwards). */
  rowid: number;
  id: string;
  event_name: ConversionEventName;
  /** The event's own name (0011); NULL for events stored before it (their name is their category). */
  conversion_name?: string | null;
  event_id: string;
  event_time: string;
  event_value_micros: number | null;
  currency: string;
  transaction_id: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
  fbc: string | null;
  fbp: string | null;
  user_email_hash: string | null;
  user_phone_hash: string | null;
  meta_email_hash: string | null;
  meta_phone_hash: string | null;
  meta_first_name_hash: string | null;
  meta_last_name_hash: string | null;
  consent_ad_user_data: string;
  consent_ad_personalization: string;
  [column: string]: unknown;
}

export interface Exclusion {
  /** The first problem's code (an event is counted under every code in `codes`). */
  code: ExclusionCode;
  /** Every reason, joined with "; " (for one-line places: the send journal, the CLI). */
  reason: string;
  /** Every problem, in the order found (one reason per line on the Export screen). */
  codes?: ExclusionCode[];
  reasons?: string[];
}

export interface FormatWriter {
  /** Columns to SELECT besides rowid (conversion_events column names; fewer columns, faster reads). */
  columns: readonly string[];
  /** Everything before the first data line (Parameters line, header), ending with a newline. */
  head: string;
  /** One data line ending with a newline, or why the event cannot go to this destination. */
  line(row: ExportRow): string | Exclusion;
  /** Counts pre-flight warnings of an exported row into `counts`. */
  warn?(row: ExportRow, counts: Partial<Record<WarningCode, number>>): void;
}

export const WARNING_MESSAGES: Record<WarningCode, string> = {
  no_order_id: 'have no order id: if this file is uploaded twice, they count twice',
  consent_unspecified: 'have Ad User Data / Ad Personalization consent unspecified (set consent defaults in Settings if your users are in the EEA)',
  in_other_batch: 'were in another open batch; they move to this export’s batch',
};

function googleWarnings(adUserData: string, adPersonalization: string) {
  return (row: ExportRow, counts: Partial<Record<WarningCode, number>>) => {
    if (!row.transaction_id) counts.no_order_id = (counts.no_order_id ?? 0) + 1;
    const userData = row.consent_ad_user_data === 'unspecified' ? adUserData : row.consent_ad_user_data;
    const personalization = row.consent_ad_personalization === 'unspecified' ? adPersonalization : row.consent_ad_personalization;
    if (userData === 'unspecified' || personalization === 'unspecified') counts.consent_unspecified = (counts.consent_unspecified ?? 0) + 1;
  };
}

export interface FormatContext {
  settings: AppSettings;
  /** "Now" for the platform windows (fixed in tests). */
  nowMs: number;
}

// ---------------------------------------------------------------- CSV cells
// Written here rather than with Papa.unparse (issue 16): each format builds its line from cells it
// knows (hashes and numbers need no quoting check), and Papa.unparse measured slower — 1.3–1.5× the
// CPU of formatting a google-click row when called per line, 1.2× for the all-columns file even in
// batches of 1,000 — and it quotes cells with a leading or trailing space, which these files do not.

const NEEDS_QUOTES = /[",\r\n]/;
/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const FORMULA_START = /^[=+\-@\t\r\n]/;
/** Any line of a multi-line cell that starts (after spaces) like a formula. */
const FORMULA_LINE = /(?:^|[\r\n])[ ]*[=+\-@\t]/;
/**
 * OWASP CSV-injection defence for files meant for spreadsheets: a cell that starts with = + - @ TAB
 * CR or LF — or a multi-line cell any of whose lines does — gets a leading apostrophe, and the cell is
 * quoted. (papaparse's escapeFormulae misses multi-line cells and a leading LF; DESIGN.md §8.)
 */
export function spreadsheetCell(value: string): string {
  if (FORMULA_START.test(value) || FORMULA_LINE.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  return csvField(value);
}

export function csvLine(fields: readonly string[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) out += (i ? ',' : '') + csvField(fields[i]!);
  return `${out}\n`;
}

// ---------------------------------------------------------------- shared checks

const GOOGLE_CONSENT: Record<string, string> = { granted: 'Granted', denied: 'Denied', unspecified: '' };

function googleConsent(value: string, fallback: string): string {
  return GOOGLE_CONSENT[value === 'unspecified' ? fallback : value] ?? '';
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
/**
 * Value with exactly the currency's minor units (JPY 0, USD 2, KWD 3, half up); empty when the event
 * has none. Same result as formatMicrosForCurrency, in plain number arithmetic (micros are safe
 * integers, so every step is exact) because BigInt costs too much per row of a million-row file.
 */
export function platformValue(micros: number | null, currency: string): string {
  if (micros === null) return '';
  if (micros < 0 || !Number.isSafeInteger(micros + 500_000)) return formatMicrosForCurrency(micros, currency);
  const digits = currencyMinorUnits(currency);
  const step = POW10[6 - digits]!;
  const minor = Math.floor((micros + step / 2) / step);
  if (digits === 0) return String(minor);
  const scale = POW10[digits]!;
  const fraction = String(minor % scale);
  return `${Math.floor(minor / scale)}.${fraction.length < digits ? '0'.repeat(digits - fraction.length) + fraction : fraction}`;
}

/** The event's time as the account's clock shows it, the zone named ("2026-08-01 14:30:00 Europe/Paris"). */
function accountTime(clock: ZoneClock, ms: number): string {
  return `${clock.wallTime(ms)} ${clock.timeZone}`;
}

function windowChecks(row: ExportRow, nowMs: number, days: number, platform: string, clock: ZoneClock, out: Exclusion[]): number {
  const ms = parseStoredUtc(row.event_time);
  if (ms < nowMs - days * DAY_MS) {
    out.push({ code: 'too_old', reason: `conversion time ${accountTime(clock, ms)} is more than ${days} days ago; ${platform} no longer accepts it` });
  } else if (ms > nowMs + FUTURE_TOLERANCE_MS) {
    out.push({ code: 'in_future', reason: `conversion time ${accountTime(clock, ms)} is in the future` });
  }
  return ms;
}

function currencyCheck(row: ExportRow, required: string | null, platform: string, out: Exclusion[]): void {
  if (required && row.currency !== required) {
    out.push({ code: 'currency_mismatch', reason: `currency ${row.currency} differs from the ${platform} account currency ${required} (Settings → Destinations)` });
  }
}

export function combine(problems: Exclusion[]): Exclusion {
  if (problems.length === 1) return problems[0]!;
  return { code: problems[0]!.code, reason: problems.map((p) => p.reason).join('; '), codes: problems.map((p) => p.code), reasons: problems.map((p) => p.reason) };
}

// ---------------------------------------------------------------- Google: conversions from clicks

const GOOGLE_CLICK_HEADER = ['Google Click ID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', 'Order ID', 'Ad User Data', 'Ad Personalization'];

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'Etc/Universal', 'Etc/Zulu', 'Etc/GMT', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT', 'UCT', 'Universal', 'Zulu']);

/**
 * `Parameters:TimeZone=` takes a time zone id from Google's list or an offset (±HHMM); "UTC" itself is
 * not reliably on that list, so UTC is written as +0000.
 */
export function googleParameters(settings: AppSettings): string {
  return `Parameters:TimeZone=${UTC_NAMES.has(settings.timeZone) ? '+0000' : settings.timeZone}\n`;
}

const GOOGLE_CONVERSION_COLUMNS = ['event_name', 'conversion_name', 'event_time', 'event_value_micros', 'currency', 'transaction_id', 'gclid', 'consent_ad_user_data', 'consent_ad_personalization'];

/**
 * Google Ads click-conversion upload. One click id per row: the gclid, else the gbraid or wbraid
 * (the template has a single "Google Click ID" column; whether Google reads a GBRAID/WBRAID there is
 * unconfirmed — §7). An event with both a gbraid and a wbraid is excluded, as the API refuses it.
 */
function googleClick(context: FormatContext): FormatWriter {
  const google = googleConversion(context);
  return {
    columns: [...GOOGLE_CONVERSION_COLUMNS, 'gbraid', 'wbraid'],
    head: google.head(GOOGLE_CLICK_HEADER),
    warn: google.warn,
    line(row) {
      const problems: Exclusion[] = [];
      const name = google.actionName(row, problems);
      if (!row.gclid && !row.gbraid && !row.wbraid) problems.push({ code: 'no_click_id', reason: 'no click id (GCLID, GBRAID or WBRAID); use the enhanced-conversions-for-leads file for events with an email or phone' });
      else if (row.gbraid && row.wbraid) problems.push({ code: 'both_braids', reason: 'has both a GBRAID and a WBRAID; Google accepts exactly one click id' });
      const ms = google.check(row, problems);
      if (problems.length) return combine(problems);
      return csvField((row.gclid ?? row.gbraid ?? row.wbraid)!) + ',' + google.fields(row, name!, ms);
    },
  };
}

/**
 * What both Google files share: the Parameters line, the time-window and currency checks, and the
 * columns from Conversion Name to Ad Personalization (time in the account's zone, value in the
 * currency's decimals, consent with the defaults applied).
 */
function googleConversion({ settings, nowMs }: FormatContext) {
  const clock = new ZoneClock(settings.timeZone);
  const { adUserData, adPersonalization } = settings.consentDefaults;
  const actionOf = destinationCache(googleActionFor, settings);
  return {
    /** The conversion action this event is uploaded as (its own name unless mapped), or an exclusion. */
    actionName(row: ExportRow, problems: Exclusion[]): string | null {
      const action = actionOf(row);
      if (action.name === null) problems.push({ code: 'no_conversion_action', reason: action.reason });
      return action.name;
    },
    head: (header: readonly string[]) => googleParameters(settings) + csvLine(header),
    warn: googleWarnings(adUserData, adPersonalization),
    /** Adds the window and currency exclusions; returns the event time in ms. */
    check(row: ExportRow, problems: Exclusion[]): number {
      const ms = windowChecks(row, nowMs, GOOGLE_WINDOW_DAYS, 'Google Ads', clock, problems);
      currencyCheck(row, settings.google.requiredCurrency, 'Google Ads', problems);
      return ms;
    },
    fields(row: ExportRow, name: string, ms: number): string {
      return (
        csvField(name) + ',' +
        clock.wallTime(ms) + ',' +
        platformValue(row.event_value_micros, row.currency) + ',' +
        row.currency + ',' +
        csvField(row.transaction_id ?? '') + ',' +
        googleConsent(row.consent_ad_user_data, adUserData) + ',' +
        googleConsent(row.consent_ad_personalization, adPersonalization) + '\n'
      );
    },
  };
}


// ---------------------------------------------------------------- Google: enhanced conversions for leads

const GOOGLE_LEADS_HEADER = ['Email', 'Phone Number', 'Google Click ID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', 'Order ID', 'Ad User Data', 'Ad Personalization'];

/**
 * Google Ads enhanced conversions for leads: SHA-256 of the Google-normalized email (gmail dots
 * removed) and E.164 phone (with "+"), lowercase hex — the hashes computed at import. The gclid is
 * added when known (Google recommends sending it too).
 */
function googleLeads(context: FormatContext): FormatWriter {
  const google = googleConversion(context);
  return {
    columns: [...GOOGLE_CONVERSION_COLUMNS, 'user_email_hash', 'user_phone_hash', 'meta_email_hash', 'meta_phone_hash'],
    head: google.head(GOOGLE_LEADS_HEADER),
    warn: google.warn,
    line(row) {
      const problems: Exclusion[] = [];
      const name = google.actionName(row, problems);
      if (!row.user_email_hash && !row.user_phone_hash) {
        if (row.meta_email_hash || row.meta_phone_hash) {
          problems.push({ code: 'hashed_for_other_platform', reason: 'it has a Meta hash of its email / phone but no Google one: identifiers pre-hashed for Meta in the file cannot be used for Google, which normalizes them differently' });
        } else problems.push({ code: 'no_identifiers', reason: 'no hashed email or phone for Google; use the click-conversion file for events with only a click id' });
      }
      const ms = google.check(row, problems);
      if (problems.length) return combine(problems);
      return (row.user_email_hash ?? '') + ',' + (row.user_phone_hash ?? '') + ',' + csvField(row.gclid ?? '') + ',' + google.fields(row, name!, ms);
    },
  };
}

// ---------------------------------------------------------------- Meta

const META_HEADER = [
  'event_name', 'event_time', 'event_id', 'action_source',
  'em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'db', 'ge', 'external_id',
  'client_ip_address', 'client_user_agent', 'fbc', 'fbp',
  'value', 'currency', 'order_id',
  'data_processing_options', 'data_processing_options_country', 'data_processing_options_state',
];

const META_COLUMNS = [
  'event_name', 'conversion_name', 'event_id', 'event_time', 'event_value_micros', 'currency', 'transaction_id', 'fbc', 'fbp',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  'user_ip', 'user_agent', 'user_email_hash', 'user_phone_hash',
  'data_processing_options', 'dpo_country', 'dpo_state',
];

/** Meta's customer-information rule, the same as the import's pre-flight (imports/repo.ts matchKeys). */
function metaCanMatch(row: ExportRow): boolean {
  return !!(
    row.meta_email_hash || row.meta_phone_hash || row.meta_external_id_hash || row.fbc || row.fbp ||
    (row.meta_first_name_hash && row.meta_last_name_hash && (row.meta_zip_hash || row.meta_city_hash || row.meta_dob_hash)) ||
    (row.user_ip && row.user_agent)
  );
}

/** Limited Data Use: the options as Meta's file takes them ("LDU"; blank for none), country and state codes. */
function metaDataProcessing(row: ExportRow): string {
  let options = '';
  if (typeof row.data_processing_options === 'string') {
    try {
      const parsed: unknown = JSON.parse(row.data_processing_options);
      if (Array.isArray(parsed)) options = parsed.map(String).join(';');
    } catch {
      options = '';
    }
  }
  const code = (value: unknown) => (typeof value === 'number' ? String(value) : '');
  return csvField(options) + ',' + code(row.dpo_country) + ',' + code(row.dpo_state);
}

const hash = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Meta offline events with the Conversions API's field names (the gateway's file upload uses the
 * same names): Meta-normalized hashes (phone digits only, no "+"; names without punctuation; no
 * gmail rule; address, birth date, gender and external id hashed too), event_time in Unix seconds,
 * event_id for deduplication with the pixel, Limited Data Use as stored. The event name is the
 * event's own (InitiateCheckout stays InitiateCheckout) unless Settings map it otherwise.
 */
/**
 * Meta's pre-flight, shared by the Meta file and the Conversions API send (send/meta/destination.ts),
 * so both exclude the same events for the same reasons: every reason Meta would refuse the event,
 * its Meta event name and its time.
 */
export function metaPreflight({ settings, nowMs }: FormatContext): (row: ExportRow) => { problems: Exclusion[]; name: string | null; ms: number } {
  const eventOf = destinationCache(metaEventFor, settings);
  const windowDays = metaWindowDays(settings.meta.actionSource);
  const clock = new ZoneClock(settings.timeZone);
  return (row) => {
    const problems: Exclusion[] = [];
    const destination = eventOf(row);
    const name = destination.name;
    if (name === null) problems.push({ code: 'no_meta_event', reason: destination.reason });
    if (!metaCanMatch(row)) {
      if (row.user_email_hash || row.user_phone_hash) {
        problems.push({ code: 'hashed_for_other_platform', reason: 'it has a Google hash of its email / phone but no Meta one: identifiers pre-hashed for Google in the file cannot be used for Meta, which normalizes them differently' });
      } else problems.push({ code: 'no_identifiers', reason: 'no hashed email, phone, external id or name with address, no fbc/fbp and no IP with user agent for Meta to match on' });
    }
    if (name === 'Purchase' && (row.event_value_micros === null || !row.currency)) {
      problems.push({ code: 'purchase_without_value', reason: 'Meta requires a value and a currency for Purchase events; this one has no value' });
    }
    const ms = windowChecks(row, nowMs, windowDays, 'Meta', clock, problems);
    currencyCheck(row, settings.meta.requiredCurrency, 'Meta', problems);
    return { problems, name, ms };
  };
}

/** The columns Meta's pre-flight and event need (file and send alike). */
export const META_PREFLIGHT_COLUMNS: readonly string[] = META_COLUMNS;

function meta(context: FormatContext): FormatWriter {
  const { settings } = context;
  const check = metaPreflight(context);
  return {
    columns: META_COLUMNS,
    head: csvLine(META_HEADER),
    warn(row, counts) {
      if (!row.transaction_id) counts.no_order_id = (counts.no_order_id ?? 0) + 1;
    },
    line(row) {
      const { problems, name, ms } = check(row);
      if (problems.length) return combine(problems);
      return (
        csvField(name!) + ',' +
        Math.floor(ms / 1000) + ',' +
        csvField(row.event_id) + ',' +
        settings.meta.actionSource + ',' +
        hash(row.meta_email_hash) + ',' +
        hash(row.meta_phone_hash) + ',' +
        hash(row.meta_first_name_hash) + ',' +
        hash(row.meta_last_name_hash) + ',' +
        hash(row.meta_city_hash) + ',' +
        hash(row.meta_state_hash) + ',' +
        hash(row.meta_zip_hash) + ',' +
        hash(row.meta_country_hash) + ',' +
        hash(row.meta_dob_hash) + ',' +
        hash(row.meta_gender_hash) + ',' +
        hash(row.meta_external_id_hash) + ',' +
        csvField(hash(row.user_ip)) + ',' +
        csvField(hash(row.user_agent)) + ',' +
        csvField(row.fbc ?? '') + ',' +
        csvField(row.fbp ?? '') + ',' +
        platformValue(row.event_value_micros, row.currency) + ',' +
        row.currency + ',' +
        csvField(row.transaction_id ?? '') + ',' +
        metaDataProcessing(row) + '\n'
      );
    },
  };
}

// ---------------------------------------------------------------- CSV (all columns)

export const CSV_COLUMNS = [
  'id', 'event_name', 'conversion_name', 'event_id', 'sync_status', 'event_time', 'event_value', 'currency', 'transaction_id',
  'gclid', 'gbraid', 'wbraid', 'fbc', 'fbp',
  'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'user_ip', 'user_agent', 'consent_ad_user_data', 'consent_ad_personalization', 'custom_params', 'source',
  'campaign_id', 'brand_id', 'import_id', 'batch_id', 'sync_attempts', 'synced_at', 'sync_error', 'created_at', 'updated_at',
] as const;

/** Exact decimal with at least the currency's minor units (12.3 USD → 12.30; 1.23456 USD stays exact). */
export function spreadsheetValue(micros: number | null, currency: string): string {
  if (micros === null) return '';
  const exact = microsToDecimal(micros);
  const decimals = (exact.split('.')[1] ?? '').length;
  return decimals <= currencyMinorUnits(currency) ? formatMicrosForCurrency(micros, currency) : exact;
}

/** Every column, for spreadsheets: formula-looking cells escaped. Nothing is excluded. */
function csv(): FormatWriter {
  const columns = CSV_COLUMNS.map((c) => (c === 'event_value' ? 'event_value_micros' : c));
  return {
    columns,
    head: csvLine([...CSV_COLUMNS]),
    line(row) {
      let out = '';
      for (let i = 0; i < CSV_COLUMNS.length; i++) {
        const column = CSV_COLUMNS[i]!;
        const raw = column === 'event_value' ? spreadsheetValue(row.event_value_micros, row.currency) : row[column];
        out += (i ? ',' : '') + (raw === null || raw === undefined ? '' : spreadsheetCell(String(raw)));
      }
      return `${out}\n`;
    },
  };
}

export function createFormatWriter(format: ExportFormat, context: FormatContext): FormatWriter {
  switch (format) {
    case 'google-click':
      return googleClick(context);
    case 'google-leads':
      return googleLeads(context);
    case 'meta':
      return meta(context);
    case 'csv':
      return csv();
  }
}

export const FILE_EXTENSIONS: Record<ExportFormat, string> = { 'google-click': 'csv', 'google-leads': 'csv', meta: 'csv', csv: 'csv' };
