-- 0001: a faithful SQLite port of the original plan's conversion_events, plus the brands and
-- campaigns its foreign keys point at. Times are ISO-8601 UTC text (YYYY-MM-DDTHH:MM:SS.SSSZ),
-- ids are UUIDv7 text, money is integer micros (never a float).

CREATE TABLE brands (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE campaigns (
  id          TEXT PRIMARY KEY NOT NULL,
  brand_id    TEXT REFERENCES brands(id) ON DELETE SET NULL,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE conversion_events (
  id                    TEXT PRIMARY KEY NOT NULL,
  event_name            TEXT NOT NULL
                        CHECK (event_name IN ('purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom')),
  event_id              TEXT NOT NULL UNIQUE,
  user_email_hash       TEXT CHECK (user_email_hash IS NULL OR (length(user_email_hash) = 64 AND user_email_hash NOT GLOB '*[^0-9a-f]*')),
  user_phone_hash       TEXT CHECK (user_phone_hash IS NULL OR (length(user_phone_hash) = 64 AND user_phone_hash NOT GLOB '*[^0-9a-f]*')),
  user_first_name_hash  TEXT CHECK (user_first_name_hash IS NULL OR (length(user_first_name_hash) = 64 AND user_first_name_hash NOT GLOB '*[^0-9a-f]*')),
  user_last_name_hash   TEXT CHECK (user_last_name_hash IS NULL OR (length(user_last_name_hash) = 64 AND user_last_name_hash NOT GLOB '*[^0-9a-f]*')),
  user_ip               TEXT,
  user_agent            TEXT,
  -- The plan's DECIMAL event_value, stored exactly as integer micros (12.30 → 12300000).
  event_value_micros    INTEGER CHECK (event_value_micros IS NULL OR event_value_micros >= 0),
  currency              TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
  transaction_id        TEXT,
  custom_params         TEXT CHECK (custom_params IS NULL OR json_valid(custom_params)),
  source                TEXT,
  campaign_id           TEXT REFERENCES campaigns(id) ON DELETE SET NULL,
  brand_id              TEXT REFERENCES brands(id) ON DELETE SET NULL,
  sync_status           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (sync_status IN ('pending', 'queued', 'sent', 'failed', 'skipped')),
  sync_attempts         INTEGER NOT NULL DEFAULT 0 CHECK (sync_attempts >= 0),
  synced_at             TEXT,
  sync_error            TEXT,
  event_time            TEXT NOT NULL,
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- The original plan's five indexes.
CREATE INDEX idx_conversion_events_sync_status ON conversion_events (sync_status);
CREATE INDEX idx_conversion_events_event_time ON conversion_events (event_time);
CREATE INDEX idx_conversion_events_event_name ON conversion_events (event_name);
CREATE INDEX idx_conversion_events_campaign_id ON conversion_events (campaign_id);
CREATE INDEX idx_conversion_events_brand_id ON conversion_events (brand_id);

-- The review screen's real query: filter by status, newest first, keyset on (event_time, id).
CREATE INDEX idx_conversion_events_status_time ON conversion_events (sync_status, event_time DESC, id DESC);

CREATE TRIGGER trg_conversion_events_updated_at
AFTER UPDATE ON conversion_events
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
  UPDATE conversion_events SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
