/**
 * The Data Manager side of the fake Google: `events:ingest` validation exactly as
 * research/upload-apis.md §2.3–§2.6 / §2.9 describe (one bad event rejects the whole request, with
 * the google.rpc.Status envelope: ErrorInfo + RequestInfo + BadRequest field violations), and the
 * bookkeeping Google does after accepting a request: deduplication by transaction id, or by click id
 * + conversion action + time, and per-reason processing errors reported by `requestStatus:retrieve`.
 */

export interface Violation {
  field: string;
  description: string;
  reason: string;
}

export interface FakeConversionAction {
  id: string;
  name: string;
  type: string;
  status: string;
}

export interface FakeCustomer {
  customerId: string;
  /** When set, calls must name this manager as login account (Data Manager) / login-customer-id (Ads). */
  managerId?: string;
  actions: FakeConversionAction[];
}

/** Types whose conversions can be imported (Data Manager rejects others with INVALID_CONVERSION_ACTION_TYPE). */
export const IMPORTABLE_TYPES = new Set(['UPLOAD_CLICKS', 'UPLOAD_CALLS', 'STORE_SALES', 'WEBPAGE_CODELESS']);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const BASE64_SHA = /^[A-Za-z0-9+/]{43}=$/;
const CONSENT = new Set(['CONSENT_STATUS_UNSPECIFIED', 'CONSENT_GRANTED', 'CONSENT_DENIED']);
const EVENT_SOURCES = new Set(['EVENT_SOURCE_UNSPECIFIED', 'WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER']);
const ACCOUNT_TYPES = new Set(['GOOGLE_ADS', 'DISPLAY_VIDEO_PARTNER', 'DISPLAY_VIDEO_ADVERTISER', 'DATA_PARTNER']);
const EVENT_KEYS = new Set([
  'destinationReferences', 'transactionId', 'eventTimestamp', 'lastUpdatedTimestamp', 'userData', 'consent', 'adIdentifiers',
  'currency', 'conversionValue', 'eventSource', 'eventDeviceInfo', 'cartData', 'customVariables', 'experimentalFields', 'userProperties',
]);

export interface IngestBody {
  destinations?: {
    reference?: string;
    operatingAccount?: { accountId?: string; accountType?: string };
    loginAccount?: { accountId?: string; accountType?: string };
    productDestinationId?: string;
  }[];
  events?: IngestEventBody[];
  encoding?: string;
  validateOnly?: boolean;
  consent?: unknown;
}

export interface IngestEventBody {
  destinationReferences?: string[];
  transactionId?: string;
  eventTimestamp?: string;
  userData?: { userIdentifiers?: Record<string, unknown>[] };
  adIdentifiers?: { gclid?: string; gbraid?: string; wbraid?: string };
  consent?: { adUserData?: string; adPersonalization?: string };
  currency?: string;
  conversionValue?: number;
  eventSource?: string;
  [key: string]: unknown;
}

export type Rejection = { httpStatus: 400 | 403; status: string; reason: string; message: string; violations: Violation[] };

function hashOk(value: unknown, encoding: string | undefined): 'ok' | 'INVALID_HEX_ENCODING' | 'INVALID_BASE64_ENCODING' | 'INVALID_SHA256_FORMAT' {
  if (typeof value !== 'string') return 'INVALID_SHA256_FORMAT';
  if (encoding === 'BASE64') {
    if (!/^[A-Za-z0-9+/]+=*$/.test(value)) return 'INVALID_BASE64_ENCODING';
    return BASE64_SHA.test(value) ? 'ok' : 'INVALID_SHA256_FORMAT';
  }
  if (!/^[0-9a-fA-F]*$/.test(value) || value.length % 2) return 'INVALID_HEX_ENCODING';
  return HEX64.test(value) ? 'ok' : 'INVALID_SHA256_FORMAT';
}

/** Every violation of one request (empty = valid). Field paths follow the doc's example (§2.6). */
export function validateIngest(body: IngestBody, customers: Map<string, FakeCustomer>): Rejection | null {
  const violations: Violation[] = [];
  const add = (field: string, reason: string, description: string) => violations.push({ field, reason, description });
  const destinations = Array.isArray(body.destinations) ? body.destinations : [];
  const events = Array.isArray(body.events) ? body.events : [];
  if (!destinations.length) add('destinations', 'REQUIRED_FIELD_MISSING', 'At least one destination is required.');
  if (destinations.length > 10) add('destinations', 'TOO_MANY_DESTINATIONS', 'Maximum number of destinations allowed per request is 10.');
  if (!events.length) add('events', 'REQUIRED_FIELD_MISSING', 'At least one event is required.');
  if (events.length > 2000) add('events', 'TOO_MANY_EVENTS', 'At most 2000 events are allowed in a single request.');
  if (body.encoding !== undefined && body.encoding !== 'HEX' && body.encoding !== 'BASE64') add('encoding', 'INVALID_ENUM_VALUE', 'Unknown encoding.');
  const references = new Set<string>();
  destinations.forEach((d, i) => {
    const path = `destinations[${i}]`;
    if (d.reference !== undefined) {
      if (references.has(d.reference)) add(`${path}.reference`, 'DUPLICATE_DESTINATION_REFERENCE', 'Destination references must be unique.');
      references.add(d.reference);
    }
    const operating = d.operatingAccount;
    if (!operating?.accountId) add(`${path}.operating_account.account_id`, 'REQUIRED_FIELD_MISSING', 'Operating account id is required.');
    else if (!/^\d+$/.test(operating.accountId)) add(`${path}.operating_account.account_id`, 'INVALID_FORMAT', 'Account id must be digits only.');
    if (operating && !ACCOUNT_TYPES.has(operating.accountType ?? '')) add(`${path}.operating_account.account_type`, 'INVALID_ENUM_VALUE', 'Unknown account type.');
    if (d.loginAccount?.accountId !== undefined && !/^\d+$/.test(d.loginAccount.accountId)) add(`${path}.login_account.account_id`, 'INVALID_FORMAT', 'Account id must be digits only.');
    if (!d.productDestinationId) add(`${path}.product_destination_id`, 'REQUIRED_FIELD_MISSING', 'Product destination id is required.');
    else if (!/^\d+$/.test(d.productDestinationId)) add(`${path}.product_destination_id`, 'INVALID_CONVERSION_ACTION_ID', 'Conversion action id must be numeric.');
  });
  const anyUserData = events.some((e) => e && e.userData !== undefined);
  if (anyUserData && body.encoding === undefined) add('encoding', 'REQUIRED_FIELD_MISSING', 'Encoding is required when user data is sent.');
  events.forEach((event, i) => {
    const path = `events[${i}]`;
    if (typeof event !== 'object' || event === null) return add(path, 'INVALID_EVENT', 'Event must be an object.');
    for (const key of Object.keys(event)) if (!EVENT_KEYS.has(key)) add(`${path}.${key}`, 'INVALID_ARGUMENT', `Unknown field "${key}".`);
    const refs = (event as { destinationReferences?: unknown }).destinationReferences;
    if (refs !== undefined && (!Array.isArray(refs) || refs.some((r) => !references.has(r as string)))) add(`${path}.destination_references`, 'INVALID_DESTINATION', 'Unknown destination reference.');
    if (!event.eventTimestamp) add(`${path}.event_timestamp`, 'REQUIRED_FIELD_MISSING', 'Event timestamp is required.');
    else if (!RFC3339.test(event.eventTimestamp) || Number.isNaN(Date.parse(event.eventTimestamp))) add(`${path}.event_timestamp`, 'INVALID_FORMAT', 'Timestamp must be RFC 3339.');
    if (event.transactionId !== undefined && (typeof event.transactionId !== 'string' || !event.transactionId || event.transactionId.length > 256)) {
      add(`${path}.transaction_id`, 'INVALID_FORMAT', 'Transaction id must be a non-empty string.');
    }
    const ids = event.adIdentifiers ?? {};
    const clickIds = ['gclid', 'gbraid', 'wbraid'].filter((k) => (ids as Record<string, unknown>)[k] !== undefined);
    for (const key of clickIds) {
      const value = (ids as Record<string, unknown>)[key];
      if (typeof value !== 'string' || !value.trim()) add(`${path}.ad_identifiers.${key}`, 'INVALID_FORMAT', `${key} must be a non-empty string.`);
    }
    const identifiers = event.userData?.userIdentifiers ?? [];
    if (event.userData !== undefined && !identifiers.length) add(`${path}.user_data.user_identifiers`, 'REQUIRED_FIELD_MISSING', 'User data needs at least one identifier.');
    if (identifiers.length > 10) add(`${path}.user_data.user_identifiers`, 'TOO_MANY_USER_IDENTIFIERS', 'At most 10 user identifiers are allowed.');
    identifiers.forEach((identifier, j) => {
      const ipath = `${path}.user_data.user_identifiers[${j}]`;
      const keys = Object.keys(identifier ?? {});
      if (keys.length !== 1) return add(ipath, 'INVALID_ARGUMENT', 'Exactly one of email_address, phone_number or address must be set.');
      const key = keys[0]!;
      if (key === 'emailAddress' || key === 'phoneNumber') {
        const check = hashOk(identifier[key], body.encoding);
        if (check !== 'ok') add(`${ipath}.${key === 'emailAddress' ? 'email_address' : 'phone_number'}`, check, 'Value must be a SHA-256 hash in the request encoding.');
      } else if (key === 'address') {
        const address = identifier.address as Record<string, unknown>;
        for (const part of ['givenName', 'familyName'] as const) {
          const check = hashOk(address?.[part], body.encoding);
          if (check !== 'ok') add(`${ipath}.address.${part === 'givenName' ? 'given_name' : 'family_name'}`, check, 'Value must be a SHA-256 hash in the request encoding.');
        }
        if (typeof address?.regionCode !== 'string' || !/^[A-Z]{2}$/.test(address.regionCode)) add(`${ipath}.address.region_code`, 'INVALID_COUNTRY_CODE', 'Region code must be ISO-3166-1 alpha-2.');
        if (typeof address?.postalCode !== 'string' || !address.postalCode.trim() || HEX64.test(address.postalCode)) add(`${ipath}.address.postal_code`, 'INVALID_POSTAL_CODE', 'Postal code must be sent in clear.');
      } else add(ipath, 'INVALID_ARGUMENT', `Unknown identifier "${key}".`);
    });
    if (!clickIds.length && !identifiers.length) add(path, 'NO_IDENTIFIERS_PROVIDED', 'An event needs user identifiers or ad identifiers.');
    if (event.currency !== undefined && !/^[A-Z]{3}$/.test(event.currency)) add(`${path}.currency`, 'INVALID_CURRENCY_CODE', 'Currency must be ISO 4217.');
    if (event.conversionValue !== undefined && (typeof event.conversionValue !== 'number' || !Number.isFinite(event.conversionValue))) add(`${path}.conversion_value`, 'INVALID_NUMBER_FORMAT', 'Conversion value must be a number.');
    for (const key of ['adUserData', 'adPersonalization'] as const) {
      const value = event.consent?.[key];
      if (value !== undefined && !CONSENT.has(value)) add(`${path}.consent.${key === 'adUserData' ? 'ad_user_data' : 'ad_personalization'}`, 'INVALID_ENUM_VALUE', 'Unknown consent status.');
    }
    if (event.eventSource !== undefined && !EVENT_SOURCES.has(event.eventSource)) add(`${path}.event_source`, 'INVALID_ENUM_VALUE', 'Unknown event source.');
  });
  if (violations.length) return { httpStatus: 400, status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT', message: 'There was a problem with the request.', violations };

  // Account checks come after the format checks (a malformed request never reaches them).
  for (const [i, d] of destinations.entries()) {
    const customer = customers.get(d.operatingAccount!.accountId!);
    if (!customer || (customer.managerId && d.loginAccount?.accountId !== customer.managerId)) {
      return { httpStatus: 403, status: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED', message: 'The caller does not have permission', violations: [] };
    }
    const action = customer.actions.find((a) => a.id === d.productDestinationId);
    if (!action) return { httpStatus: 400, status: 'INVALID_ARGUMENT', reason: 'INVALID_CONVERSION_ACTION_ID', message: 'There was a problem with the request.', violations: [{ field: `destinations[${i}].product_destination_id`, reason: 'INVALID_CONVERSION_ACTION_ID', description: 'Conversion action not found in the operating account.' }] };
    if (!IMPORTABLE_TYPES.has(action.type) || action.status !== 'ENABLED') {
      return { httpStatus: 400, status: 'INVALID_ARGUMENT', reason: 'INVALID_CONVERSION_ACTION_TYPE', message: 'There was a problem with the request.', violations: [{ field: `destinations[${i}].product_destination_id`, reason: 'INVALID_CONVERSION_ACTION_TYPE', description: 'The conversion action cannot receive imported conversions.' }] };
    }
  }
  return null;
}

/** What Google keeps of an accepted event, and how many times it was received. */
export interface AcceptedConversion {
  key: string;
  actionId: string;
  transactionId: string | null;
  clickId: string | null;
  eventTimestamp: string;
  event: IngestEventBody;
  received: number;
  requestIds: string[];
}

/**
 * Google counts a conversion once per conversion action and transaction id; without one, once per
 * click id + action + conversion time (the "same click + name + time counts once" rule, DESIGN §7).
 * Events with neither have no dedup key: every receipt counts.
 */
export function dedupKey(actionId: string, event: IngestEventBody, receipt: number): string {
  if (event.transactionId) return `${actionId}|tx|${event.transactionId}`;
  const click = event.adIdentifiers?.gclid ?? event.adIdentifiers?.gbraid ?? event.adIdentifiers?.wbraid;
  if (click) return `${actionId}|click|${click}|${Date.parse(event.eventTimestamp ?? '')}`;
  return `${actionId}|receipt|${receipt}`;
}
