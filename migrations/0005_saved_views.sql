-- 0005: named review views (filter + sort + grid columns), saved from the Review screen.

CREATE TABLE saved_views (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  filter      TEXT NOT NULL CHECK (json_valid(filter)),
  sort        TEXT NOT NULL CHECK (json_valid(sort)),
  columns     TEXT NOT NULL CHECK (json_valid(columns)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
