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

export function hashRowIdentity(cells: Partial<Record<IdentityTarget, string>>, options: { defaultCountry?: string; prehashedFor: HashPlatform }): IdentityRowResult {
  const raw: RawIdentity = {};
  const hashed = new Set<IdentityTarget>();
  for (const target of Object.keys(cells) as IdentityTarget[]) {
    const value = cells[target]!;
    raw[RAW_KEY[target]] = value;
    const trimmed = value.trim();
    if (target !== 'external_id' && (isSha256Hex(trimmed) || isMd5Hex(trimmed))) hashed.add(target);
  }
  const result = hashIdentity(raw, { defaultCountry: options.defaultCountry, prehashedPlatform: options.prehashedFor });
  // A pre-hashed value kept for one platform only is said once for the whole file (the report's pre-flight), not per row.
  const problems = result.problems.filter((p) => p.platform === 'both' || !hashed.has(p.field)).map(({ field, ...rest }) => ({ target: field, ...rest }));
  return { columns: result.columns, problems, prehashed: hashed.size };
}
