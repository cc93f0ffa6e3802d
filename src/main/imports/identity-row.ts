/**
 * The seam between an import row and the identity feature: raw identifier cells in, the
 * conversion_events hash columns (0002 + 0011) out, with one problem per identifier that could not
 * be used. Never throws for bad data: the row mapper decides (drop with a warning, or refuse).
 */
import type { HashPlatform, IdentityTarget } from '../../shared/domain/imports';
import { hashField, IdentityError, isPrehashed } from '../identity';

export const IDENTITY_COLUMNS = [
  'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  'google_region_code', 'google_postal_code',
] as const;
export type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];
export type IdentityColumns = Record<IdentityColumn, string | null>;

export interface IdentityProblem {
  target: IdentityTarget;
  reason: string;
}

export interface IdentityRowResult {
  columns: IdentityColumns;
  problems: IdentityProblem[];
  /** How many cells were already hashed (64 hex) and so went to `prehashedFor`'s columns only. */
  prehashed: number;
}

const emptyColumns = (): IdentityColumns => Object.fromEntries(IDENTITY_COLUMNS.map((c) => [c, null])) as IdentityColumns;

const PAIRS = [
  ['email', 'user_email_hash', 'meta_email_hash'],
  ['phone', 'user_phone_hash', 'meta_phone_hash'],
  ['first_name', 'user_first_name_hash', 'meta_first_name_hash'],
  ['last_name', 'user_last_name_hash', 'meta_last_name_hash'],
] as const;

/**
 * Hashes one row's identifiers for every platform. A pre-hashed cell is right for one platform only
 * (Google and Meta normalize differently), so it fills `prehashedFor`'s column and leaves the other empty.
 */
export function hashRowIdentity(raw: Partial<Record<IdentityTarget, string>>, options: { defaultCountry?: string; prehashedFor: HashPlatform }): IdentityRowResult {
  const columns = emptyColumns();
  const problems: IdentityProblem[] = [];
  let prehashed = 0;
  for (const [field, google, meta] of PAIRS) {
    const text = raw[field]?.trim();
    if (!text) continue;
    if (isPrehashed(text)) {
      prehashed++;
      columns[options.prehashedFor === 'google' ? google : meta] = text.toLowerCase();
      continue;
    }
    try {
      columns[google] = hashField(field, text, 'google', options.defaultCountry);
      columns[meta] = hashField(field, text, 'meta', options.defaultCountry);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      columns[google] = null;
      columns[meta] = null;
      problems.push({ target: field, reason: error.reason });
    }
  }
  return { columns, problems, prehashed };
}
