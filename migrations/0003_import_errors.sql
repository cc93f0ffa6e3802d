-- 0003: the import report's invalid rows (masked values only; raw bad rows are re-read from the
-- source file when the user saves them) and the count of events an import updated.

ALTER TABLE imports ADD COLUMN rows_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN headers TEXT CHECK (headers IS NULL OR json_valid(headers));
ALTER TABLE imports ADD COLUMN file_path TEXT;

CREATE TABLE import_errors (
  id           INTEGER PRIMARY KEY,
  import_id    TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  line         INTEGER NOT NULL,
  column_name  TEXT,
  masked_value TEXT,
  reason       TEXT NOT NULL
) STRICT;
CREATE INDEX idx_import_errors_import ON import_errors (import_id, line);
