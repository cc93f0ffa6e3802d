-- 0002: imports, click identifiers, consent, Meta-normalized hashes, sync batches and the audit trail.

CREATE TABLE imports (
  id              TEXT PRIMARY KEY NOT NULL,
  file_name       TEXT NOT NULL,
  file_size       INTEGER NOT NULL,
  file_sha256     TEXT,
  mapping         TEXT CHECK (mapping IS NULL OR json_valid(mapping)),
  options         TEXT CHECK (options IS NULL OR json_valid(options)),
  status          TEXT NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'undone')),
  rows_read       INTEGER NOT NULL DEFAULT 0,
  rows_imported   INTEGER NOT NULL DEFAULT 0,
  rows_duplicate  INTEGER NOT NULL DEFAULT 0,
  rows_invalid    INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at     TEXT
) STRICT;

CREATE TABLE sync_batches (
  id            TEXT PRIMARY KEY NOT NULL,
  destination   TEXT NOT NULL CHECK (destination IN ('google-click', 'google-leads', 'meta', 'csv')),
  file_path     TEXT,
  file_sha256   TEXT,
  event_count   INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL DEFAULT 'exported' CHECK (status IN ('exported', 'uploaded', 'failed')),
  error         TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  closed_at     TEXT
) STRICT;

ALTER TABLE conversion_events ADD COLUMN import_id TEXT REFERENCES imports(id) ON DELETE SET NULL;
ALTER TABLE conversion_events ADD COLUMN batch_id TEXT REFERENCES sync_batches(id) ON DELETE SET NULL;
ALTER TABLE conversion_events ADD COLUMN gclid TEXT;
ALTER TABLE conversion_events ADD COLUMN gbraid TEXT;
ALTER TABLE conversion_events ADD COLUMN wbraid TEXT;
ALTER TABLE conversion_events ADD COLUMN fbc TEXT;
ALTER TABLE conversion_events ADD COLUMN fbp TEXT;
ALTER TABLE conversion_events ADD COLUMN consent_ad_user_data TEXT NOT NULL DEFAULT 'unspecified'
  CHECK (consent_ad_user_data IN ('granted', 'denied', 'unspecified'));
ALTER TABLE conversion_events ADD COLUMN consent_ad_personalization TEXT NOT NULL DEFAULT 'unspecified'
  CHECK (consent_ad_personalization IN ('granted', 'denied', 'unspecified'));
-- Meta normalizes differently from Google (phone without '+', names without punctuation, no gmail
-- dot rule), and raw values are never kept, so both platforms' hashes are computed at import time.
ALTER TABLE conversion_events ADD COLUMN meta_email_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_phone_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_first_name_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_last_name_hash TEXT;

CREATE INDEX idx_conversion_events_import_id ON conversion_events (import_id);
CREATE INDEX idx_conversion_events_batch_id ON conversion_events (batch_id);
CREATE INDEX idx_conversion_events_time_id ON conversion_events (event_time DESC, id DESC);

CREATE TABLE sync_history (
  id          INTEGER PRIMARY KEY,
  event_id    TEXT NOT NULL REFERENCES conversion_events(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  action      TEXT NOT NULL,
  note        TEXT,
  batch_id    TEXT,
  -- Groups the rows of one bulk change, and keeps what undo needs to put back.
  change_id   TEXT,
  prev_sync_error TEXT,
  prev_synced_at  TEXT,
  prev_attempts   INTEGER,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX idx_sync_history_event ON sync_history (event_id, id);
CREATE INDEX idx_sync_history_change ON sync_history (change_id);

CREATE TABLE mapping_presets (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL UNIQUE,
  header_key  TEXT NOT NULL,
  mapping     TEXT NOT NULL CHECK (json_valid(mapping)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX idx_mapping_presets_header_key ON mapping_presets (header_key);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY NOT NULL,
  value  TEXT NOT NULL CHECK (json_valid(value))
) STRICT;
