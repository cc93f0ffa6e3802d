import { z } from 'zod';
import { EventFilterSchema, type EventFilter } from './filters';

/** Export formats; the same names as sync_batches.destination. */
export const EXPORT_FORMATS = ['google-click', 'google-leads', 'meta', 'csv'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  'google-click': 'Google Ads — conversions from clicks (GCLID / GBRAID / WBRAID)',
  'google-leads': 'Google Ads — enhanced conversions for leads (hashed email / phone)',
  meta: 'Meta — offline events (Conversions API fields)',
  csv: 'CSV — all columns, for spreadsheets',
};

/** Why an event was left out of a file. Every excluded event carries one; nothing is dropped silently. */
export const EXCLUSION_CODES = [
  'no_click_id',
  'both_braids',
  'no_identifiers',
  'no_conversion_action',
  'no_meta_event',
  'too_old',
  'in_future',
  'currency_mismatch',
  /** The event's identifiers came pre-hashed for the other platform (its normalization differs). */
  'hashed_for_other_platform',
  /** Meta requires value and currency on Purchase. */
  'purchase_without_value',
] as const;
export type ExclusionCode = (typeof EXCLUSION_CODES)[number];

/**
 * The review filter naming exactly the events a format excludes for this reason (within the export's
 * own filter), or null when Review has no such filter. Both sides use the same rules, so the counts agree.
 */
export function exclusionReviewFilter(format: ExportFormat, code: ExclusionCode): EventFilter | null {
  const destination = format === 'meta' ? 'meta' : format === 'csv' ? null : 'google_ads';
  if (!destination) return null;
  switch (code) {
    case 'too_old':
      return { tooOldFor: destination };
    case 'no_conversion_action':
      return destination === 'google_ads' ? { unmappedFor: destination } : null;
    case 'no_meta_event':
      return destination === 'meta' ? { unmappedFor: destination } : null;
    case 'no_identifiers':
      return format === 'google-click' ? null : { noIdentifiersFor: destination === 'meta' ? 'meta' : 'google' };
    case 'no_click_id':
      return format === 'google-click' ? { hasClickId: false } : null;
    default:
      return null;
  }
}

export interface ExcludedEvent {
  /** The event's row id (conversion_events.id). */
  id: string;
  /** The event's own event_id (dedup key), as shown in the review grid. */
  eventId: string;
  code: ExclusionCode;
  reason: string;
  /** Every problem of the event (it is counted in each code's group), one reason per code. */
  codes: ExclusionCode[];
  reasons: string[];
  /** The order / transaction id, the file line it came from (source_line) and its time (UTC, stored form). */
  orderId: string | null;
  sourceLine: number | null;
  eventTime: string;
}

export const ExportRequestSchema = z
  .object({
    format: ExportFormatSchema,
    /** Which events; the status defaults to queued when the filter names none. */
    filter: EventFilterSchema.default({}),
  })
  .strict();
export type ExportRequest = z.input<typeof ExportRequestSchema>;

export interface ExportPreview {
  format: ExportFormat;
  /** Events matching the filter. */
  matched: number;
  /** Events that would be written. */
  exported: number;
  /** Distinct excluded events. */
  excludedCount: number;
  /** Per code, the excluded events with that problem (an event with two problems is in two groups). */
  excludedByCode: Partial<Record<ExclusionCode, number>>;
  /** The excluded events (the first `excludedLimit`; the count above is complete). */
  excluded: ExcludedEvent[];
  excludedTruncated: boolean;
  /**
   * Exported events that will still upload but deserve a look (DESIGN.md §7 pre-flight): no order
   * id (a re-upload could count twice), consent unspecified after the defaults (required for EEA
   * users), already in another open batch (this export moves them to its own batch).
   */
  warnings: ExportWarning[];
}

export const WARNING_CODES = ['no_order_id', 'consent_unspecified', 'in_other_batch'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];
export interface ExportWarning {
  code: WarningCode;
  count: number;
  message: string;
}

export interface ExportResult extends ExportPreview {
  batchId: string;
  path: string;
  fileSha256: string;
  bytes: number;
  /** Exported events that were queued and now belong to the batch (the others are in the file only). */
  linked: number;
  durationMs: number;
}

export const BATCH_STATUSES = ['exported', 'uploaded', 'failed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export interface SyncBatch {
  id: string;
  destination: ExportFormat;
  filePath: string | null;
  fileSha256: string | null;
  eventCount: number;
  status: BatchStatus;
  error: string | null;
  createdAt: string;
  closedAt: string | null;
  /** The batch's events now, by sync status. */
  byStatus: { queued: number; sent: number; failed: number; other: number };
}
