export { hashForLookup, hashIdentity, normalizeFor } from './identity';
export { isMd5Hex, isPrehashed, isSha256Hex, sha256Hex } from './hash';
export { IdentityError } from './types';
export type { IdentityColumns, IdentityField, IdentityOptions, IdentityProblem, IdentityResult, Platform, RawIdentity } from './types';
