import type { BatchStatus, ExclusionCode, ExportFormat } from '../../../../shared/domain/exports';

/** Short names for the destination picker and the batch list. */
export const DESTINATIONS: { format: ExportFormat; title: string; hint: string; platform: string }[] = [
  { format: 'google-click', title: 'Google Ads — click conversions', hint: 'Events with a GCLID, GBRAID or WBRAID', platform: 'Google Ads' },
  { format: 'google-leads', title: 'Google Ads — enhanced conversions for leads', hint: 'Events with a hashed email or phone', platform: 'Google Ads' },
  { format: 'meta', title: 'Meta — offline events', hint: 'Conversions API fields, hashed email / phone', platform: 'Meta Events Manager' },
  { format: 'csv', title: 'Spreadsheet CSV', hint: 'All columns, for Excel or Google Sheets', platform: 'a spreadsheet' },
];

/** Compact names for the batch table. */
export const DESTINATION_SHORT: Record<ExportFormat, string> = {
  'google-click': 'Google Ads · clicks',
  'google-leads': 'Google Ads · leads',
  meta: 'Meta',
  csv: 'Spreadsheet CSV',
};

export const DESTINATION_TITLE: Record<ExportFormat, string> = Object.fromEntries(DESTINATIONS.map((d) => [d.format, d.title])) as Record<ExportFormat, string>;
export const DESTINATION_PLATFORM: Record<ExportFormat, string> = Object.fromEntries(DESTINATIONS.map((d) => [d.format, d.platform])) as Record<ExportFormat, string>;

export const EXCLUSION_TITLES: Record<ExclusionCode, string> = {
  no_click_id: 'No click id',
  both_braids: 'Both GBRAID and WBRAID',
  no_identifiers: 'No email, phone or click identifiers',
  no_conversion_action: 'No conversion action mapped',
  no_meta_event: 'No Meta event mapped',
  too_old: 'Too old for the platform',
  in_future: 'Conversion time in the future',
  currency_mismatch: 'Currency differs from the account',
  hashed_for_other_platform: 'Identifiers pre-hashed for the other platform',
  purchase_without_value: 'Purchase without value',
};

/** What to do about each exclusion, in one sentence. */
export const EXCLUSION_FIX: Partial<Record<ExclusionCode, { text: string; settings?: boolean }>> = {
  no_click_id: { text: 'Try the “enhanced conversions for leads” file for events that carry an email or phone.' },
  no_identifiers: { text: 'These events cannot be matched by this platform; skip them in Review.' },
  no_conversion_action: { text: 'Map this conversion name to a Google Ads conversion action in Settings.', settings: true },
  no_meta_event: { text: 'Map this conversion name to a Meta event in Settings.', settings: true },
  hashed_for_other_platform: { text: 'The file gave these identifiers already hashed with the other platform’s rules; import the clear values to send them here.' },
  purchase_without_value: { text: 'Meta needs a value and currency on every Purchase: fix the value, or map the name to another Meta event in Settings.', settings: true },
  currency_mismatch: { text: 'Change the required account currency in Settings, or skip these events.', settings: true },
  too_old: { text: 'The platform will not accept them any more; skip them in Review.' },
};

export const BATCH_STATUS_LABEL: Record<BatchStatus, string> = {
  exported: 'Waiting for upload',
  uploaded: 'Uploaded',
  failed: 'Failed',
};

/** Pill colour per batch status (reuses the event status colours). */
export const BATCH_STATUS_PILL: Record<BatchStatus, string> = {
  exported: 'queued',
  uploaded: 'sent',
  failed: 'failed',
};

export const plural = (n: number, one: string, many = `${one}s`): string => (n === 1 ? one : many);

export function fileName(path: string | null): string {
  if (!path) return '—';
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
