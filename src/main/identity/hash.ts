import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { isPrehashed, normalizeEmail, normalizeName, normalizePhone, type IdentityField, type Platform } from './normalize';

type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
// crypto.hash (Node ≥ 20.12) is ~3× faster than createHash for short strings; fall back where absent.
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 bytes, lowercase hex. */
export function sha256Hex(value: string): string {
  return oneShot ? oneShot('sha256', value, 'hex') : createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Normalizes then hashes one value. 64-hex input is treated as already hashed and passed through
 * lowercased; empty after normalization gives null, never the hash of "".
 */
export function hashField(field: IdentityField, raw: string | null | undefined, platform: Platform, defaultCountry?: string): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  if (!trimmed) return null;
  if (isPrehashed(trimmed)) return trimmed.toLowerCase();
  const normalized = normalizeFor(field, trimmed, platform, defaultCountry);
  return normalized === null ? null : sha256Hex(normalized);
}

export function normalizeFor(field: IdentityField, raw: string, platform: Platform, defaultCountry?: string): string | null {
  switch (field) {
    case 'email':
      return normalizeEmail(raw, platform);
    case 'phone':
      return normalizePhone(raw, platform, defaultCountry);
    case 'first_name':
    case 'last_name':
      return normalizeName(raw, platform, field);
  }
}

export interface RawIdentity {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

export interface IdentityHashes {
  user_email_hash: string | null;
  user_phone_hash: string | null;
  user_first_name_hash: string | null;
  user_last_name_hash: string | null;
  meta_email_hash: string | null;
  meta_phone_hash: string | null;
  meta_first_name_hash: string | null;
  meta_last_name_hash: string | null;
}

/**
 * Computes every platform's hash for one person. Raw values are never stored, so both Google's and
 * Meta's variants are computed now. Where both rules give the same normalized text, it is hashed once.
 * Throws IdentityError naming the field for an invalid email or phone.
 */
export function hashIdentity(raw: RawIdentity, defaultCountry?: string): IdentityHashes {
  const email = pair('email', raw.email, defaultCountry);
  const phone = pair('phone', raw.phone, defaultCountry);
  const first = pair('first_name', raw.firstName, defaultCountry);
  const last = pair('last_name', raw.lastName, defaultCountry);
  return {
    user_email_hash: email.google,
    user_phone_hash: phone.google,
    user_first_name_hash: first.google,
    user_last_name_hash: last.google,
    meta_email_hash: email.meta,
    meta_phone_hash: phone.meta,
    meta_first_name_hash: first.meta,
    meta_last_name_hash: last.meta,
  };
}

function pair(field: IdentityField, raw: string | null | undefined, defaultCountry?: string): { google: string | null; meta: string | null } {
  if (raw === null || raw === undefined) return { google: null, meta: null };
  const trimmed = raw.trim();
  if (!trimmed) return { google: null, meta: null };
  if (isPrehashed(trimmed)) {
    const lower = trimmed.toLowerCase();
    return { google: lower, meta: lower };
  }
  if (field === 'phone') {
    const google = normalizePhone(trimmed, 'google', defaultCountry);
    // Meta's form is Google's E.164 without the '+': no second parse needed.
    return google === null ? { google: null, meta: null } : { google: sha256Hex(google), meta: sha256Hex(google.slice(1)) };
  }
  const google = normalizeFor(field, trimmed, 'google', defaultCountry);
  const meta = normalizeFor(field, trimmed, 'meta', defaultCountry);
  const googleHash = google === null ? null : sha256Hex(google);
  return { google: googleHash, meta: meta === null ? null : meta === google ? googleHash : sha256Hex(meta) };
}
