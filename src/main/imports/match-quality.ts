/**
 * Match quality of a sample of rows under a mapping (issue 15 item 1): each row's identifiers go through
 * the identity module exactly as the import stores them (hashRowIdentity: each platform's normalization),
 * so "valid" means the import would keep the value for that platform. The rule is documented in
 * src/shared/domain/match-quality.ts.
 */
import { ConversionEventInsertSchema } from '../../shared/domain/events';
import { IDENTITY_TARGETS, type HashPlatform, type IdentityTarget, type ImportTarget } from '../../shared/domain/imports';
import { MATCH_KEYS, type MatchKey, type MatchQuality, type SampleQuality } from '../../shared/domain/match-quality';
import { COL } from './columns';
import { hashRowIdentity, type IdentityColumns } from './identity-row';
import type { PreflightCounts } from './repo';

const IpSchema = ConversionEventInsertSchema.shape.user_ip;
const CLICK_TARGETS = new Set<ImportTarget>(['gclid', 'gbraid', 'wbraid', 'fbc', 'fbp']);

/** What one row gives each platform: the stored identity columns plus the clear-text keys. */
export interface RowKeys {
  c: IdentityColumns;
  gclid: boolean;
  gbraid: boolean;
  wbraid: boolean;
  fbc: boolean;
  fbp: boolean;
  ip: boolean;
  agent: boolean;
}

type Has = (row: RowKeys) => boolean;

/** Per key and platform: does the row carry a usable value (null: the platform does not match on the key). */
export const KEY_RULES: Record<MatchKey, { google: Has | null; meta: Has | null }> = {
  email: { google: (r) => r.c.user_email_hash !== null, meta: (r) => r.c.meta_email_hash !== null },
  phone: { google: (r) => r.c.user_phone_hash !== null, meta: (r) => r.c.meta_phone_hash !== null },
  name: {
    google: (r) => r.c.user_first_name_hash !== null && r.c.user_last_name_hash !== null,
    meta: (r) => r.c.meta_first_name_hash !== null && r.c.meta_last_name_hash !== null,
  },
  address: {
    google: (r) => r.c.google_region_code !== null && r.c.google_postal_code !== null,
    meta: (r) => r.c.meta_zip_hash !== null || r.c.meta_city_hash !== null || r.c.meta_state_hash !== null || r.c.meta_country_hash !== null,
  },
  click_id: { google: (r) => r.gclid || r.gbraid || r.wbraid, meta: (r) => r.fbc || r.fbp },
  external_id: { google: null, meta: (r) => r.c.meta_external_id_hash !== null },
  ip_agent: { google: null, meta: (r) => r.ip && r.agent },
};

/** The pre-flight's rule (imports/repo.ts matchKeys), on one row. */
export function googleCanMatch(r: RowKeys): boolean {
  return r.gclid || r.gbraid || r.wbraid || r.c.user_email_hash !== null || r.c.user_phone_hash !== null ||
    (r.c.user_first_name_hash !== null && r.c.user_last_name_hash !== null && r.c.google_region_code !== null && r.c.google_postal_code !== null);
}

export function metaCanMatch(r: RowKeys): boolean {
  const c = r.c;
  return c.meta_email_hash !== null || c.meta_phone_hash !== null || c.meta_external_id_hash !== null || r.fbc || r.fbp ||
    (c.meta_first_name_hash !== null && c.meta_last_name_hash !== null && (c.meta_zip_hash !== null || c.meta_city_hash !== null || c.meta_dob_hash !== null)) ||
    (r.ip && r.agent);
}

const googleStrong = (r: RowKeys) => r.gclid || r.gbraid || r.wbraid || r.c.user_email_hash !== null || r.c.user_phone_hash !== null;
const metaStrong = (r: RowKeys) => r.fbc || r.c.meta_email_hash !== null || r.c.meta_phone_hash !== null || r.c.meta_external_id_hash !== null;

/** Sums rows into the quality figures. */
export function summarize(rows: Iterable<RowKeys>): MatchQuality {
  const keys = MATCH_KEYS.map((key) => ({ key, google: KEY_RULES[key].google ? 0 : null, meta: KEY_RULES[key].meta ? 0 : null }));
  const google = { canMatch: 0, strong: 0 };
  const meta = { canMatch: 0, strong: 0 };
  let n = 0;
  for (const row of rows) {
    n++;
    MATCH_KEYS.forEach((key, i) => {
      const rule = KEY_RULES[key];
      if (rule.google?.(row)) keys[i]!.google!++;
      if (rule.meta?.(row)) keys[i]!.meta!++;
    });
    if (googleCanMatch(row)) (google.canMatch++, googleStrong(row) && google.strong++);
    if (metaCanMatch(row)) (meta.canMatch++, metaStrong(row) && meta.strong++);
  }
  return { rows: n, keys, google, meta };
}

export interface SampleOptions {
  defaultCountry?: string;
  prehashedFor: HashPlatform;
}

/** Quality of sample rows (raw fields) under a mapping, with each column's fill rate. */
export function measureSample(rows: readonly string[][], columns: readonly ImportTarget[], options: SampleOptions, file: { wholeFile: boolean; fileRows: number }): SampleQuality {
  const index = new Map<ImportTarget, number>();
  columns.forEach((target, i) => {
    if (target !== 'ignore' && target !== 'custom' && !index.has(target)) index.set(target, i);
  });
  const identity = IDENTITY_TARGETS.filter((t) => index.has(t)).map((t) => [t, index.get(t)!] as const);
  const cell = (fields: readonly string[], target: ImportTarget) => {
    const i = index.get(target);
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  const fill = columns.map((target) => ({ filled: 0, valid: isMeasured(target) ? 0 : null }) as { filled: number; valid: number | null });
  const keyed: RowKeys[] = [];
  for (const fields of rows) {
    const raw: Partial<Record<IdentityTarget, string>> = {};
    for (const [target, i] of identity) if (fields[i]?.trim()) raw[target] = fields[i]!;
    const { columns: c, problems } = hashRowIdentity(raw, options);
    const ip = cell(fields, 'user_ip');
    const row: RowKeys = {
      c,
      gclid: cell(fields, 'gclid') !== '',
      gbraid: cell(fields, 'gbraid') !== '',
      wbraid: cell(fields, 'wbraid') !== '',
      fbc: cell(fields, 'fbc') !== '',
      fbp: cell(fields, 'fbp') !== '',
      ip: ip !== '' && IpSchema.safeParse(ip).success,
      agent: cell(fields, 'user_agent') !== '',
    };
    keyed.push(row);
    const dropped = new Set(problems.filter((p) => p.platform === 'both').map((p) => p.target));
    columns.forEach((target, i) => {
      if (!(fields[i] ?? '').trim()) return;
      fill[i]!.filled++;
      if (fill[i]!.valid === null || index.get(target) !== i) return;
      if (target === 'user_ip' ? row.ip : !dropped.has(target as IdentityTarget)) fill[i]!.valid!++;
    });
  }
  return { ...summarize(keyed), wholeFile: file.wholeFile, fileRows: file.fileRows, columns: fill };
}

function isMeasured(target: ImportTarget): boolean {
  return (IDENTITY_TARGETS as readonly string[]).includes(target) || CLICK_TARGETS.has(target) || target === 'user_ip';
}

/** Identity columns of a stored row, each with its place in IMPORT_COLUMNS values. */
const STORED_IDENTITY = (
  [
    'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
    'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
    'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
    'google_region_code', 'google_postal_code',
  ] as const satisfies readonly (keyof IdentityColumns)[]
).map((column) => [column, COL[column]] as const);
// Compile-time: every identity column is read (the rules may use any of them).
const EVERY_STORED_IDENTITY: Record<Exclude<keyof IdentityColumns, (typeof STORED_IDENTITY)[number][0]>, never> = {};
void EVERY_STORED_IDENTITY;

const present = (value: unknown) => value !== null && value !== undefined;

/** The columns the match rules read, bit i of a presence mask for column i. */
const MASK_SLOTS = [...STORED_IDENTITY.map(([, at]) => at), COL.gclid, COL.gbraid, COL.wbraid, COL.fbc, COL.fbp, COL.user_ip, COL.user_agent];

/** Which of the match rules' columns a row fills, as bits (computed on the mapper thread; the pipeline only tallies it). */
export function presenceMask(values: readonly unknown[]): number {
  let mask = 0;
  for (let bit = 0; bit < MASK_SLOTS.length; bit++) if (present(values[MASK_SLOTS[bit]!])) mask |= 1 << bit;
  return mask >>> 0;
}

/**
 * The pre-flight counts and the report's match quality (repo.ts preflightCounts: one scan of the
 * import's events at the end, ~1.3 s at 1M rows), counted instead as the rows are inserted, with the
 * same rules as the sample's (summarize). Exact while every event of the import is stored by one
 * insert; an event a later row merged into changes after it was counted, so the caller then scans.
 * test/imports/preflight-counter.test.ts holds these counts to the scan's on the same rows.
 */
export class PreflightCounter {
  private readonly row: RowKeys = { c: {} as IdentityColumns, gclid: false, gbraid: false, wbraid: false, fbc: false, fbp: false, ip: false, agent: false };
  private readonly keys = MATCH_KEYS.map((key) => ({ key, google: KEY_RULES[key].google ? 0 : null, meta: KEY_RULES[key].meta ? 0 : null }));
  private readonly google = { canMatch: 0, strong: 0 };
  private readonly meta = { canMatch: 0, strong: 0 };
  private rows = 0;
  private unmatchable = 0;
  private googleCannot = 0;
  private metaCannot = 0;
  /** Inserted rows by presence mask (addMask), counted by the rules when the figures are asked for. */
  private readonly masks = new Map<number, number>();

  /** One inserted row, by its presenceMask: a map increment on the pipeline thread. */
  addMask(mask: number): void {
    this.masks.set(mask, (this.masks.get(mask) ?? 0) + 1);
  }

  /** One inserted row, its values in IMPORT_COLUMNS order. */
  add(values: readonly unknown[], weight = 1): void {
    const row = this.row;
    const c = row.c as unknown as Record<string, unknown>;
    for (const [column, at] of STORED_IDENTITY) c[column] = present(values[at]) ? values[at] : null;
    row.gclid = present(values[COL.gclid]);
    row.gbraid = present(values[COL.gbraid]);
    row.wbraid = present(values[COL.wbraid]);
    row.fbc = present(values[COL.fbc]);
    row.fbp = present(values[COL.fbp]);
    row.ip = present(values[COL.user_ip]);
    row.agent = present(values[COL.user_agent]);
    this.rows += weight;
    for (let i = 0; i < MATCH_KEYS.length; i++) {
      const rule = KEY_RULES[MATCH_KEYS[i]!];
      const fill = this.keys[i]!;
      if (rule.google?.(row)) fill.google! += weight;
      if (rule.meta?.(row)) fill.meta! += weight;
    }
    const google = googleCanMatch(row);
    const meta = metaCanMatch(row);
    if (google) {
      this.google.canMatch += weight;
      if (googleStrong(row)) this.google.strong += weight;
    } else this.googleCannot += weight;
    if (meta) {
      this.meta.canMatch += weight;
      if (metaStrong(row)) this.meta.strong += weight;
    } else this.metaCannot += weight;
    if (!google && !meta) this.unmatchable += weight;
  }

  counts(): PreflightCounts {
    const values: unknown[] = [];
    for (const [mask, n] of this.masks) {
      values.length = 0;
      MASK_SLOTS.forEach((at, bit) => (values[at] = mask & (1 << bit) ? true : null));
      this.add(values, n);
    }
    this.masks.clear();
    return {
      unmatchable: this.unmatchable,
      googleCannot: this.googleCannot,
      metaCannot: this.metaCannot,
      quality: { rows: this.rows, keys: this.keys.map((k) => ({ ...k })), google: { ...this.google }, meta: { ...this.meta } },
    };
  }
}
