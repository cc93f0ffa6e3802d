import { computeIdentity } from './identity';
import { IdentityError, type IdentityColumns, type IdentityField } from './types';

export type IdentityHashes = Pick<
  IdentityColumns,
  'user_email_hash' | 'user_phone_hash' | 'user_first_name_hash' | 'user_last_name_hash' | 'meta_email_hash' | 'meta_phone_hash' | 'meta_first_name_hash' | 'meta_last_name_hash'
>;

export interface LegacyRawIdentity {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

/** The only fields the first API knew; hashIdentityOrThrow's IdentityError always names one of them. */
export type LegacyIdentityField = 'email' | 'phone' | 'first_name' | 'last_name';

const COLUMNS: Record<LegacyIdentityField, [keyof IdentityHashes, keyof IdentityHashes]> = {
  email: ['user_email_hash', 'meta_email_hash'],
  phone: ['user_phone_hash', 'meta_phone_hash'],
  first_name: ['user_first_name_hash', 'meta_first_name_hash'],
  last_name: ['user_last_name_hash', 'meta_last_name_hash'],
};

/**
 * @deprecated The first API, kept only until the import pipeline and createEvent use hashIdentity's problems: throws
 * IdentityError when a field is usable by neither platform, and copies a pre-hashed value to both (issue 11 defect 4).
 */
export function hashIdentityOrThrow(raw: LegacyRawIdentity, defaultCountry?: string): IdentityHashes {
  const { columns, problems } = computeIdentity(raw, defaultCountry, 'both');
  for (const problem of problems) {
    const field = problem.field as keyof typeof COLUMNS;
    const [google, meta] = COLUMNS[field];
    if (columns[google] === null && columns[meta] === null) throw new IdentityError(problem.field as IdentityField, problem.reason);
  }
  return {
    user_email_hash: columns.user_email_hash,
    user_phone_hash: columns.user_phone_hash,
    user_first_name_hash: columns.user_first_name_hash,
    user_last_name_hash: columns.user_last_name_hash,
    meta_email_hash: columns.meta_email_hash,
    meta_phone_hash: columns.meta_phone_hash,
    meta_first_name_hash: columns.meta_first_name_hash,
    meta_last_name_hash: columns.meta_last_name_hash,
  };
}
