import type { Generated } from 'kysely';

/** Kysely's view of the tables created by migrations/. Keep in step with the .sql files. */
export interface BrandsTable {
  id: string;
  name: string;
  created_at: string;
}
export interface CampaignsTable {
  id: string;
  brand_id: string | null;
  name: string;
  created_at: string;
}
export interface ConversionEventsTable {
  id: string;
  event_name: string;
  event_id: string;
  user_email_hash: string | null;
  user_phone_hash: string | null;
  user_first_name_hash: string | null;
  user_last_name_hash: string | null;
  meta_email_hash: string | null;
  meta_phone_hash: string | null;
  meta_first_name_hash: string | null;
  meta_last_name_hash: string | null;
  user_ip: string | null;
  user_agent: string | null;
  event_value_micros: number | null;
  currency: string;
  transaction_id: string | null;
  custom_params: string | null;
  source: string | null;
  campaign_id: string | null;
  brand_id: string | null;
  import_id: string | null;
  /** Unused since 0009 (always NULL): batches link events through sync_batch_events. */
  batch_id: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
  fbc: string | null;
  fbp: string | null;
  consent_ad_user_data: string;
  consent_ad_personalization: string;
  sync_status: string;
  sync_attempts: number;
  synced_at: string | null;
  sync_error: string | null;
  event_time: string;
  created_at: string;
  updated_at: string;
  /** 0011: the file's own conversion name; NULL for events stored before 0011 (name = category). */
  conversion_name: string | null;
  meta_city_hash: string | null;
  meta_state_hash: string | null;
  meta_zip_hash: string | null;
  meta_country_hash: string | null;
  meta_dob_hash: string | null;
  meta_gender_hash: string | null;
  meta_external_id_hash: string | null;
  /** Sent in clear to Google Data Manager (AddressInfo.regionCode / postalCode). */
  google_region_code: string | null;
  google_postal_code: string | null;
  /** JSON array, e.g. ["LDU"]. */
  data_processing_options: string | null;
  dpo_country: number | null;
  dpo_state: number | null;
  source_line: number | null;
  /** 0019: the time cell as the file wrote it; NULL when it is re-derivable (imports.time_zone) or not from a file. */
  source_time: string | null;
}
export interface ImportsTable {
  id: string;
  file_name: string;
  file_size: number;
  file_sha256: string | null;
  mapping: string | null;
  options: string | null;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_duplicate: number;
  rows_invalid: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  rows_updated: number;
  headers: string | null;
  file_path: string | null;
  rows_warned: number;
  rows_merged: number;
  /** 0016: JSON Preflight (src/shared/domain/imports.ts). */
  preflight: string | null;
  /** 0019: the zone the import read offset-less times in. */
  time_zone: string | null;
}
export interface ImportErrorsTable {
  id: number;
  import_id: string;
  line: number;
  column_name: string | null;
  masked_value: string | null;
  reason: string;
  severity: string;
  related_event_id: string | null;
}
export interface SyncBatchesTable {
  id: string;
  destination: string;
  file_path: string | null;
  file_sha256: string | null;
  event_count: number;
  status: string;
  error: string | null;
  created_at: string;
  closed_at: string | null;
}
export interface SyncBatchEventsTable {
  batch_id: string;
  event_id: string;
}
export interface SyncHistoryTable {
  id: Generated<number>;
  event_id: string;
  from_status: string | null;
  to_status: string;
  action: string;
  note: string | null;
  batch_id: string | null;
  change_id: string | null;
  prev_sync_error: string | null;
  prev_synced_at: string | null;
  prev_attempts: number | null;
  /** 0012: the destination whose delivery changed; NULL = the event's overall sync_status. */
  destination: string | null;
  run_id: string | null;
  prev_error_code: string | null;
  created_at: Generated<string>;
}
/** 0012: one event's delivery to one destination (created lazily; see the migration). */
export interface EventDeliveriesTable {
  event_id: string;
  destination: string;
  status: string;
  attempts: number;
  last_error: string | null;
  last_error_code: string | null;
  synced_at: string | null;
  batch_id: string | null;
  run_id: string | null;
  platform_ids: string | null;
  updated_at: string;
}
export interface MappingPresetsTable {
  id: string;
  name: string;
  header_key: string;
  mapping: string;
  created_at: string;
}
export interface SettingsTable {
  key: string;
  value: string;
}
/** 0015: temporary export files in flight (removed or finished at the next start after a crash). */
export interface ExportTempFilesTable {
  path: string;
  final_path: string;
  batch_id: string;
  owner_pid: number;
  created_at: string;
}
/** 0015: one row per erasure (forget a person / retention), never the identifier. */
export interface ErasureLogTable {
  id: string;
  kind: 'forget' | 'retention';
  identifier_kind: 'email' | 'phone' | null;
  retention_days: number | null;
  events_deleted: number;
  history_deleted: number;
  batch_links_deleted: number;
  deliveries_deleted: number;
  created_at: string;
}
/** The migration runner's ledger (db/migrate.ts). */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}
export interface SendRunsTable {
  id: string;
  destination: string;
  dry_run: number;
  filter: string | null;
  status: string;
  owner_pid: number | null;
  heartbeat_at: string | null;
  events_total: number;
  events_sent: number;
  events_failed: number;
  events_excluded: number;
  requests: number;
  retries: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}
export interface SendRequestsTable {
  id: string;
  run_id: string;
  destination: string;
  /** JSON array of conversion_events.id. */
  event_ids: string;
  event_count: number;
  attempt: number;
  resend_of: string | null;
  dry_run: number;
  outcome: string;
  http_status: number | null;
  platform_ids: string | null;
  error_code: string | null;
  error_subcode: string | null;
  error_message: string | null;
  started_at: string;
  finished_at: string | null;
}
export interface SendRunEventsTable {
  run_id: string;
  event_id: string;
  outcome: string;
  code: string;
  reason: string;
  request_id: string | null;
}
export interface GoogleRequestDiagnosticsTable {
  send_request_id: string;
  run_id: string;
  google_request_id: string;
  event_count: number;
  status: string;
  record_count: number | null;
  /** JSON array of {reason, count}. */
  error_counts: string;
  warning_counts: string;
  polls: number;
  next_poll_at: string;
  last_polled_at: string | null;
  last_error: string | null;
  final_at: string | null;
}
/** 0005: named review views (filter, sort and columns are JSON). */
export interface SavedViewsTable {
  id: string;
  name: string;
  filter: string;
  sort: string;
  columns: string;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}
/** Connection-local work tables (CREATE TEMP TABLE in the repositories that use them). */
export interface TempIdsTable {
  id: string;
}
export interface DB {
  brands: BrandsTable;
  campaigns: CampaignsTable;
  conversion_events: ConversionEventsTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  sync_batches: SyncBatchesTable;
  sync_batch_events: SyncBatchEventsTable;
  sync_history: SyncHistoryTable;
  event_deliveries: EventDeliveriesTable;
  mapping_presets: MappingPresetsTable;
  settings: SettingsTable;
  export_temp_files: ExportTempFilesTable;
  erasure_log: ErasureLogTable;
  schema_migrations: SchemaMigrationsTable;
  send_runs: SendRunsTable;
  send_requests: SendRequestsTable;
  send_run_events: SendRunEventsTable;
  google_request_diagnostics: GoogleRequestDiagnosticsTable;
  saved_views: SavedViewsTable;
  'temp.target_ids': TempIdsTable;
  'temp.job_ids': TempIdsTable;
}
