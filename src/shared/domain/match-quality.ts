/**
 * Match quality of a file or an import (issue 15 item 1), in the spirit of Meta's event match quality:
 * for each match key, how many rows carry a value the platform can use (valid once normalized with that
 * platform's rules, i.e. what the import stores), and how many events each platform can match.
 *
 * The estimate's rule ("can match"): an event is matchable by a platform when it has at least one key
 * that platform matches on — the same rule as the import's pre-flight and the export's exclusions:
 *   Google: gclid/gbraid/wbraid, email, phone, or first + last name with country and postal code;
 *   Meta: email, phone, external id, fbc/fbp, first + last name with zip, city or date of birth, or IP with user agent.
 * "Strong" counts the events matchable on a key that identifies one person on its own — email, phone or a
 * click id (and Meta's external id) — the keys both platforms say carry most of the match rate. Names and
 * addresses alone match far less often, so they count towards "can match" but not towards "strong".
 */
export const MATCH_KEYS = ['email', 'phone', 'name', 'address', 'click_id', 'external_id', 'ip_agent'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

export const MATCH_KEY_LABELS: Record<MatchKey, string> = {
  email: 'Email',
  phone: 'Phone',
  name: 'First + last name',
  address: 'Address',
  click_id: 'Click id',
  external_id: 'External id',
  ip_agent: 'IP + user agent',
};

/** What each platform counts as the key (shown next to the figures). */
export const MATCH_KEY_RULES: Record<MatchKey, { google: string | null; meta: string | null }> = {
  email: { google: 'valid email', meta: 'valid email' },
  phone: { google: 'phone readable as E.164', meta: 'phone readable as E.164' },
  name: { google: 'first and last name', meta: 'first and last name' },
  address: { google: 'country and postal code', meta: 'zip, city, state or country' },
  click_id: { google: 'gclid, gbraid or wbraid', meta: 'fbc or fbp' },
  external_id: { google: null, meta: 'external id' },
  ip_agent: { google: null, meta: 'IP address and user agent' },
};

export interface MatchKeyFill {
  key: MatchKey;
  /** Rows carrying a value Google can use for this key; null: Google does not match on it. */
  google: number | null;
  meta: number | null;
}

export interface PlatformMatch {
  /** Rows (events) with at least one key the platform matches on. */
  canMatch: number;
  /** Of those, rows with email, phone or click id (Meta: also external id). */
  strong: number;
}

export interface MatchQuality {
  /** Rows measured: a sample of the file at mapping time, every imported event in a report. */
  rows: number;
  keys: MatchKeyFill[];
  google: PlatformMatch;
  meta: PlatformMatch;
}

/** At mapping time: the sample's figures, the file's estimated row count, and each column's fill rate. */
export interface SampleQuality extends MatchQuality {
  /** True when the sample is the whole file. */
  wholeFile: boolean;
  /** Rows in the file: exact when wholeFile, else estimated from the average line length. */
  fileRows: number;
  /** Per column of the file: rows with a non-blank cell, and (identity/click columns) rows whose value some platform can use. */
  columns: { filled: number; valid: number | null }[];
}

/** Share as a whole percent (0 when there are no rows). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}
