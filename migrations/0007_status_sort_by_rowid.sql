-- 0007: the status sort breaks ties by rowid, so the plan's idx_conversion_events_sync_status
-- (sync_status, rowid) serves it; 0006's (sync_status, id) only added ~3 µs per event to every bulk
-- status change (and to every import). See docs/benchmarks.md.
DROP INDEX IF EXISTS idx_conversion_events_status_id;
