export { IdentityError, isPrehashed, normalizeEmail, normalizeName, normalizePhone } from './normalize';
export type { IdentityField, Platform } from './normalize';
export { hashField, hashIdentity, normalizeFor, sha256Hex } from './hash';
export type { IdentityHashes, RawIdentity } from './hash';
