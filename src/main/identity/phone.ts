import { Metadata } from 'libphonenumber-js/core';
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/metadata.max.json';
import { IdentityError } from './types';

/**
 * Countries that share their calling code with others and have no "leading digits" in the numbering
 * plan (the US and most of the NANP, RU/KZ…). Parsing an international number of such a code picks its
 * country by running the full type validation (libphonenumber getCountryByNationalNumber →
 * getNumberType) on the same national number that isValid() then validates again by the same
 * getNumberType: a number parsed into one of these countries is valid, and isValid() would only
 * repeat the walk (about a tenth of the import's mapping time at 1M +1 numbers). Held to isValid() by
 * test/imports/phone-validity.test.ts.
 */
const CHOSEN_BY_TYPE: ReadonlySet<string> = (() => {
  const metadata = new Metadata(maxMetadata) as unknown as {
    getCountryCodesForCallingCode(code: string): string[] | undefined;
    selectNumberingPlan(country: string): void;
    leadingDigits(): string | undefined;
  };
  const chosen = new Set<string>();
  for (const country of getCountries()) {
    const sharing = metadata.getCountryCodesForCallingCode(getCountryCallingCode(country));
    if (!sharing || sharing.length < 2) continue;
    metadata.selectNumberingPlan(country);
    if (!metadata.leadingDigits()) chosen.add(country);
  }
  return chosen;
})();

/** isValid() of a number parsed from an international form ('+…'), without re-validating what the parse validated. */
export function validInternational(parsed: PhoneNumber): boolean {
  return (parsed.country !== undefined && CHOSEN_BY_TYPE.has(parsed.country)) || parsed.isValid();
}

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
    if (parsed && validInternational(parsed)) return parsed.number;
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
