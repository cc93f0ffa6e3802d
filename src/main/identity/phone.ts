import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { IdentityError } from './types';

/**
 * One parse serves both platforms: Google hashes E.164 with '+' (Data Manager formatting guide), Meta the same digits
 * without '+' (capi-param-builder phoneUtil.js keeps digits only and drops leading zeros).
 *
 * Accepted: '+' or '00' international forms (also '+001 …', an international prefix typed after '+'); national forms read
 * with the default country; digits that already carry their country code ('441134960987', '447911123456': what Google's
 * libraries and Meta's builder assume) when the national reading is not valid — or, outside the NANP, when the digits do
 * not start with the trunk prefix 0 and both readings are valid ('442079460958' with default country DE is British).
 * Every number is checked against
 * libphonenumber's numbering plan: a number that cannot exist is refused, never hashed (decision: the references hash
 * anything with a digit, e.g. '911' or '1-800-FLOWERS' → '1800'; such a hash matches nobody and hides a data problem).
 * An extension ('ext. 123', 'x123', '#123') is dropped: Meta's builder glues it onto the number, which then matches nobody.
 */
export function parsePhone(raw: string, defaultCountry?: string): string | null {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  if (!/\d/.test(trimmed)) throw new IdentityError('phone', 'contains no digits');
  if (trimmed.length > 64) throw new IdentityError('phone', 'is longer than 64 characters');

  const first = trimmed.charCodeAt(0);
  if (first === 43 /* + */ || trimmed.startsWith('00')) {
    const international = `+${trimmed.slice(first === 43 ? 1 : 0).replace(/^[\s0]+/, '')}`;
    const parsed = parsePhoneNumberFromString(international);
    if (parsed?.isValid()) return parsed.number;
    throw new IdentityError('phone', 'is not a valid international phone number');
  }

  const country = defaultCountry ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  // Digits that already carry their country code, without '+' (Meta's documented form).
  const withCode = () => parsePhoneNumberFromString(`+${trimmed.replace(/^0+/, '')}`);
  if (country) {
    const national = parsePhoneNumberFromString(trimmed, country);
    if (national?.isValid()) {
      // Both readings can be valid ("442079460958" read in Germany). A national number is written with its trunk prefix
      // ("030 …") except in the NANP (calling code 1), so without a leading 0 outside the NANP the digits are taken as
      // carrying their country code when that reading is valid.
      if (firstDigit(trimmed) === '0' || callingCode(country) === '1') return national.number;
      const international = withCode();
      return international?.isValid() ? international.number : national.number;
    }
  }
  const international = withCode();
  if (international?.isValid()) return international.number;
  if (!country) throw new IdentityError('phone', 'has no valid country code (+…) and no default country is set');
  throw new IdentityError('phone', `is not a valid phone number for country ${country}`);
}

function firstDigit(text: string): string | undefined {
  return /\d/.exec(text)?.[0];
}

function callingCode(country: CountryCode): string | undefined {
  try {
    return getCountryCallingCode(country);
  } catch {
    return undefined; // not a country libphonenumber knows
  }
}
