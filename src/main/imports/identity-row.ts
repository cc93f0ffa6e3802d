/**
 * The seam between an import row and the identity feature (src/main/identity): raw identifier cells
 * in, the conversion_events identity columns (0002 + 0011) out, with one problem per identifier a
 * platform could not use. Never throws for bad data: the row mapper decides (drop with a warning, or
 * refuse the row).
 */
import type { HashPlatform, IdentityTarget } from '../../shared/domain/imports';
import { hashIdentity, isMd5Hex, isSha256Hex, type IdentityColumns, type IdentityProblem, type RawIdentity } from '../identity';

export type { IdentityColumns };

export interface IdentityRowResult {
  columns: IdentityColumns;
  /** `platform` 'both': the value was dropped; otherwise it was kept for the other platform only. */
  problems: (Omit<IdentityProblem, 'field'> & { target: IdentityTarget })[];
  /** How many cells were already hashed (stored for `prehashedFor` only). */
  prehashed: number;
}

const RAW_KEY: Record<IdentityTarget, keyof RawIdentity> = {
  email: 'email', phone: 'phone', first_name: 'firstName', last_name: 'lastName', city: 'city', state: 'state', zip: 'zip',
  country: 'country', date_of_birth: 'dateOfBirth', gender: 'gender', external_id: 'externalId',
};

const NO_PROBLEMS: IdentityRowResult['problems'] = Object.freeze([]) as unknown as IdentityRowResult['problems'];

export function hashRowIdentity(cells: Partial<Record<IdentityTarget, string>>, options: { defaultCountry?: string; prehashedFor: HashPlatform }): IdentityRowResult {
  const raw: RawIdentity = {};
  // Allocated only for a row with a value of a digest's length (most rows have none).
  let hashed: Set<IdentityTarget> | null = null;
  for (const target in cells) {
    const value = cells[target as IdentityTarget]!;
    raw[RAW_KEY[target as IdentityTarget]] = value;
    if (target === 'external_id' || value.length < 32) continue;
    const trimmed = value.trim();
    if (isSha256Hex(trimmed) || isMd5Hex(trimmed)) (hashed ??= new Set()).add(target as IdentityTarget);
  }
  const result = hashIdentity(raw, { defaultCountry: options.defaultCountry, prehashedPlatform: options.prehashedFor });
  if (result.problems.length === 0) return { columns: result.columns, problems: NO_PROBLEMS, prehashed: hashed?.size ?? 0 };
  // A pre-hashed value kept for one platform only is said once for the whole file (the report's pre-flight), not per row.
  const problems = result.problems.filter((p) => p.platform === 'both' || !hashed?.has(p.field)).map(({ field, ...rest }) => ({ target: field, ...rest }));
  return { columns: result.columns, problems, prehashed: hashed?.size ?? 0 };
}
