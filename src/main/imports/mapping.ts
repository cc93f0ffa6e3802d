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
 * enhanced conversions for leads), Meta offline-event / CAPI parameter names, HubSpot, Salesforce and
 * Shopify order exports, and common German/French/Spanish CRM headers.
 */
const SYNONYMS: Record<Exclude<ImportTarget, 'ignore' | 'custom'>, string[]> = {
  event_name: ['conversionname', 'eventname', 'conversionaction', 'conversiontype', 'actionname', 'event', 'goal'],
  event_id: ['eventid', 'conversionid', 'dedupid', 'deduplicationid', 'uniqueid'],
  email: ['email', 'emailaddress', 'em', 'useremail', 'customeremail', 'contactemail', 'hashedemail', 'emailsha256', 'mail', 'courriel', 'correo', 'correoelectronico'],
  phone: ['phonenumber', 'phone', 'ph', 'mobilephone', 'mobile', 'mobilenumber', 'cellphone', 'telephone', 'tel', 'contactphone', 'billingphone', 'shippingphone', 'hashedphonenumber', 'telefon', 'telefono', 'telephone'],
  first_name: ['firstname', 'fn', 'givenname', 'first', 'forename', 'vorname', 'prenom', 'nombre', 'billingfirstname'],
  last_name: ['lastname', 'ln', 'surname', 'familyname', 'last', 'nachname', 'nom', 'apellido', 'billinglastname'],
  user_ip: ['ipaddress', 'clientipaddress', 'ip', 'userip'],
  user_agent: ['useragent', 'clientuseragent', 'browseruseragent'],
  value: ['conversionvalue', 'value', 'revenue', 'amount', 'total', 'ordertotal', 'totalprice', 'ordervalue', 'saleamount', 'sale', 'betrag', 'umsatz', 'montant', 'importe', 'price'],
  currency: ['conversioncurrency', 'currency', 'currencycode', 'opportunitycurrency', 'isocurrencycode', 'wahrung', 'devise', 'moneda'],
  transaction_id: ['orderid', 'transactionid', 'ordernumber', 'orderno', 'ordername', 'opportunityid', 'dealid', 'invoicenumber', 'invoiceid', 'recordid', 'bestellnummer', 'commande', 'pedido'],
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
};

/** Shopify's order export calls the order number "Name" — a full name elsewhere. */
const SHOPIFY_MARKERS = ['financialstatus', 'fulfillmentstatus'];

/** Suggests a target per column. When several headers fit one target, the best synonym wins. */
export function autoMap(headers: string[]): ImportMapping {
  const normalized = headers.map(normalizeHeader);
  const columns: ImportTarget[] = headers.map(() => 'ignore');
  const shopify = SHOPIFY_MARKERS.some((marker) => normalized.includes(marker));
  const claim = (target: ImportTarget, synonyms: string[]) => {
    for (const synonym of synonyms) {
      const index = normalized.findIndex((header, i) => header === synonym && columns[i] === 'ignore');
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

/** Stable key of a header set: same headers (ignoring case, punctuation, order of nothing) → same key. */
export function headerKey(headers: string[]): string {
  return sha256Hex(headers.map(normalizeHeader).join('\u0001'));
}
