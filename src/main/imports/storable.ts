/**
 * conversion_events' CHECK constraints (migrations 0001, 0002, 0011) as plain JS, for the columns an
 * import writes. The import stores its batches with SQLite's CHECK evaluation off (PRAGMA
 * ignore_check_constraints): the `length(x) = 64 AND x NOT GLOB '*[^0-9a-f]*'` hash checks alone
 * cost ~1.35 µs each, about a sixth of the pipeline thread's time per row on a 1M-row import. The
 * same rules are applied here first, so no row the database would refuse gets in; a test holds this
 * list to SQLite's own verdict on the same values. 0011's Meta address hashes have no SQL CHECK (the
 * migration leaves them to the import): they get the same 64-hex rule here.
 */
import { CONSENT_VALUES, EVENT_NAMES as CONVERSION_EVENT_NAMES } from '../../shared/domain/events';
import { COL } from './columns';

/** Char codes 0–127 that a hash may hold: 0-9 and a-f. */
const HEX_DIGIT = new Uint8Array(128);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * /^[0-9a-f]{64}$/ as a loop: it runs on up to 15 columns of every row (the mapper thread), where
 * the regular expression took ~2.6 µs a row of the bench's 8 hashes (200k-row profile: 530 ms).
 */
export function isHex64(value: string): boolean {
  if (value.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || HEX_DIGIT[c] === 0) return false;
  }
  return true;
}
const CURRENCY = /^[A-Z]{3}$/;
const REGION = /^[A-Z]{2}$/;
const EVENT_NAMES = new Set<unknown>(CONVERSION_EVENT_NAMES);
const CONSENT = new Set<unknown>(CONSENT_VALUES);

const HASHES = (
  [
    'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
    'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
    'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  ] as const
).map((c) => [c, COL[c]] as const);
const CONSENTS = (['consent_ad_user_data', 'consent_ad_personalization'] as const).map((c) => [c, COL[c]] as const);

const isJson = (text: unknown): boolean => {
  if (typeof text !== 'string') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const present = (value: unknown) => value !== null && value !== undefined;

/** Why the database would refuse these values (in IMPORT_COLUMNS order), or null when it would store them. */
export function storableProblem(values: readonly unknown[]): string | null {
  for (const [column, i] of HASHES) {
    const value = values[i];
    if (present(value) && (typeof value !== 'string' || !isHex64(value))) return `${column} is not 64 lowercase hex characters`;
  }
  if (!EVENT_NAMES.has(values[COL.event_name])) return `event_name ${String(values[COL.event_name])} is not one of ${CONVERSION_EVENT_NAMES.join(', ')}`;
  const micros = values[COL.event_value_micros];
  if (present(micros) && !(typeof micros === 'number' && Number.isSafeInteger(micros) && micros >= 0)) return 'event_value_micros is not a whole number ≥ 0';
  if (typeof values[COL.currency] !== 'string' || !CURRENCY.test(values[COL.currency] as string)) return 'currency is not three capital letters';
  if (present(values[COL.custom_params]) && !isJson(values[COL.custom_params])) return 'custom_params is not valid JSON';
  for (const [column, i] of CONSENTS) if (!CONSENT.has(values[i])) return `${column} is not granted, denied or unspecified`;
  const name = values[COL.conversion_name];
  if (present(name) && !(typeof name === 'string' && name.length >= 1 && name.length <= 200)) return 'conversion_name is not 1–200 characters';
  const region = values[COL.google_region_code];
  if (present(region) && !(typeof region === 'string' && REGION.test(region))) return 'google_region_code is not two capital letters';
  const postal = values[COL.google_postal_code];
  if (present(postal) && !(typeof postal === 'string' && postal.length >= 1 && postal.length <= 16)) return 'google_postal_code is not 1–16 characters';
  if (present(values[COL.data_processing_options]) && !isJson(values[COL.data_processing_options])) return 'data_processing_options is not valid JSON';
  const line = values[COL.source_line];
  if (present(line) && !(typeof line === 'number' && line >= 1)) return 'source_line is not ≥ 1';
  return null;
}
