import { googlePostalCode, googleRegionCode, metaCity, metaCountry, metaDateOfBirth, metaExternalId, metaGender, metaState, metaZip } from './address';
import { googleEmail, metaEmail } from './email';
import { isMd5Hex, isSha256Hex, sha256Hex } from './hash';
import { googleName, metaName } from './names';
import { parsePhone } from './phone';
import { IdentityError, type IdentityColumns, type IdentityField, type IdentityOptions, type IdentityProblem, type IdentityResult, type Platform, type RawIdentity } from './types';

type Normalizer = (raw: string, defaultCountry?: string) => string | null;

/** What each platform does with each field; null: the platform does not take it. `clear`: sent unhashed. */
interface FieldRule {
  google: { normalize: Normalizer; column: keyof IdentityColumns; clear: boolean } | null;
  meta: { normalize: Normalizer; column: keyof IdentityColumns };
}

const phoneGoogle: Normalizer = (raw, country) => parsePhone(raw, country);
const phoneMeta: Normalizer = (raw, country) => parsePhone(raw, country)?.slice(1) ?? null;

const RULES: Record<IdentityField, FieldRule> = {
  email: { google: { normalize: googleEmail, column: 'user_email_hash', clear: false }, meta: { normalize: metaEmail, column: 'meta_email_hash' } },
  phone: { google: { normalize: phoneGoogle, column: 'user_phone_hash', clear: false }, meta: { normalize: phoneMeta, column: 'meta_phone_hash' } },
  first_name: {
    google: { normalize: (raw) => googleName(raw, 'first_name'), column: 'user_first_name_hash', clear: false },
    meta: { normalize: (raw) => metaName(raw, 'first_name'), column: 'meta_first_name_hash' },
  },
  last_name: {
    google: { normalize: (raw) => googleName(raw, 'last_name'), column: 'user_last_name_hash', clear: false },
    meta: { normalize: (raw) => metaName(raw, 'last_name'), column: 'meta_last_name_hash' },
  },
  city: { google: null, meta: { normalize: metaCity, column: 'meta_city_hash' } },
  state: { google: null, meta: { normalize: metaState, column: 'meta_state_hash' } },
  zip: { google: { normalize: googlePostalCode, column: 'google_postal_code', clear: true }, meta: { normalize: metaZip, column: 'meta_zip_hash' } },
  country: { google: { normalize: googleRegionCode, column: 'google_region_code', clear: true }, meta: { normalize: metaCountry, column: 'meta_country_hash' } },
  date_of_birth: { google: null, meta: { normalize: (raw) => metaDateOfBirth(raw), column: 'meta_dob_hash' } },
  gender: { google: null, meta: { normalize: metaGender, column: 'meta_gender_hash' } },
  external_id: { google: null, meta: { normalize: metaExternalId, column: 'meta_external_id_hash' } },
};

/** Each identity field with its RawIdentity key. */
export const RAW_KEYS: ReadonlyArray<readonly [IdentityField, keyof RawIdentity]> = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['first_name', 'firstName'],
  ['last_name', 'lastName'],
  ['city', 'city'],
  ['state', 'state'],
  ['zip', 'zip'],
  ['country', 'country'],
  ['date_of_birth', 'dateOfBirth'],
  ['gender', 'gender'],
  ['external_id', 'externalId'],
];

/**
 * The normalized text one platform hashes (or, for Google's region and postal code, sends in clear). null: blank, or a
 * field the platform does not take. Throws IdentityError naming the field for a value that cannot be used.
 */
export function normalizeFor(field: IdentityField, raw: string, platform: Platform, defaultCountry?: string): string | null {
  const rule = RULES[field][platform];
  return rule === null ? null : rule.normalize(raw, defaultCountry);
}

const emptyColumns = (): IdentityColumns => ({
  user_email_hash: null,
  user_phone_hash: null,
  user_first_name_hash: null,
  user_last_name_hash: null,
  meta_email_hash: null,
  meta_phone_hash: null,
  meta_first_name_hash: null,
  meta_last_name_hash: null,
  meta_city_hash: null,
  meta_state_hash: null,
  meta_zip_hash: null,
  meta_country_hash: null,
  meta_dob_hash: null,
  meta_gender_hash: null,
  meta_external_id_hash: null,
  google_region_code: null,
  google_postal_code: null,
});

type Outcome = { value: string | null; reason?: undefined } | { value: null; reason: string };

function attempt(normalize: Normalizer, raw: string, defaultCountry: string | undefined): Outcome {
  try {
    return { value: normalize(raw, defaultCountry) };
  } catch (error) {
    if (error instanceof IdentityError) return { value: null, reason: error.reason };
    throw error;
  }
}

type PrehashedFor = Platform | null;

const PLATFORM_NAME: Record<Platform, string> = { google: 'Google', meta: 'Meta' };

/** A value neither platform can use is one problem ('both'), with Meta's reason (its checks are the stricter ones). */
function report(problems: IdentityProblem[], field: IdentityField, google: string | undefined, meta: string | undefined): void {
  if (google !== undefined && meta !== undefined) problems.push({ field, platform: 'both', reason: meta });
  else {
    if (google !== undefined) problems.push({ field, platform: 'google', reason: google });
    if (meta !== undefined) problems.push({ field, platform: 'meta', reason: meta });
  }
}

/**
 * A value that is already a digest. 64 hex: SHA-256, stored only for the platform whose rules produced it (Google and
 * Meta normalize differently, so one digest is right for at most one of them). Decision: 32 hex is read as an MD5 digest:
 * Meta's capi-param-builder passes MD5 through, so it is stored for Meta when Meta is the pre-hashed platform; Google
 * takes SHA-256 only, so never for Google. external_id is the exception: capi-param-builder sends a hex external id
 * through unchanged (a 32-hex id is usually a raw UUID without dashes), so it is kept as given, lowercased, whatever the
 * pre-hashed platform — Meta receives the same value either way.
 */
function prehashed(field: IdentityField, rule: FieldRule, value: string, md5: boolean, prehashedFor: PrehashedFor, columns: IdentityColumns, problems: IdentityProblem[]): void {
  const lower = value.toLowerCase();
  if (field === 'external_id') {
    columns.meta_external_id_hash = lower;
    return;
  }
  const why = (platform: Platform): string | undefined => {
    if (prehashedFor === platform) return undefined;
    if (prehashedFor === null) return 'looks already hashed, and the import does not say which platform’s rules produced it: stored for neither';
    return `is already hashed with ${PLATFORM_NAME[prehashedFor]}’s rules, which differ from ${PLATFORM_NAME[platform]}’s: not stored for ${PLATFORM_NAME[platform]}`;
  };
  let googleReason: string | undefined;
  if (rule.google !== null) {
    if (rule.google.clear) googleReason = 'looks already hashed, but Google takes this field in clear';
    else if (md5) googleReason = 'looks like an MD5 digest (32 hex characters); Google takes SHA-256 only';
    else googleReason = why('google');
    if (googleReason === undefined) columns[rule.google.column] = lower;
  }
  const metaReason = why('meta');
  if (metaReason === undefined) columns[rule.meta.column] = lower;
  report(problems, field, googleReason, metaReason);
}

export function computeIdentity(raw: RawIdentity, defaultCountry: string | undefined, prehashedFor: PrehashedFor): IdentityResult {
  const columns = emptyColumns();
  const problems: IdentityProblem[] = [];
  for (const [field, key] of RAW_KEYS) {
    const input = raw[key];
    if (input === null || input === undefined) continue;
    const value = input.trim();
    if (!value) continue;
    const rule = RULES[field];
    const sha = isSha256Hex(value);
    if (sha || isMd5Hex(value)) {
      prehashed(field, rule, value, !sha, prehashedFor, columns, problems);
      continue;
    }
    if (field === 'phone') {
      // One parse for both platforms.
      const parsed = attempt(phoneGoogle, value, defaultCountry);
      if (parsed.value !== null) {
        columns.user_phone_hash = sha256Hex(parsed.value);
        columns.meta_phone_hash = sha256Hex(parsed.value.slice(1));
      } else if (parsed.reason !== undefined) problems.push({ field, platform: 'both', reason: parsed.reason });
      continue;
    }
    const meta = attempt(rule.meta.normalize, value, defaultCountry);
    let googleHashed: { text: string; hash: string } | null = null;
    let googleReason: string | undefined;
    if (rule.google !== null) {
      const google = attempt(rule.google.normalize, value, defaultCountry);
      googleReason = google.reason;
      if (google.value !== null) {
        if (rule.google.clear) columns[rule.google.column] = google.value;
        else {
          googleHashed = { text: google.value, hash: sha256Hex(google.value) };
          columns[rule.google.column] = googleHashed.hash;
        }
      }
    }
    // Hash once when both platforms normalize alike.
    if (meta.value !== null) columns[rule.meta.column] = googleHashed?.text === meta.value ? googleHashed.hash : sha256Hex(meta.value);
    report(problems, field, googleReason, meta.reason);
  }
  return { columns, problems };
}

/**
 * Every platform's identity columns for one person. Never throws for a bad value: an identifier a platform cannot use is
 * left null for that platform and reported as a problem (all of them, not only the first). Blank values are no problem.
 */
export function hashIdentity(raw: RawIdentity, options: IdentityOptions = {}): IdentityResult {
  return computeIdentity(raw, options.defaultCountry, options.prehashedPlatform ?? null);
}

/**
 * Every hash under which a typed email or phone may be stored (Google's and Meta's variants; the value itself when it is
 * already a SHA-256 digest), to find a person for erasure or search. Empty when the value is unusable for both.
 */
export function hashForLookup(kind: 'email' | 'phone', raw: string, defaultCountry?: string): string[] {
  const value = raw.trim();
  if (!value) return [];
  if (isSha256Hex(value)) return [value.toLowerCase()];
  const { columns } = computeIdentity(kind === 'email' ? { email: value } : { phone: value }, defaultCountry, null);
  const hashes = kind === 'email' ? [columns.user_email_hash, columns.meta_email_hash] : [columns.user_phone_hash, columns.meta_phone_hash];
  return [...new Set(hashes.filter((hash): hash is string => hash !== null))];
}
