import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Normalization rules per platform (DESIGN.md §3).
 * Google: https://support.google.com/google-ads/answer/13258081 (enhanced conversions for leads: normalize & hash),
 *         https://developers.google.com/google-ads/api/docs/conversions/enhanced-conversions/leads
 * Meta:   https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 */
export type Platform = 'google' | 'meta';
export type IdentityField = 'email' | 'phone' | 'first_name' | 'last_name';

export class IdentityError extends Error {
  constructor(
    readonly field: IdentityField,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'IdentityError';
  }
}

const PREHASHED = /^[0-9a-fA-F]{64}$/;
export const isPrehashed = (value: string): boolean => PREHASHED.test(value);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Trim + lowercase; Google also removes dots from the local part of gmail.com / googlemail.com. */
export function normalizeEmail(raw: string, platform: Platform): string | null {
  const value = raw.trim().toLowerCase();
  if (!value) return null;
  if (!EMAIL.test(value)) throw new IdentityError('email', 'is not a valid email address');
  if (platform === 'meta') return value;
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return value;
  return `${value.slice(0, at).replaceAll('.', '')}@${domain}`;
}

/**
 * E.164 via libphonenumber-js. The number is checked against the real numbering plan: an invalid
 * number is an error (Google silently never matches a badly formatted phone), never a guessed hash.
 * Google: "+15551234567"; Meta: "15551234567" (digits only, country code, no '+').
 */
export function normalizePhone(raw: string, platform: Platform, defaultCountry?: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  // "00" is the international prefix in most of the world; "+" must be seen before anything is stripped.
  const international = trimmed.startsWith('+') || trimmed.startsWith('00');
  const text = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed;
  if (!/\d/.test(text)) throw new IdentityError('phone', 'contains no digits');
  if (!international && !defaultCountry) {
    throw new IdentityError('phone', 'has no country code (+…) and no default country is set');
  }
  const parsed = parsePhoneNumberFromString(text, international ? undefined : (defaultCountry!.toUpperCase() as CountryCode));
  if (!parsed || !parsed.isValid()) {
    const where = international ? '' : ` for country ${defaultCountry!.toUpperCase()}`;
    throw new IdentityError('phone', `is not a valid phone number${where}`);
  }
  return platform === 'google' ? parsed.number : parsed.number.slice(1);
}

const PUNCTUATION = /[\p{P}\p{S}]/gu;

/** Trim + lowercase (both); Meta also strips punctuation and symbols, keeping UTF-8 letters. */
export function normalizeName(raw: string, platform: Platform, field: 'first_name' | 'last_name' = 'first_name'): string | null {
  let value = raw.normalize('NFC').trim().toLowerCase();
  if (platform === 'meta') value = value.replace(PUNCTUATION, '').replace(/\s+/g, ' ').trim();
  if (!value) return null;
  if (value.length > 200) throw new IdentityError(field, 'is longer than 200 characters');
  return value;
}
