-- 0019: the event time as the file gave it (issue 15 item 8). The review detail shows the cell's own text
-- beside the UTC instant and the account-zone time.
-- source_time holds the cell verbatim only when it cannot be re-derived exactly: an import stores NULL
-- when the cell was a plain wall time `YYYY-MM-DD HH:MM:SS` read in the import's zone, in an hour
-- without a DST change (most files, and the benchmark's million rows), because that text is the
-- stored instant shown in imports.time_zone. Anything else — an offset, another layout, spaces, a
-- time in a DST gap or overlap — is kept as written. It is a time, never personal data.
ALTER TABLE conversion_events ADD COLUMN source_time TEXT;
-- The zone an import read its offset-less times in: the file's Parameters:TimeZone line, else a zone in
-- the time column's header ("Created date (UTC)"), else the import's option; NULL when none applied.
ALTER TABLE imports ADD COLUMN time_zone TEXT;
