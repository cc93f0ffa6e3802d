import type { ImportTarget } from '../../shared/domain/imports';

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;
const PHONE_LIKE = /^[+(]?[\d\s().\-/]{6,}$/;
/** An amount (12.50, 1 234,00): never a phone number, whatever its length. */
const AMOUNT_LIKE = /^-?[\d\s.,]*[.,]\d{1,3}$/;
/** An order reference (#1001, 1001): Shopify's "Name" column is the order's, not a person's. */
const ORDER_REF = /^#?[\w-]*\d[\w-]*$/;

/**
 * Unmapped columns whose header names a person's data (their name, address, birth date, email,
 * phone) are masked like names in the preview; product, tax, company, shipping-method and other
 * "… name" columns are not personal and stay readable (issue 15 item 11).
 */
const PERSONAL_HEADER = /(^|\b)(first|last|full|given|family|sur|middle|customer|contact|billing|shipping|buyer|client|recipient|person|user|member)?\s?name$|address|street|city|zip|postal|birth|dob|ssn|mail|phone|mobile|^tel/;
const NOT_PERSONAL_HEADER = /lineitem|line item|product|item|sku|tax|discount|method|company|vendor|terms|province|country|campaign|store|location|utm|page|event|conversion|currency|status|source/;

export function previewTarget(normalizedHeader: string, target: ImportTarget): ImportTarget {
  if (target !== 'ignore' && target !== 'custom') return target;
  if (!PERSONAL_HEADER.test(normalizedHeader) || NOT_PERSONAL_HEADER.test(normalizedHeader)) return target;
  // Masked as what they are, so a phone looks the same here as in a mapped Phone column.
  if (/mail/.test(normalizedHeader)) return 'email';
  if (/phone|mobile|^tel/.test(normalizedHeader)) return 'phone';
  return 'first_name';
}
const HASH_LIKE = /^[0-9a-fA-F]{64}$/;

/** Masks a value for display: personal data never leaves main unmasked (j***@gmail.com). */
export function maskValue(target: ImportTarget, raw: string): string {
  const value = raw.trim();
  if (!value) return '';
  if (HASH_LIKE.test(value)) return `${value.slice(0, 8)}…`;
  switch (target) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'first_name':
    case 'last_name':
      return ORDER_REF.test(value) ? value : maskName(value);
    case 'user_ip':
      return value.includes(':') ? `${value.split(':')[0]}:…` : value.replace(/\.\d+\.\d+$/, '.*.*');
    default:
      break;
  }
  // Any other column: mask what looks personal, shorten the rest.
  if (EMAIL_LIKE.test(value)) return maskEmail(value);
  if (target !== 'value' && target !== 'event_time' && target !== 'transaction_id' && target !== 'event_id' && PHONE_LIKE.test(value) && !AMOUNT_LIKE.test(value) && value.replace(/\D/g, '').length >= 7) {
    return maskPhone(value);
  }
  if (target === 'ignore' || target === 'custom') return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskName(value);
  return `${Array.from(value)[0]}***${value.slice(at)}`;
}

function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `${value.startsWith('+') ? '+' : ''}***${digits.slice(-2)}`;
}

function maskName(value: string): string {
  const first = Array.from(value)[0] ?? '';
  return `${first}***`;
}
