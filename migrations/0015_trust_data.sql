-- 0015: crash-safe export files, and the audit of erasures (issue 14, items 2 and 12).
--
-- Every temporary file an export writes (upload.csv.<hex>.part) is recorded here, committed before
-- the file is created, and removed once it was renamed into place or deleted. What is left at the
-- next start (the process was killed) is finished or removed then: the .part file becomes the final
-- file only when its batch was committed, otherwise it is deleted. owner_pid: a file whose process is
-- still alive (the app exporting while the CLI starts) is left alone.
CREATE TABLE export_temp_files (
  path        TEXT PRIMARY KEY NOT NULL,
  final_path  TEXT NOT NULL,
  batch_id    TEXT NOT NULL,
  owner_pid   INTEGER NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

-- One row per erasure ("Forget a person", or the retention rule). Never the identifier, nor its
-- hashes: only what kind of identifier it was and how much was deleted.
CREATE TABLE erasure_log (
  id                 TEXT PRIMARY KEY NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('forget', 'retention')),
  identifier_kind    TEXT CHECK (identifier_kind IS NULL OR identifier_kind IN ('email', 'phone')),
  retention_days     INTEGER,
  events_deleted     INTEGER NOT NULL,
  history_deleted    INTEGER NOT NULL,
  batch_links_deleted INTEGER NOT NULL,
  deliveries_deleted INTEGER NOT NULL,
  created_at         TEXT NOT NULL
) STRICT;
