import { z } from 'zod';
import type { MatchQuality } from './match-quality';

/** What a CSV column can be mapped to. `custom` goes into custom_params under the header's name. */
export const IMPORT_TARGETS = [
  'ignore',
  'event_name',
  'event_id',
  'email',
  'phone',
  'first_name',
  'last_name',
  'user_ip',
  'user_agent',
  'value',
  'currency',
  'transaction_id',
  'event_time',
  'gclid',
  'gbraid',
  'wbraid',
  'fbc',
  'fbp',
  'consent_ad_user_data',
  'consent_ad_personalization',
  'campaign',
  'brand',
  'source',
  'city',
  'state',
  'zip',
  'country',
  'date_of_birth',
  'gender',
  'external_id',
  'data_processing_options',
  'dpo_country',
  'dpo_state',
  'custom',
] as const;
export const ImportTargetSchema = z.enum(IMPORT_TARGETS);
export type ImportTarget = z.infer<typeof ImportTargetSchema>;

/** Targets holding personal data: masked in previews and error reports, hashed before storage. */
export const PERSONAL_TARGETS: ReadonlySet<ImportTarget> = new Set([
  'email', 'phone', 'first_name', 'last_name', 'user_ip', 'city', 'state', 'zip', 'country', 'date_of_birth', 'gender', 'external_id',
]);

/** Identifier targets: an invalid one is dropped from its row with a warning (unless the import is strict). */
export const IDENTITY_TARGETS = ['email', 'phone', 'first_name', 'last_name', 'city', 'state', 'zip', 'country', 'date_of_birth', 'gender', 'external_id'] as const;
export type IdentityTarget = (typeof IDENTITY_TARGETS)[number];

/** The platform whose normalization produced a file's pre-hashed (64-hex) identifiers. */
export const HashPlatformSchema = z.enum(['google', 'meta']);
export type HashPlatform = z.infer<typeof HashPlatformSchema>;

/** One target per column, in file order. A target other than ignore/custom may appear once. */
export const ImportMappingSchema = z
  .object({
    columns: z.array(ImportTargetSchema).min(1).max(1000),
  })
  .superRefine((mapping, ctx) => {
    const seen = new Set<string>();
    mapping.columns.forEach((target, index) => {
      if (target === 'ignore' || target === 'custom') return;
      if (seen.has(target)) ctx.addIssue({ code: 'custom', path: ['columns', index], message: `${target} is mapped to more than one column` });
      seen.add(target);
    });
  });
export type ImportMapping = z.infer<typeof ImportMappingSchema>;

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export const EncodingSchema = z.enum(ENCODINGS);
export type ImportEncoding = z.infer<typeof EncodingSchema>;

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export const DelimiterSchema = z.enum(DELIMITERS);
export type ImportDelimiter = z.infer<typeof DelimiterSchema>;

export const OnDuplicateSchema = z.enum(['skip', 'update', 'error']);
export type OnDuplicate = z.infer<typeof OnDuplicateSchema>;

/**
 * Time-zone abbreviations are ambiguous (CST is US Central, China and Cuba) and name no DST rule
 * ("EST" is a fixed UTC−5 all year): refused, with the IANA zone most people mean.
 */
export const ZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  EST: 'America/New_York', EDT: 'America/New_York', CST: 'America/Chicago', CDT: 'America/Chicago',
  MST: 'America/Denver', MDT: 'America/Denver', PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage', AKDT: 'America/Anchorage', HST: 'Pacific/Honolulu', AST: 'America/Halifax', ADT: 'America/Halifax',
  BST: 'Europe/London', IST: 'Asia/Kolkata', WET: 'Europe/Lisbon', WEST: 'Europe/Lisbon', CET: 'Europe/Paris', CEST: 'Europe/Paris',
  MET: 'Europe/Paris', MEST: 'Europe/Paris', EET: 'Europe/Athens', EEST: 'Europe/Athens', MSK: 'Europe/Moscow', JST: 'Asia/Tokyo',
  KST: 'Asia/Seoul', HKT: 'Asia/Hong_Kong', SGT: 'Asia/Singapore', AEST: 'Australia/Sydney', AEDT: 'Australia/Sydney',
  ACST: 'Australia/Adelaide', AWST: 'Australia/Perth', NZST: 'Pacific/Auckland', NZDT: 'Pacific/Auckland', BRT: 'America/Sao_Paulo',
  ART: 'America/Argentina/Buenos_Aires', SAST: 'Africa/Johannesburg', WAT: 'Africa/Lagos', EAT: 'Africa/Nairobi', PKT: 'Asia/Karachi',
  ICT: 'Asia/Bangkok', WIB: 'Asia/Jakarta', PHT: 'Asia/Manila',
};

/** Why a time-zone text is not accepted, or null. IANA names ("Europe/Paris", "UTC") and fixed offsets ("+0100") pass. */
export function timeZoneProblem(text: string): string | null {
  const tz = text.trim();
  if (/^(UTC|GMT|Z|[+-]\d{2}:?\d{2})$/i.test(tz)) return null;
  const suggestion = ZONE_ABBREVIATIONS[tz.toUpperCase()];
  if (suggestion) return `"${tz}" is an abbreviation, not a time zone (it has no daylight-saving rule); use an IANA name such as ${suggestion}`;
  // ICU also knows legacy POSIX-style ids (EST5EDT, CST6CDT, MST, WET…) that are fixed offsets or odd rules.
  if (!/^(Etc\/[A-Za-z0-9+-]+|[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+){1,2})$/.test(tz)) {
    return `"${tz}" is not an IANA time zone (use a name like Europe/Paris or America/New_York, or an offset like +0100)`;
  }
  return null;
}

/** An IANA zone ("Europe/Paris") or a fixed offset ("+0100", "-05:00", "UTC"). Abbreviations are refused. */
export const TimeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .superRefine((tz, ctx) => {
    const problem = timeZoneProblem(tz);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const ImportOptionsSchema = z.object({
  onDuplicate: OnDuplicateSchema.default('skip'),
  /** ISO alpha-2 country for phones without a +country code. */
  defaultCountry: z.string().trim().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code').transform((c) => c.toUpperCase()).optional(),
  /** Currency for rows without a currency column/value. */
  currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code').transform((c) => c.toUpperCase()).optional(),
  /** Zone for times without an offset, when the file has no Parameters:TimeZone line (that line wins). */
  timezone: TimeZoneSchema.optional(),
  /** Conversion name for rows without an event-name column/value: any name ("Qualified lead", "purchase"). */
  eventName: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
  /** All-or-nothing rows: an invalid identifier refuses the whole row instead of being dropped with a warning. */
  strict: z.boolean().optional(),
  /** Which platform's rules produced the file's pre-hashed identifiers (detected from the headers when absent). */
  prehashedFor: HashPlatformSchema.optional(),
  encoding: EncodingSchema.optional(),
  delimiter: DelimiterSchema.optional(),
  /** False when the first row is data (columns are then named Column 1, Column 2…). Default true. */
  hasHeader: z.boolean().optional(),
  /** Values use a decimal comma (1.234,56). Detected by preview when absent. */
  decimalComma: z.boolean().optional(),
});
export type ImportOptionsInput = z.input<typeof ImportOptionsSchema>;
export type ImportOptions = z.output<typeof ImportOptionsSchema>;

export const FileRefSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a file reference'),
  name: z.string(),
  size: z.number().int().nonnegative(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

/** error: the row was refused; warning: the row was kept with a value dropped or a limit noted; duplicate: the row matched an event already stored. */
export type ImportProblemSeverity = 'error' | 'warning' | 'duplicate';

export interface ImportRowError {
  /** 1-based physical line in the file (the first line is 1; quoted newlines counted). 0 = the whole file. */
  row: number;
  /** Absent means 'error'. */
  severity?: ImportProblemSeverity;
  /** For a duplicate: the id of the event it matched. */
  relatedEventId?: string | null;
  /** Header of the offending column, or null when the row as a whole is wrong. */
  column: string | null;
  /** Masked value (never raw personal data). */
  value: string | null;
  reason: string;
}

export interface SniffResult {
  encoding: ImportEncoding;
  hasBom: boolean;
  delimiter: ImportDelimiter;
  hasHeader: boolean;
  lineEnding: 'lf' | 'crlf' | 'cr';
  /** From a Google Ads `Parameters:TimeZone=` first line or the time column's header ("Created date (UTC)"), or null. */
  timezone: string | null;
  /** The platform whose rules produced the file's pre-hashed identifiers, judged from its headers (null: no sign). */
  prehashedFor: HashPlatform | null;
  decimalComma: boolean;
  headers: string[];
  /** Preview rows, personal data masked: 5 spread through the file (each the fullest of its stretch), or the first 20 when not spread. */
  rows: string[][];
  suggestedMapping: ImportMapping;
  /** Name of the saved preset whose header set matches, if any. */
  preset: { id: string; name: string } | null;
  /** Warnings worth showing (e.g. no time zone, no event time column). */
  warnings: string[];
}

export type ImportStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'undone';

export interface ImportSummary {
  id: string;
  fileName: string;
  fileSize: number;
  fileSha256: string | null;
  status: ImportStatus;
  rowsRead: number;
  imported: number;
  updated: number;
  duplicates: number;
  invalid: number;
  /** Rows kept with at least one warning. */
  warned: number;
  /** Rows folded into an earlier row of the same file with the same event id (line items of one order). */
  merged: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * What the platforms can do with the imported events, checked at import (each listed event is also a
 * warning at its line in the report): events no platform can match, and events one platform cannot take.
 */
export interface Preflight {
  /** Events with no email, phone, name with address, external id or click id for any platform. */
  unmatchable: number;
  /** Events Google cannot match (no gclid/gbraid/wbraid, email, phone or name with address), the unmatchable included. */
  googleCannot: number;
  /** Events Meta cannot match (no email, phone, external id, fbc/fbp or name with address), the unmatchable included. */
  metaCannot: number;
  /** Identifier cells that were already hashed: stored for this platform only (the other normalizes differently). */
  prehashed: { cells: number; platform: HashPlatform } | null;
  /** Fill rates per match key and the match estimate over the imported events (absent for imports made before issue 15). */
  quality?: MatchQuality;
}

export interface ImportReport extends ImportSummary {
  /** Null for imports made before pre-flight existed, or that did not finish. */
  preflight: Preflight | null;
  mapping: ImportMapping | null;
  headers: string[];
  options: ImportOptions | null;
  /** Refused rows, warnings and duplicates (at most the first 10,000 are kept), each with its severity. */
  errors: ImportRowError[];
  errorsTruncated: boolean;
}

export interface MappingPreset {
  id: string;
  name: string;
  headers: string[];
  mapping: ImportMapping;
  createdAt: string;
}

export const PresetSaveSchema = z.object({
  name: z.string().trim().min(1).max(100),
  headers: z.array(z.string().max(500)).min(1).max(1000),
  mapping: ImportMappingSchema,
});
export type PresetSave = z.infer<typeof PresetSaveSchema>;

/**
 * An imported event's time as its file gave it (issue 15 item 8): the cell's text, and the zone the
 * import read it in when the text has no offset of its own (null when it has one, e.g. `-0500`, `Z`).
 */
export interface SourceTime {
  text: string;
  zone: string | null;
}
