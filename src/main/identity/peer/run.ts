import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashIdentity, normalizeFor, type IdentityColumns, type IdentityField, type Platform, type RawIdentity } from '../index';

/** One entry of test/fixtures/peer-vectors/peer_vectors.json (see issue 17). */
export interface PeerVector {
  index: number;
  platform: Platform;
  field: string;
  input: string;
  defaultCountry: string | null;
  expected_normalized: string | null;
  expected_sha256: string | null;
  expected_reject: boolean;
  source: string;
  note?: string;
  conflicts_with_other_reference?: boolean;
}

export function loadPeerVectors(): PeerVector[] {
  const path = join(__dirname, '../../../../test/fixtures/peer-vectors/peer_vectors.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Omit<PeerVector, 'index'>[];
  return raw.map((vector, index) => ({ ...vector, index }));
}

/** The file's field names (Meta's parameter keys) → ours. */
export const FIELD: Record<string, IdentityField> = {
  email: 'email',
  phone: 'phone',
  first_name: 'first_name',
  last_name: 'last_name',
  ct: 'city',
  st: 'state',
  zp: 'zip',
  country: 'country',
  db: 'date_of_birth',
  ge: 'gender',
  external_id: 'external_id',
};

export const RAW_KEY: Record<IdentityField, keyof RawIdentity> = {
  email: 'email',
  phone: 'phone',
  first_name: 'firstName',
  last_name: 'lastName',
  city: 'city',
  state: 'state',
  zip: 'zip',
  country: 'country',
  date_of_birth: 'dateOfBirth',
  gender: 'gender',
  external_id: 'externalId',
};

export const COLUMN: Record<Platform, Partial<Record<IdentityField, keyof IdentityColumns>>> = {
  google: { email: 'user_email_hash', phone: 'user_phone_hash', first_name: 'user_first_name_hash', last_name: 'user_last_name_hash', country: 'google_region_code', zip: 'google_postal_code' },
  meta: {
    email: 'meta_email_hash',
    phone: 'meta_phone_hash',
    first_name: 'meta_first_name_hash',
    last_name: 'meta_last_name_hash',
    city: 'meta_city_hash',
    state: 'meta_state_hash',
    zip: 'meta_zip_hash',
    country: 'meta_country_hash',
    date_of_birth: 'meta_dob_hash',
    gender: 'meta_gender_hash',
    external_id: 'meta_external_id_hash',
  },
};

/** Google's region and postal code are sent in clear: the column holds the normalized text, not a hash. */
const isClear = (platform: Platform, field: IdentityField): boolean => platform === 'google' && (field === 'country' || field === 'zip');

export interface Outcome {
  /** What the import would store in the vector's platform column (null: nothing). */
  stored: string | null;
  /** normalizeFor's text, or `refused: reason`. */
  normalized: string | null;
  problem: string | null;
  agrees: boolean;
}

/** Runs one vector through hashIdentity (the import's entry point) with the vector's platform as the pre-hashed platform. */
export function runVector(vector: PeerVector): Outcome {
  const field = FIELD[vector.field]!;
  const country = vector.defaultCountry ?? undefined;
  const { columns, problems } = hashIdentity({ [RAW_KEY[field]]: vector.input }, { defaultCountry: country, prehashedPlatform: vector.platform });
  const stored = columns[COLUMN[vector.platform][field]!];
  let normalized: string | null;
  try {
    normalized = normalizeFor(field, vector.input, vector.platform, country);
  } catch (error) {
    normalized = `refused: ${(error as Error).message}`;
  }
  const problem = problems.find((p) => p.platform === vector.platform || p.platform === 'both')?.reason ?? null;
  let agrees: boolean;
  if (vector.expected_reject) agrees = stored === null;
  else if (isClear(vector.platform, field)) agrees = stored === vector.expected_normalized;
  else {
    // Most vectors give only the normalized text: its digest is computed here, independently of the code under test.
    const expected = vector.expected_sha256 ?? createHash('sha256').update(vector.expected_normalized ?? '', 'utf8').digest('hex');
    agrees = stored === expected && (vector.expected_normalized === null || normalized === vector.expected_normalized);
  }
  return { stored, normalized, problem, agrees };
}
