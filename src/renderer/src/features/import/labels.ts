import type { ImportTarget } from '../../../../shared/domain/imports';

export const TARGET_LABELS: Record<ImportTarget, string> = {
  ignore: 'Ignore',
  event_name: 'Conversion name',
  event_id: 'Event ID',
  email: 'Email',
  phone: 'Phone',
  first_name: 'First name',
  last_name: 'Last name',
  user_ip: 'IP address',
  user_agent: 'User agent',
  value: 'Value',
  currency: 'Currency',
  transaction_id: 'Order / transaction ID',
  event_time: 'Event time',
  gclid: 'Google click ID (gclid)',
  gbraid: 'gbraid',
  wbraid: 'wbraid',
  fbc: 'Meta click ID (fbc)',
  fbp: 'Meta browser ID (fbp)',
  consent_ad_user_data: 'Consent: ad user data',
  consent_ad_personalization: 'Consent: ad personalization',
  campaign: 'Campaign',
  brand: 'Brand',
  source: 'Source',
  city: 'City',
  state: 'State / region',
  zip: 'Postal code',
  country: 'Country',
  date_of_birth: 'Date of birth',
  gender: 'Gender',
  external_id: 'External ID (customer id)',
  data_processing_options: 'Meta data processing options (LDU)',
  dpo_country: 'Meta LDU country',
  dpo_state: 'Meta LDU state',
  custom: 'Custom param',
};

export const DELIMITER_LABELS: Record<string, string> = { ',': 'Comma ,', ';': 'Semicolon ;', '\t': 'Tab', '|': 'Pipe |' };

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}
