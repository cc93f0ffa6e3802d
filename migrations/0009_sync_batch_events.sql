-- 0009: which events went into which sync batch, as rows of their own instead of
-- conversion_events.batch_id. Linking a 1M-event export by rewriting every (~850-byte) event row cost
-- ~4.5 s; appending (batch, event) pairs costs ~1 s (docs/benchmarks.md, export). The pairs also keep
-- the history of closed batches: an event exported, failed and re-exported is in both files.
-- An event is in at most one *open* (status 'exported') batch: the export and the unqueue / skip /
-- retry transitions remove its links to other open batches, as they used to clear batch_id.
-- event_id has no foreign key: checking the parent of each pair added ~0.8 s to linking 1M events;
-- the export only links ids it has just read, and the trigger below does the cascade.
CREATE TABLE sync_batch_events (
  batch_id  TEXT NOT NULL REFERENCES sync_batches(id) ON DELETE CASCADE,
  event_id  TEXT NOT NULL,
  PRIMARY KEY (batch_id, event_id)
) STRICT, WITHOUT ROWID;
-- Event → its batches (the detail panel, the cascade on delete); holds batch_id as the key's tail.
CREATE INDEX idx_sync_batch_events_event ON sync_batch_events (event_id);

CREATE TRIGGER trg_conversion_events_unlink_batches
AFTER DELETE ON conversion_events
FOR EACH ROW
BEGIN
  DELETE FROM sync_batch_events WHERE event_id = OLD.id;
END;

INSERT INTO sync_batch_events (batch_id, event_id)
  SELECT batch_id, id FROM conversion_events WHERE batch_id IS NOT NULL;

-- batch_id stays as a column (SQLite cannot drop a column with a foreign key) but is no longer
-- written or read; its index only slowed every write.
DROP INDEX IF EXISTS idx_conversion_events_batch_id;
UPDATE conversion_events SET batch_id = NULL WHERE batch_id IS NOT NULL;
