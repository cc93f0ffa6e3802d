/**
 * conversion_events' CHECK constraints (migrations 0001, 0002) as plain JS, for the columns an import
 * writes. The import stores its batches with SQLite's CHECK evaluation off (PRAGMA
 * ignore_check_constraints): the four `length(x) = 64 AND x NOT GLOB '*[^0-9a-f]*'` hash checks alone
 * cost ~1.35 µs each, about a sixth of the pipeline thread's time per row on a 1M-row import. The
 * same rules are applied here first, so no row the database would refuse gets in; a test holds this
 * list to SQLite's own verdict on the same values.
 */
import { CONSENT_VALUES, EVENT_NAMES as CONVERSION_EVENT_NAMES } from '../../shared/domain/events';
import { INSERT_COLUMNS } from '../events/repo';

const HEX64 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const EVENT_NAMES = new Set<unknown>(CONVERSION_EVENT_NAMES);
const CONSENT = new Set<unknown>(CONSENT_VALUES);
const at = (column: (typeof INSERT_COLUMNS)[number]) => INSERT_COLUMNS.indexOf(column);

const HASHES = (['user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash'] as const).map((c) => [c, at(c)] as const);
const EVENT_NAME = at('event_name');
const VALUE = at('event_value_micros');
const CURRENCY_AT = at('currency');
const CUSTOM = at('custom_params');
const CONSENTS = (['consent_ad_user_data', 'consent_ad_personalization'] as const).map((c) => [c, at(c)] as const);

/** Why the database would refuse these values (in INSERT_COLUMNS order), or null when it would store them. */
export function storableProblem(values: readonly unknown[]): string | null {
  for (const [column, i] of HASHES) {
    const value = values[i];
    if (value !== null && value !== undefined && (typeof value !== 'string' || !HEX64.test(value))) return `${column} is not 64 lowercase hex characters`;
  }
  if (!EVENT_NAMES.has(values[EVENT_NAME])) return `event_name ${String(values[EVENT_NAME])} is not one of ${CONVERSION_EVENT_NAMES.join(', ')}`;
  const micros = values[VALUE];
  if (micros !== null && micros !== undefined && !(typeof micros === 'number' && Number.isSafeInteger(micros) && micros >= 0)) return 'event_value_micros is not a whole number ≥ 0';
  if (typeof values[CURRENCY_AT] !== 'string' || !CURRENCY.test(values[CURRENCY_AT] as string)) return 'currency is not three capital letters';
  const custom = values[CUSTOM];
  if (custom !== null && custom !== undefined) {
    if (typeof custom !== 'string') return 'custom_params is not JSON text';
    try {
      JSON.parse(custom);
    } catch {
      return 'custom_params is not valid JSON';
    }
  }
  for (const [column, i] of CONSENTS) if (!CONSENT.has(values[i])) return `${column} is not granted, denied or unspecified`;
  return null;
}
