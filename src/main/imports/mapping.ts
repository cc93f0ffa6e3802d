import { sha256Hex } from '../identity';
import type { ImportMapping, ImportTarget } from '../../shared/domain/imports';

/** Case-, accent- and punctuation-insensitive form of a header: "Phone Number" → "phonenumber". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Header synonyms per target, best first. Sources: Google Ads upload templates (click conversions,
 * enhanced conversions for leads), Meta offline-event / CAPI parameter names, HubSpot, Salesforce,
 * Shopify, WooCommerce and Stripe exports, and common German/French/Spanish CRM headers.
 */
const SYNONYMS: Record<Exclude<ImportTarget, 'ignore' | 'custom'>, string[]> = {
  event_name: ['conversionname', 'eventname', 'conversionaction', 'conversiontype', 'actionname', 'event', 'goal'],
  event_id: ['eventid', 'conversionid', 'dedupid', 'deduplicationid', 'uniqueid'],
  email: ['email', 'emailaddress', 'em', 'useremail', 'customeremail', 'contactemail', 'billingemail', 'hashedemail', 'emailsha256', 'mail', 'courriel', 'correo', 'correoelectronico'],
  phone: ['phonenumber', 'phone', 'ph', 'mobilephone', 'mobile', 'mobilenumber', 'cellphone', 'telephone', 'tel', 'contactphone', 'billingphone', 'shippingphone', 'hashedphonenumber', 'telefon', 'telefono'],
  first_name: ['firstname', 'fn', 'givenname', 'first', 'forename', 'vorname', 'prenom', 'nombre', 'billingfirstname'],
  last_name: ['lastname', 'ln', 'surname', 'familyname', 'last', 'nachname', 'nom', 'apellido', 'billinglastname'],
  user_ip: ['ipaddress', 'clientipaddress', 'ip', 'userip'],
  user_agent: ['useragent', 'clientuseragent', 'browseruseragent'],
  value: ['conversionvalue', 'value', 'revenue', 'amount', 'total', 'ordertotal', 'totalprice', 'ordervalue', 'saleamount', 'sale', 'betrag', 'umsatz', 'montant', 'importe', 'price'],
  currency: ['conversioncurrency', 'currency', 'currencycode', 'ordercurrency', 'opportunitycurrency', 'isocurrencycode', 'wahrung', 'devise', 'moneda'],
  transaction_id: ['orderid', 'transactionid', 'ordernumber', 'orderno', 'ordername', 'opportunityid', 'dealid', 'recordid', 'id', 'invoicenumber', 'invoiceid', 'bestellnummer', 'commande', 'pedido'],
  event_time: ['conversiontime', 'eventtime', 'conversiondate', 'closedate', 'createdat', 'createdate', 'createddate', 'paidat', 'orderdate', 'purchasedate', 'timestamp', 'datetime', 'date', 'time', 'datum', 'fecha'],
  gclid: ['googleclickid', 'gclid', 'gclidc', 'clickid'],
  gbraid: ['gbraid'],
  wbraid: ['wbraid'],
  fbc: ['fbc', 'clickidfacebook'],
  fbp: ['fbp', 'browseridfacebook'],
  consent_ad_user_data: ['aduserdata', 'consentaduserdata'],
  consent_ad_personalization: ['adpersonalization', 'consentadpersonalization'],
  campaign: ['campaign', 'campaignname', 'utmcampaign'],
  brand: ['brand', 'brandname'],
  source: ['source', 'leadsource', 'originalsource', 'actionsource', 'utmsource', 'channel'],
  city: ['city', 'ct', 'billingcity', 'town', 'ville', 'stadt', 'ort', 'ciudad'],
  state: ['state', 'st', 'region', 'province', 'stateprovince', 'billingstate', 'billingprovince', 'billingprovincecode', 'bundesland'],
  zip: ['zip', 'zipcode', 'postalcode', 'postcode', 'billingzip', 'billingpostcode', 'billingpostalcode', 'plz', 'codepostal', 'codigopostal'],
  country: ['country', 'countrycode', 'billingcountry', 'billingcountrycode', 'pays', 'land', 'pais'],
  date_of_birth: ['dob', 'dateofbirth', 'birthdate', 'birthday', 'geburtsdatum', 'datedenaissance'],
  gender: ['gender', 'gen', 'sex', 'ge', 'geschlecht'],
  external_id: ['externalid', 'customerid', 'userid', 'contactid', 'crmid'],
  data_processing_options: ['dataprocessingoptions'],
  dpo_country: ['dataprocessingoptionscountry'],
  dpo_state: ['dataprocessingoptionsstate'],
};

/** Containers of Meta's CAPI and Events Manager exports: `user.phone`, `user_data.em`, `custom_data.value`. */
const CONTAINER_PREFIXES = new Set(['user', 'userdata', 'custom', 'customdata']);

/** A zone named in a header's parentheses: "Created date (UTC)", "Time (Europe/Paris)", "Date (GMT+2)" is not one. */
const HEADER_ZONE = /\(\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2}|[A-Za-z]+\/[A-Za-z_/+-]+)\s*\)/i;

/** The zone a header names in parentheses ("Created date (UTC)" → "UTC"), or null. */
export function headerZone(header: string): string | null {
  const match = HEADER_ZONE.exec(header);
  if (!match) return null;
  return /^(Z|GMT|UTC)$/i.test(match[1]!) ? 'UTC' : match[1]!;
}

/** The forms a header is matched under: itself, without a parenthesized note, without a Meta container prefix. */
function headerForms(header: string): string[] {
  const forms = [normalizeHeader(header)];
  const bare = header.replace(/\([^)]*\)/g, '').trim();
  if (bare !== header.trim()) forms.push(normalizeHeader(bare));
  const dotted = /^\[?\s*([A-Za-z_]+)\s*[.\]]\s*\[?([^.\]]+)\]?\s*$/.exec(bare);
  if (dotted && CONTAINER_PREFIXES.has(normalizeHeader(dotted[1]!))) forms.push(normalizeHeader(dotted[2]!));
  return forms;
}

/** Shopify's order export calls the order number "Name" — a full name elsewhere. */
const SHOPIFY_MARKERS = ['financialstatus', 'fulfillmentstatus'];

/** Suggests a target per column. When several headers fit one target, the best synonym wins; matching ignores case. */
export function autoMap(headers: string[]): ImportMapping {
  const forms = headers.map(headerForms);
  const columns: ImportTarget[] = headers.map(() => 'ignore');
  const shopify = SHOPIFY_MARKERS.some((marker) => forms.some((f) => f[0] === marker));
  const claim = (target: ImportTarget, synonyms: string[]) => {
    if (columns.includes(target)) return;
    for (const synonym of synonyms) {
      const index = forms.findIndex((f, i) => f.includes(synonym) && columns[i] === 'ignore');
      if (index >= 0) {
        columns[index] = target;
        return;
      }
    }
  };
  if (shopify) {
    claim('transaction_id', ['name']);
  }
  for (const [target, synonyms] of Object.entries(SYNONYMS) as [ImportTarget, string[]][]) claim(target, synonyms);
  return { columns };
}

/** Headers only Meta's offline-event / CAPI files use (a file with them was hashed by Meta's rules). */
const META_HEADERS = new Set(['em', 'ph', 'fn', 'ln', 'ct', 'st', 'dob', 'doby', 'gen', 'madid', 'fbc', 'fbp', 'dataprocessingoptions', 'externalid']);
/** Headers of Google Ads' upload templates. */
const GOOGLE_HEADERS = new Set(['googleclickid', 'conversionname', 'conversiontime', 'gclid', 'gbraid', 'wbraid', 'hashedemail', 'hashedphonenumber']);

/** The platform whose normalization a file's pre-hashed identifiers follow, judged from its headers. */
export function prehashedPlatformOf(headers: string[]): 'google' | 'meta' | null {
  let meta = 0;
  let google = 0;
  for (const header of headers) {
    const forms = headerForms(header);
    if (/^\s*\[|^\s*(user|user_data|custom_data)\./i.test(header) || forms.some((f) => META_HEADERS.has(f))) meta++;
    if (forms.some((f) => GOOGLE_HEADERS.has(f))) google++;
  }
  if (meta > google) return 'meta';
  if (google > meta) return 'google';
  return null;
}

/**
 * Resolves `{"Header": "target"}` against the file's headers, ignoring case (a Map, so a header named
 * "toString" or "__proto__" is a header like any other). Unknown names are refused with the file's headers.
 */
export function mappingByHeader(headers: string[], byHeader: [string, unknown][]): { columns: string[] } | { unknown: string[] } {
  const wanted = new Map<string, unknown>();
  for (const [name, target] of byHeader) wanted.set(name.trim().toLowerCase(), target);
  const used = new Set<string>();
  const columns = headers.map((header) => {
    const key = header.trim().toLowerCase();
    if (!wanted.has(key) || used.has(key)) return 'ignore';
    used.add(key);
    return String(wanted.get(key));
  });
  const unknown = [...wanted.keys()].filter((key) => !used.has(key));
  if (unknown.length) return { unknown: byHeader.map(([name]) => name).filter((name) => unknown.includes(name.trim().toLowerCase())) };
  return { columns };
}

/** Stable key of a header set: same headers (ignoring case, punctuation, order of nothing) → same key. */
export function headerKey(headers: string[]): string {
  return sha256Hex(headers.map(normalizeHeader).join('\u0001'));
}
