export type Platform = 'google' | 'meta';

export type IdentityField =
  | 'email'
  | 'phone'
  | 'first_name'
  | 'last_name'
  | 'city'
  | 'state'
  | 'zip'
  | 'country'
  | 'date_of_birth'
  | 'gender'
  | 'external_id';

export interface RawIdentity {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country?: string | null;
  dateOfBirth?: string | null;
  gender?: string | null;
  externalId?: string | null;
}

export interface IdentityOptions {
  /** ISO 3166-1 alpha-2; used only to read national-format phone numbers (never to invent a country column). */
  defaultCountry?: string;
  /** A pre-hashed (64-hex, or 32-hex for Meta) value is stored only for this platform; null/undefined → for neither, with a problem. */
  prehashedPlatform?: Platform | null;
}

/** `reason` is human text and never contains the raw value. */
export interface IdentityProblem {
  field: IdentityField;
  platform: Platform | 'both';
  reason: string;
}

/** Exactly the identity columns of conversion_events (migration 0011). */
export interface IdentityColumns {
  user_email_hash: string | null;
  user_phone_hash: string | null;
  user_first_name_hash: string | null;
  user_last_name_hash: string | null;
  meta_email_hash: string | null;
  meta_phone_hash: string | null;
  meta_first_name_hash: string | null;
  meta_last_name_hash: string | null;
  meta_city_hash: string | null;
  meta_state_hash: string | null;
  meta_zip_hash: string | null;
  meta_country_hash: string | null;
  meta_dob_hash: string | null;
  meta_gender_hash: string | null;
  meta_external_id_hash: string | null;
  /** Sent in clear to Google (AddressInfo.regionCode). */
  google_region_code: string | null;
  /** Sent in clear to Google (AddressInfo.postalCode). */
  google_postal_code: string | null;
}

export interface IdentityResult {
  columns: IdentityColumns;
  problems: IdentityProblem[];
}

/** Thrown by the per-field normalizers (normalizeFor); hashIdentity turns it into a problem and never throws. */
export class IdentityError extends Error {
  constructor(
    readonly field: IdentityField,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'IdentityError';
  }
}
