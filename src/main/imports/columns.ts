import { INSERT_COLUMNS } from '../events/repo';

/** Columns an import writes, in the order of its value arrays: the events' insert columns plus 0011's. */
export const IMPORT_COLUMNS = [
  ...INSERT_COLUMNS,
  'conversion_name',
  'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  'google_region_code', 'google_postal_code',
  'data_processing_options', 'dpo_country', 'dpo_state',
  'source_line',
  'source_time',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const COL = Object.fromEntries(IMPORT_COLUMNS.map((c, i) => [c, i])) as Record<ImportColumn, number>;
