-- 0010: drop (sync_status, event_time DESC, id DESC). Every status change moved its entry between two
-- random places in a 1M-entry b-tree: on 1M events that index alone cost ~10 s of a bulk queue's ~14 s
-- UPDATE (the same UPDATE without it: 3.5 s; docs/benchmarks.md, review). What it served now comes from:
-- - the review grid's status filters, sorts and per-status counts: the in-memory facet index
--   (src/main/events/facets.ts), and the plan's (sync_status) index — (sync_status, rowid), which a
--   bulk change walking the table in rowid order updates sequentially — when that index is rebuilding;
-- - exports: they read queued events in rowid (import) order through (sync_status), sequential table
--   reads instead of one random seek per event in event-time order.
DROP INDEX IF EXISTS idx_conversion_events_status_time;
