-- 0011: what the file says is what gets stored (issue 11, with the identity rules of issue 17).
--
-- The file's own conversion name ("Qualified lead", "InitiateCheckout"…). event_name stays the
-- original plan's category (purchase | lead | … | custom), derived from the name by an explicit
-- table, never by substring; NULL here means the event predates 0011 (its name is its category).
ALTER TABLE conversion_events ADD COLUMN conversion_name TEXT
  CHECK (conversion_name IS NULL OR length(conversion_name) BETWEEN 1 AND 200);

-- Address and profile fields. Meta hashes every one of them (capi-param-builder's rules), so the
-- columns hold lowercase hex SHA-256 only (checked in JS by the import, like meta_*_hash of 0002).
ALTER TABLE conversion_events ADD COLUMN meta_city_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_state_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_zip_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_country_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_dob_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_gender_hash TEXT;
ALTER TABLE conversion_events ADD COLUMN meta_external_id_hash TEXT;
-- Google's Data Manager AddressInfo takes the region (ISO 3166-1 alpha-2) and the postal code in
-- clear, never hashed: these two coarse values are the only personal values ever stored unhashed.
ALTER TABLE conversion_events ADD COLUMN google_region_code TEXT
  CHECK (google_region_code IS NULL OR (length(google_region_code) = 2 AND google_region_code NOT GLOB '*[^A-Z]*'));
ALTER TABLE conversion_events ADD COLUMN google_postal_code TEXT
  CHECK (google_postal_code IS NULL OR length(google_postal_code) BETWEEN 1 AND 16);

-- Meta's Limited Data Use: data_processing_options as a JSON array (e.g. ["LDU"]) with its
-- country / state codes (0 = let Meta geolocate), exported and sent as Meta requires.
ALTER TABLE conversion_events ADD COLUMN data_processing_options TEXT
  CHECK (data_processing_options IS NULL OR json_valid(data_processing_options));
ALTER TABLE conversion_events ADD COLUMN dpo_country INTEGER;
ALTER TABLE conversion_events ADD COLUMN dpo_state INTEGER;

-- The physical line in its import file where the event's first row starts (reports, exclusions,
-- send failures point the user back at it).
ALTER TABLE conversion_events ADD COLUMN source_line INTEGER CHECK (source_line IS NULL OR source_line >= 1);

-- Import reports separate errors (row refused) from warnings (row kept, one value dropped or
-- changed) and list duplicates with the event they matched.
ALTER TABLE import_errors ADD COLUMN severity TEXT NOT NULL DEFAULT 'error'
  CHECK (severity IN ('error', 'warning', 'duplicate'));
ALTER TABLE import_errors ADD COLUMN related_event_id TEXT;
ALTER TABLE imports ADD COLUMN rows_warned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN rows_merged INTEGER NOT NULL DEFAULT 0;

CREATE INDEX idx_conversion_events_conversion_name ON conversion_events (conversion_name);
