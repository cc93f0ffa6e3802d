/**
 * Data Manager `events:ingest` requests built from stored events, and the pre-flight that catches
 * locally everything the API would reject — Data Manager refuses the whole request for one bad
 * event (research/upload-apis.md §2.3–§2.6; field rules §2.4, formatting §2.5).
 *
 * Pure functions: rows in, JSON-ready objects or exclusions out. One request carries one
 * destination (one conversion action) and at most 2,000 events.
 */
import { GOOGLE_WINDOW_DAYS, FUTURE_TOLERANCE_MS } from '../exports/formats';
import { parseStoredUtc } from '../exports/zone-time';
import { googleActionFor, type Destination } from '../../shared/domain/destinations';
import type { ConversionEventName } from '../../shared/domain/events';
import type { AppSettings } from '../../shared/domain/settings';
import { jsonText } from '../send/body';
import { isImportable, type ConversionAction } from './actions';

/** "At most 2000 Event resources … in a single request" (§2.3). */
export const MAX_EVENTS_PER_REQUEST = 2000;

const DAY_MS = 86_400_000;
const HEX64 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** The conversion_events columns the Google destination reads. */
export const GOOGLE_COLUMNS = [
  'id', 'event_id', 'event_name', 'conversion_name', 'event_time', 'event_value_micros', 'currency', 'transaction_id',
  'gclid', 'gbraid', 'wbraid', 'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'google_region_code', 'google_postal_code', 'consent_ad_user_data', 'consent_ad_personalization',
] as const;

export interface GoogleEventRow {
  id: string;
  event_id: string;
  event_name: string;
  conversion_name: string | null;
  event_time: string;
  event_value_micros: number | null;
  currency: string;
  transaction_id: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
  user_email_hash: string | null;
  user_phone_hash: string | null;
  user_first_name_hash: string | null;
  user_last_name_hash: string | null;
  google_region_code: string | null;
  google_postal_code: string | null;
  consent_ad_user_data: string;
  consent_ad_personalization: string;
}

type ConsentStatus = 'CONSENT_GRANTED' | 'CONSENT_DENIED';

export interface DmUserIdentifier {
  emailAddress?: string;
  phoneNumber?: string;
  address?: { givenName: string; familyName: string; regionCode: string; postalCode: string };
}

/** One Event of IngestEventsRequest (§2.4), as sent. */
export interface DmEvent {
  transactionId?: string;
  eventTimestamp: string;
  eventSource: 'OTHER';
  adIdentifiers?: { gclid: string } | { gbraid: string } | { wbraid: string };
  userData?: { userIdentifiers: DmUserIdentifier[] };
  consent?: { adUserData?: ConsentStatus; adPersonalization?: ConsentStatus };
  conversionValue?: number;
  currency: string;
}

export interface DmDestination {
  operatingAccount: { accountType: 'GOOGLE_ADS'; accountId: string };
  loginAccount?: { accountType: 'GOOGLE_ADS'; accountId: string };
  productDestinationId: string;
}

export interface IngestRequest {
  destinations: [DmDestination];
  encoding: 'HEX';
  validateOnly: boolean;
  events: DmEvent[];
}

export type GoogleExclusionCode =
  | 'no_conversion_action'
  | 'unknown_conversion_action'
  | 'no_identifiers'
  | 'both_braids'
  | 'too_old'
  | 'in_future'
  | 'currency_mismatch'
  | 'invalid_value';

export interface GoogleExclusion {
  code: GoogleExclusionCode;
  reason: string;
}

export interface GoogleAccount {
  /** The Google Ads customer id that owns the conversion actions (operating account), digits only. */
  customerId: string;
  /** The manager account the user reaches it through (login account), digits only; null when direct. */
  loginCustomerId: string | null;
}

export interface BuildContext {
  account: GoogleAccount;
  settings: AppSettings;
  /** The account's conversion actions by exact name (from googleAds:search). */
  actionsByName: ReadonlyMap<string, ConversionAction>;
  /** "Now" for the time window. */
  nowMs: number;
  /** The conversion-name resolver (defaults to googleActionFor; the sender passes a memoized one). */
  resolveName?: (event: { event_name: ConversionEventName; conversion_name: string | null }) => Destination;
}

/**
 * The account's enabled, importable action an event goes to — by the shared resolver (Settings →
 * Conversion names, the event's own name, the category's action), the same one the file export uses —
 * or why there is none. Checked against the account's listing before anything is sent.
 */
export function resolveAction(row: Pick<GoogleEventRow, 'event_name' | 'conversion_name'>, context: Pick<BuildContext, 'actionsByName' | 'account' | 'settings' | 'resolveName'>): ConversionAction | GoogleExclusion {
  const names = { event_name: row.event_name as ConversionEventName, conversion_name: row.conversion_name };
  const mapped = context.resolveName ? context.resolveName(names) : googleActionFor(context.settings, names);
  if (mapped.name === null) return { code: 'no_conversion_action', reason: mapped.reason };
  const name = mapped.name;
  const action = context.actionsByName.get(name);
  const where = `Google Ads account ${context.account.customerId}`;
  if (!action) return { code: 'unknown_conversion_action', reason: `conversion action "${name}" does not exist in ${where} (names must match exactly; refresh the list in Settings → Conversion names)` };
  if (action.status !== 'ENABLED') return { code: 'unknown_conversion_action', reason: `conversion action "${name}" is ${action.status.toLowerCase()} in ${where}; only enabled actions receive conversions` };
  if (!isImportable(action)) return { code: 'unknown_conversion_action', reason: `conversion action "${name}" has type ${action.type}; only "Import from clicks" (UPLOAD_CLICKS) actions receive imported conversions` };
  return action;
}

/** RFC 3339 in UTC, without a fractional part when it is zero ("2026-10-01T12:05:00Z"). */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

function consentStatus(value: string, fallback: string): ConsentStatus | undefined {
  const effective = value === 'unspecified' ? fallback : value;
  return effective === 'granted' ? 'CONSENT_GRANTED' : effective === 'denied' ? 'CONSENT_DENIED' : undefined;
}

/** micros → a JSON number with the decimal's shortest spelling (12_300_000 → 12.3). */
function value(micros: number): number {
  return micros / 1_000_000;
}

export interface Prepared {
  action: ConversionAction;
  event: DmEvent;
}

/** What the pre-flight found in a sendable event: everything its body is written from. */
interface Sendable {
  action: ConversionAction;
  ms: number;
  click: 'gclid' | 'gbraid' | 'wbraid' | null;
  email: boolean;
  phone: boolean;
  address: boolean;
  adUserData: ConsentStatus | undefined;
  adPersonalization: ConsentStatus | undefined;
}

/** The pre-flight of one event: why it cannot go, or what its body is made of. Everything §2.9's validation checks is checked here. */
function examine(row: GoogleEventRow, context: BuildContext): Sendable | GoogleExclusion {
  const problems: GoogleExclusion[] = [];
  const resolved = resolveAction(row, context);
  if ('code' in resolved) problems.push(resolved);

  const ms = parseStoredUtc(row.event_time);
  if (Number.isNaN(ms)) problems.push({ code: 'too_old', reason: `conversion time "${row.event_time}" is not a valid time` });
  else if (ms < context.nowMs - GOOGLE_WINDOW_DAYS * DAY_MS) problems.push({ code: 'too_old', reason: `conversion time ${row.event_time} is more than ${GOOGLE_WINDOW_DAYS} days ago; Google Ads no longer accepts it` });
  else if (ms > context.nowMs + FUTURE_TOLERANCE_MS) problems.push({ code: 'in_future', reason: `conversion time ${row.event_time} is in the future` });

  const required = context.settings.google.requiredCurrency;
  if (!CURRENCY.test(row.currency)) problems.push({ code: 'currency_mismatch', reason: `currency "${row.currency}" is not an ISO 4217 code` });
  else if (required && row.currency !== required) problems.push({ code: 'currency_mismatch', reason: `currency ${row.currency} differs from the Google Ads account currency ${required} (Settings)` });
  if (row.event_value_micros !== null && (row.event_value_micros < 0 || !Number.isSafeInteger(row.event_value_micros))) {
    problems.push({ code: 'invalid_value', reason: 'conversion value is negative; Google takes values of 0 or more' });
  }

  // Exactly one click id: Google refuses a gbraid together with a wbraid (DESIGN.md §7).
  if (!row.gclid && row.gbraid && row.wbraid) problems.push({ code: 'both_braids', reason: 'has both a GBRAID and a WBRAID; Google accepts exactly one click id' });
  const email = !!row.user_email_hash && HEX64.test(row.user_email_hash);
  const phone = !!row.user_phone_hash && HEX64.test(row.user_phone_hash);
  // AddressInfo's four fields are all REQUIRED (DM user_data.proto): send the address only when the
  // event has both name hashes, the region and the postal code; names hashed, region and postal in clear.
  const address = !!(row.user_first_name_hash && row.user_last_name_hash && row.google_region_code && row.google_postal_code && HEX64.test(row.user_first_name_hash) && HEX64.test(row.user_last_name_hash));
  const click = row.gclid ? 'gclid' : row.gbraid && !row.wbraid ? 'gbraid' : row.wbraid && !row.gbraid ? 'wbraid' : null;
  if (!click && !email && !phone && !address && !(row.gbraid && row.wbraid)) {
    problems.push({ code: 'no_identifiers', reason: 'no click id (GCLID, GBRAID or WBRAID) and no hashed email, phone or full address for Google to match on' });
  }
  if (problems.length) return problems.length === 1 ? problems[0]! : { code: problems[0]!.code, reason: problems.map((p) => p.reason).join('; ') };

  const { adUserData, adPersonalization } = context.settings.consentDefaults;
  return {
    action: resolved as ConversionAction,
    ms,
    click,
    email,
    phone,
    address,
    adUserData: consentStatus(row.consent_ad_user_data, adUserData),
    adPersonalization: consentStatus(row.consent_ad_personalization, adPersonalization),
  };
}

/**
 * The pre-flight and the event body in one pass: either the event as it will be sent (and the
 * action it goes to) or why it cannot go.
 */
export function prepareEvent(row: GoogleEventRow, context: BuildContext): Prepared | GoogleExclusion {
  const found = examine(row, context);
  if ('code' in found) return found;
  const identifiers: DmUserIdentifier[] = [];
  if (found.email) identifiers.push({ emailAddress: row.user_email_hash! });
  if (found.phone) identifiers.push({ phoneNumber: row.user_phone_hash! });
  if (found.address) identifiers.push({ address: { givenName: row.user_first_name_hash!, familyName: row.user_last_name_hash!, regionCode: row.google_region_code!, postalCode: row.google_postal_code! } });
  const click = found.click === 'gclid' ? { gclid: row.gclid! } : found.click === 'gbraid' ? { gbraid: row.gbraid! } : found.click === 'wbraid' ? { wbraid: row.wbraid! } : undefined;
  const { adUserData: userData, adPersonalization: personalization } = found;
  const event: DmEvent = {
    // Always when the event has an order id: Google deduplicates on it, so a resend counts once (§2.4, §2.7).
    ...(row.transaction_id ? { transactionId: row.transaction_id } : {}),
    eventTimestamp: rfc3339(found.ms),
    // UNCONFIRMED (§2.4): which eventSource Google recommends for offline CRM conversions; OTHER is the neutral choice.
    eventSource: 'OTHER',
    ...(click ? { adIdentifiers: click } : {}),
    ...(identifiers.length ? { userData: { userIdentifiers: identifiers } } : {}),
    ...(userData || personalization ? { consent: { ...(userData ? { adUserData: userData } : {}), ...(personalization ? { adPersonalization: personalization } : {}) } } : {}),
    ...(row.event_value_micros !== null ? { conversionValue: value(row.event_value_micros) } : {}),
    currency: row.currency,
  };
  return { action: found.action, event };
}

/**
 * prepareEvent with the event as its JSON text, written directly: the same text as
 * `JSON.stringify(prepareEvent(…).event)` (keys in the same order, values through jsonText), without
 * building the objects: the sender's reader thread spent ~8.6 µs per event on prepareEvent plus
 * JSON.stringify, most of it the spreads' garbage. test/google/event-json.test.ts compares the two.
 */
export function prepareEventJson(row: GoogleEventRow, context: BuildContext): { action: ConversionAction; json: string } | GoogleExclusion {
  const found = examine(row, context);
  if ('code' in found) return found;
  const parts: string[] = [];
  const transactionId = row.transaction_id ? jsonText(row.transaction_id) : undefined;
  if (transactionId !== undefined) parts.push(`"transactionId":${transactionId}`);
  parts.push(`"eventTimestamp":${jsonText(rfc3339(found.ms))}`, '"eventSource":"OTHER"');
  if (found.click) {
    const click = jsonText(row[found.click]);
    parts.push(`"adIdentifiers":{${click === undefined ? '' : `"${found.click}":${click}`}}`);
  }
  if (found.email || found.phone || found.address) {
    const ids: string[] = [];
    if (found.email) ids.push(`{"emailAddress":${jsonText(row.user_email_hash)}}`);
    if (found.phone) ids.push(`{"phoneNumber":${jsonText(row.user_phone_hash)}}`);
    if (found.address) {
      ids.push(`{"address":{"givenName":${jsonText(row.user_first_name_hash)},"familyName":${jsonText(row.user_last_name_hash)},"regionCode":${jsonText(row.google_region_code)},"postalCode":${jsonText(row.google_postal_code)}}}`);
    }
    parts.push(`"userData":{"userIdentifiers":[${ids.join(',')}]}`);
  }
  if (found.adUserData || found.adPersonalization) {
    const consent: string[] = [];
    if (found.adUserData) consent.push(`"adUserData":"${found.adUserData}"`);
    if (found.adPersonalization) consent.push(`"adPersonalization":"${found.adPersonalization}"`);
    parts.push(`"consent":{${consent.join(',')}}`);
  }
  if (row.event_value_micros !== null) parts.push(`"conversionValue":${jsonText(value(row.event_value_micros))}`);
  const currency = jsonText(row.currency);
  if (currency !== undefined) parts.push(`"currency":${currency}`);
  return { action: found.action, json: `{${parts.join(',')}}` };
}

/** The destination block for one conversion action. */
export function destinationFor(account: GoogleAccount, actionId: string): DmDestination {
  return {
    operatingAccount: { accountType: 'GOOGLE_ADS', accountId: account.customerId },
    ...(account.loginCustomerId ? { loginAccount: { accountType: 'GOOGLE_ADS' as const, accountId: account.loginCustomerId } } : {}),
    // The numeric conversion action id, not its resource name (§2.3).
    productDestinationId: actionId,
  };
}

export function buildIngestRequest(account: GoogleAccount, actionId: string, events: DmEvent[], validateOnly: boolean): IngestRequest {
  if (events.length < 1 || events.length > MAX_EVENTS_PER_REQUEST) throw new RangeError(`an ingest request holds 1 to ${MAX_EVENTS_PER_REQUEST} events, not ${events.length}`);
  return { destinations: [destinationFor(account, actionId)], encoding: 'HEX', validateOnly, events };
}

/** Warnings on sendable events: no order id (only click + action + time deduplicates), consent unspecified. */
export function googleWarnings(event: DmEvent, counts: { noOrderId: number; consentUnspecified: number }): void {
  if (!event.transactionId) counts.noOrderId++;
  if (!event.consent?.adUserData || !event.consent.adPersonalization) counts.consentUnspecified++;
}
