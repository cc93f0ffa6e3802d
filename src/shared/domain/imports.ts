import { z } from 'zod';
import { ConversionEventNameSchema } from './events';

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
  'custom',
] as const;
export const ImportTargetSchema = z.enum(IMPORT_TARGETS);
export type ImportTarget = z.infer<typeof ImportTargetSchema>;

/** Targets holding personal data: masked in previews and error reports, hashed before storage. */
export const PERSONAL_TARGETS: ReadonlySet<ImportTarget> = new Set(['email', 'phone', 'first_name', 'last_name', 'user_ip']);

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

/** An IANA zone ("Europe/Paris") or a fixed offset ("+0100", "-05:00", "UTC"). */
export const TimeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => /^(UTC|GMT|Z|[+-]\d{2}:?\d{2})$/i.test(tz) || /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz), {
    message: 'is not a time zone (use an IANA name like Europe/Paris or an offset like +0100)',
  });

export const ImportOptionsSchema = z.object({
  onDuplicate: OnDuplicateSchema.default('skip'),
  /** ISO alpha-2 country for phones without a +country code. */
  defaultCountry: z.string().trim().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code').transform((c) => c.toUpperCase()).optional(),
  /** Currency for rows without a currency column/value. */
  currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code').transform((c) => c.toUpperCase()).optional(),
  /** Zone for times without an offset, when the file has no Parameters:TimeZone line (that line wins). */
  timezone: TimeZoneSchema.optional(),
  /** Event name for rows without an event-name column/value. */
  eventName: ConversionEventNameSchema.optional(),
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

export interface ImportRowError {
  /** 1-based physical line in the file (the first line is 1; quoted newlines counted). 0 = the whole file. */
  row: number;
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
  /** From a Google Ads `Parameters:TimeZone=` first line, or null. */
  timezone: string | null;
  decimalComma: boolean;
  headers: string[];
  /** First rows (max 20), personal data masked. */
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
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ImportReport extends ImportSummary {
  mapping: ImportMapping | null;
  headers: string[];
  options: ImportOptions | null;
  /** Invalid rows (at most the first 10,000 are kept). */
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
