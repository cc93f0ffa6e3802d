import { COUNTRY_NAMES, ISO_COUNTRIES, STATE_NAMES } from './countries';
import { IdentityError } from './types';

/**
 * Address fields, dates of birth, gender and external id.
 * Meta: ported from capi-param-builder (facebook/capi-param-builder@b0b6f0b nodejs/capi-param-builder/src/piiUtil:
 *   stringUtil.js, zipCodeUtil.js, dobUtil.js, genderUtil.js), with the decisions marked "Decision".
 * Google: Data Manager AddressInfo takes regionCode and postalCode in clear (googleads/data-manager-node formatter.ts
 *   formatRegionCode / formatPostalCode).
 */

const NON_LATIN_ALNUM = /[^a-zA-Z0-9]+/g;
const NON_ASCII_LETTER = /[^a-z]/g;
const STARTS_WITH_LETTER = /^[a-z]/;
const MAX_ADDRESS_PART = 200;

/**
 * Decision: an address part or external id longer than 200 characters is refused (the references accept any length).
 * No city, state, postal code or country is that long: such a cell means a wrong column, and the cap bounds the per-row
 * work (the state/country name search) on the import's hot path.
 */
function bounded(field: 'city' | 'state' | 'zip' | 'country' | 'external_id', raw: string): string {
  if (raw.trim().length > MAX_ADDRESS_PART) throw new IdentityError(field, `is longer than ${MAX_ADDRESS_PART} characters (is the right column mapped?)`);
  return raw;
}

/** ct: keep a-z and 0-9 only, lowercase, must start with a letter. */
export function metaCity(raw: string): string | null {
  if (!raw.trim()) return null;
  const value = bounded('city', raw).replace(NON_LATIN_ALNUM, '').toLowerCase();
  if (!STARTS_WITH_LETTER.test(value)) throw new IdentityError('city', 'has no Latin letters (Meta takes a-z city names)');
  return value;
}

/**
 * The reference's normalizeTwoLetterAbbreviations + getFromMap: a 2-letter code, a known name, a known name contained in
 * the text, or else the text's first two letters. `guess: false` refuses that last step (see metaCountry).
 */
function twoLetters(raw: string, names: ReadonlyArray<readonly [string, string]>, lookup: ReadonlyMap<string, string>, guess: boolean): string | null {
  const letters = raw.toLowerCase().trim().replace(NON_ASCII_LETTER, '');
  if (letters.length === 0) return null;
  if (letters.length === 2) return letters;
  const direct = lookup.get(letters);
  if (direct !== undefined) return direct;
  const contained = names.find(([name]) => letters.includes(name));
  if (contained) return contained[1];
  if (!guess) return '';
  return letters.slice(0, 2);
}

const STATE_LOOKUP = new Map(STATE_NAMES);
const COUNTRY_LOOKUP = new Map(COUNTRY_NAMES);

/** st: two letters from a code or a US state / Canadian province name. */
export function metaState(raw: string): string | null {
  if (!raw.trim()) return null;
  const value = twoLetters(bounded('state', raw), STATE_NAMES, STATE_LOOKUP, true);
  if (value === null) throw new IdentityError('state', 'has no Latin letters');
  return value;
}

/**
 * country: the reference's rules, with two Decisions. (1) No guessing from the first two letters of an unknown name: the
 * reference turns "Narnia" into Namibia ("na"), "Chinese" into Switzerland ("ch") and "unknown" into "un" — a wrong
 * country sent silently; we take only a 2-letter code or a country name of its table (exact or contained). (2) The result
 * must be an ISO 3166-1 alpha-2 code, "uk" read as "gb" (ISO reserves UK for the United Kingdom): Meta documents country
 * as the ISO code, so any other two letters match nobody.
 */
export function metaCountry(raw: string): string | null {
  if (!raw.trim()) return null;
  let value = twoLetters(bounded('country', raw), COUNTRY_NAMES, COUNTRY_LOOKUP, false);
  if (value === null) throw new IdentityError('country', 'has no Latin letters');
  if (value === '') throw new IdentityError('country', 'is not a country code or a country name Meta knows');
  if (value === 'uk') value = 'gb';
  if (!ISO_COUNTRIES.has(value.toUpperCase())) throw new IdentityError('country', 'is not an ISO 3166-1 country code or a country name Meta knows');
  return value;
}

/**
 * zp: lowercase, keep the part before the first '-', trim, at least 2 characters. Decision: inner whitespace is removed
 * too ("K1A 0A6" → "k1a0a6"), as Meta's customer-information-parameters page says ("lowercase with no spaces and no dash")
 * and its PHP SDK does ("NR9 5AL" → "nr95al"); capi-param-builder keeps the space.
 */
export function metaZip(raw: string): string | null {
  if (!raw.trim()) return null;
  const value = bounded('zip', raw).toLowerCase().split('-', 1)[0]!.replace(/\s+/g, '');
  if (value.length < 2) throw new IdentityError('zip', 'is shorter than 2 characters');
  return value;
}

/** external_id: lowercase, whitespace removed. */
export function metaExternalId(raw: string): string | null {
  if (!raw.trim()) return null;
  return bounded('external_id', raw).replace(/\s+/g, '').toLowerCase();
}

const MALE = new Set(['man', 'male', 'boy', 'gentleman', 'guy', 'sir', 'mister', 'mr', 'son', 'father', 'dad', 'daddy', 'papa', 'uncle', 'nephew', 'brother', 'husband', 'boyfriend', 'groom', 'widower', 'king', 'prince', 'duke', 'count', 'emperor', 'god', 'lord', 'lad', 'fellow', 'chap', 'bloke', 'dude', 'he', 'him', 'his', 'himself', 'm']);
const FEMALE = new Set(['woman', 'female', 'girl', 'lady', 'miss', 'ms', 'mrs', 'madam', "ma'am", 'daughter', 'mother', 'mom', 'mama', 'mommy', 'aunt', 'niece', 'sister', 'wife', 'girlfriend', 'bride', 'widow', 'queen', 'princess', 'duchess', 'countess', 'empress', 'goddess', 'maiden', 'lass', 'gal', 'chick', 'dame', 'belle', 'she', 'her', 'hers', 'herself', 'f']);

/** ge: 'm' or 'f' from the reference's word lists; anything else is refused. */
export function metaGender(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  if (!value) return null;
  if (MALE.has(value)) return 'm';
  if (FEMALE.has(value)) return 'f';
  throw new IdentityError('gender', 'is not a recognised gender (Meta takes m or f)');
}

/**
 * db: YYYYMMDD from the first three digit groups (year = the group above 31, day = a group above 12), or an 8-digit
 * group taken as is; year between 1800 and next year.
 */
export function metaDateOfBirth(raw: string, now: Date = new Date()): string | null {
  const text = raw.trim();
  if (!text) return null;
  if (text.length > 64) throw new IdentityError('date_of_birth', 'is longer than 64 characters');
  const groups = text.split(/\D+/).filter((group) => group.length > 0);
  if (groups.length >= 3) {
    const ymd = yearMonthDay(Number.parseInt(groups[0]!, 10), Number.parseInt(groups[1]!, 10), Number.parseInt(groups[2]!, 10), now);
    if (ymd !== null) return ymd;
  }
  if (groups.length === 1 && groups[0]!.length === 8) return groups[0]!;
  throw new IdentityError('date_of_birth', 'is not a date of birth (day, month and year)');
}

function yearMonthDay(n1: number, n2: number, n3: number, now: Date): string | null {
  let year: number;
  let month: number;
  let day: number;
  if (n1 > 31) {
    year = n1;
    month = n2 > 12 ? n3 : n2;
    day = n2 > 12 ? n2 : n3;
  } else if (n2 > 31) {
    year = n2;
    month = n3 > 12 ? n1 : n3;
    day = n3 > 12 ? n3 : n1;
  } else {
    year = n3;
    month = n1 > 12 ? n2 : n1;
    day = n1 > 12 ? n1 : n2;
  }
  if (year < 1800 || year > now.getFullYear() + 1 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/**
 * Google regionCode (sent in clear): the Data Manager libraries take exactly two letters A-Z, uppercased. Decision:
 * also an exact country name Meta's table knows ("usa", "United States" → "US", no substring guessing), and the code must
 * be ISO 3166-1 ("UK" → "GB"): the value is sent as is, so the right code is what matters, and a file with a country
 * name would otherwise give Google no address at all.
 */
export function googleRegionCode(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  let code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) {
    const byName = value.length <= 80 ? COUNTRY_LOOKUP.get(value.toLowerCase().replace(/[^a-z]/g, '')) : undefined;
    if (byName === undefined || value.replace(/[^A-Za-z]/g, '').length <= 2) {
      throw new IdentityError('country', 'is not a two-letter ISO 3166-1 country code');
    }
    code = byName.toUpperCase();
  }
  if (code === 'UK') code = 'GB';
  if (!ISO_COUNTRIES.has(code)) throw new IdentityError('country', 'is not an ISO 3166-1 country code');
  return code;
}

/**
 * Google postalCode (sent in clear): the libraries only trim. Decision: it must look like a postal code — letters, digits,
 * spaces and dashes, 2 to 12 characters, at least one digit — because it is one of the two personal values stored and
 * sent unhashed: a mis-mapped street or name column must never travel in clear.
 */
const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/;
export function googlePostalCode(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (!POSTAL_CODE.test(value) || !/\d/.test(value)) {
    throw new IdentityError('zip', 'does not look like a postal code (2–12 letters, digits, spaces or dashes) and is never sent in clear');
  }
  return value;
}
