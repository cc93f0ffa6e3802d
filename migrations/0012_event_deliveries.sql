-- 0012: delivery tracked per destination (issue 12, item 0; DESIGN.md §4).
--
-- An event is delivered to each destination it is routed to (Google Ads, Meta) independently. Rows
-- here are created LAZILY: an event with no rows has never been written to by a destination (file
-- batch closed, API send), and every destination follows its sync_status. The first
-- destination-specific write to an event creates one row per destination (routed ones at the event's
-- status, the others 'skipped'); from then on sync_status is DERIVED from its rows (src/shared/domain/
-- delivery.ts, deriveOverallStatus):
--   failed  if any destination failed, else queued if any is queued, else pending if any is pending,
--   else sent if any is sent, else skipped (every destination skipped).
-- Why lazy: a bulk queue of 1M events writes no row here (the review benchmark's 1M bulk change stays
-- one UPDATE of conversion_events per chunk), and an export links events without touching this table.
-- WITHOUT ROWID keyed (event_id, destination): an event's rows are adjacent and found by one seek.
-- event_id has no foreign key (as sync_batch_events, 0009); the trigger below cascades deletes.
CREATE TABLE event_deliveries (
  event_id         TEXT NOT NULL,
  destination      TEXT NOT NULL CHECK (destination IN ('google_ads', 'meta')),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'sent', 'failed', 'skipped')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error       TEXT,
  last_error_code  TEXT,
  synced_at        TEXT,
  -- The file batch (sync_batches.id) or the send run that last wrote this delivery.
  batch_id         TEXT,
  run_id           TEXT,
  -- What the platform answered for this event (e.g. {"fbtrace_id": "…"}), as JSON.
  platform_ids     TEXT CHECK (platform_ids IS NULL OR json_valid(platform_ids)),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (event_id, destination)
) STRICT, WITHOUT ROWID;
-- Destination × status (the grid's delivery filter on split events, "queued for Meta").
CREATE INDEX idx_event_deliveries_destination_status ON event_deliveries (destination, status);

CREATE TRIGGER trg_conversion_events_delete_deliveries
AFTER DELETE ON conversion_events
FOR EACH ROW
BEGIN
  DELETE FROM event_deliveries WHERE event_id = OLD.id;
END;

-- History rows of a destination's delivery carry it (NULL = the event's overall sync_status), and
-- sends name their run.
ALTER TABLE sync_history ADD COLUMN destination TEXT CHECK (destination IS NULL OR destination IN ('google_ads', 'meta'));
ALTER TABLE sync_history ADD COLUMN run_id TEXT;
ALTER TABLE sync_history ADD COLUMN prev_error_code TEXT;

-- ---------------------------------------------------------------- existing batches' history
-- Evidence per (event, destination): links to a batch of that destination (google-click and
-- google-leads are Google Ads, meta is Meta; csv is no destination) and history rows written when a
-- batch of that destination was marked uploaded / failed.
CREATE TEMP TABLE m12_batch_destination AS
  SELECT id AS batch_id, CASE destination WHEN 'meta' THEN 'meta' ELSE 'google_ads' END AS destination
  FROM sync_batches WHERE destination <> 'csv';

CREATE TEMP TABLE m12_evidence AS
  SELECT event_id, destination, max(batch_id) AS batch_id,
         max(CASE WHEN action = 'mark_sent' THEN hid END) AS sent_hid,
         max(CASE WHEN action = 'mark_failed' THEN hid END) AS failed_hid,
         sum(CASE WHEN action IN ('mark_sent', 'mark_failed') THEN 1 ELSE 0 END) AS attempts
  FROM (
    SELECT l.event_id, bd.destination, l.batch_id, NULL AS action, NULL AS hid
      FROM sync_batch_events l JOIN temp.m12_batch_destination bd ON bd.batch_id = l.batch_id
    UNION ALL
    SELECT h.event_id, bd.destination, h.batch_id, h.action, h.id
      FROM sync_history h JOIN temp.m12_batch_destination bd ON bd.batch_id = h.batch_id
  )
  GROUP BY event_id, destination;

-- Routing from the stored settings (per category; the defaults when none are stored): routed to
-- Google when a Google conversion action is mapped, to Meta when a Meta event is mapped, to both when
-- neither is (src/shared/domain/delivery.ts, routeOf).
CREATE TEMP TABLE m12_events AS
  SELECT e.id, e.event_name, e.sync_status, e.sync_attempts, e.synced_at, e.sync_error,
         json_extract(s.value, '$.destinations.' || e.event_name || '.googleConversionName') IS NOT NULL AS google_mapped,
         CASE WHEN json_type(s.value, '$.destinations.' || e.event_name) IS NULL THEN e.event_name <> 'custom'
              ELSE json_extract(s.value, '$.destinations.' || e.event_name || '.metaEventName') IS NOT NULL END AS meta_mapped,
         (SELECT max(h.id) FROM sync_history h WHERE h.event_id = e.id) AS last_hid
  FROM conversion_events e LEFT JOIN (SELECT value FROM settings WHERE key = 'app') s
  WHERE e.id IN (SELECT event_id FROM temp.m12_evidence);

INSERT INTO event_deliveries (event_id, destination, status, attempts, last_error, synced_at, batch_id, updated_at)
WITH per_destination AS (
  SELECT m.*, dd.destination, dd.label,
         (CASE dd.destination WHEN 'google_ads' THEN m.google_mapped ELSE m.meta_mapped END) OR NOT (m.google_mapped OR m.meta_mapped) AS routed
  FROM temp.m12_events m
  CROSS JOIN (SELECT 'google_ads' AS destination, 'Google Ads conversion action' AS label UNION ALL SELECT 'meta', 'Meta event') dd
)
SELECT p.id, p.destination,
  CASE
    -- this destination's own batch was marked uploaded / failed (and nothing changed the event since)
    WHEN ev.sent_hid IS NOT NULL THEN 'sent'
    WHEN ev.failed_hid IS NOT NULL AND ev.failed_hid = p.last_hid THEN 'failed'
    WHEN ev.event_id IS NULL AND NOT p.routed THEN 'skipped'
    -- sent / failed by ANOTHER destination's batch: this one never heard back, it is still to deliver
    WHEN p.sync_status IN ('sent', 'failed') THEN 'queued'
    ELSE p.sync_status
  END,
  coalesce(ev.attempts, 0),
  CASE WHEN ev.sent_hid IS NULL AND ev.failed_hid IS NOT NULL AND ev.failed_hid = p.last_hid THEN (SELECT note FROM sync_history WHERE id = ev.failed_hid)
       WHEN ev.event_id IS NULL AND NOT p.routed THEN 'not routed: no ' || p.label || ' is mapped for this event'
  END,
  CASE WHEN ev.sent_hid IS NOT NULL THEN (SELECT created_at FROM sync_history WHERE id = ev.sent_hid) END,
  ev.batch_id,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM per_destination p
LEFT JOIN temp.m12_evidence ev ON ev.event_id = p.id AND ev.destination = p.destination;

-- The overall status now follows the rule; a change is recorded in the history.
INSERT INTO sync_history (event_id, from_status, to_status, action, note, created_at)
SELECT m.id, m.sync_status, x.derived, 'derive', 'delivery per destination (migration 0012)', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM temp.m12_events m JOIN (
  SELECT event_id,
    CASE WHEN max(status = 'failed') THEN 'failed' WHEN max(status = 'queued') THEN 'queued'
         WHEN max(status = 'pending') THEN 'pending' WHEN max(status = 'sent') THEN 'sent' ELSE 'skipped' END AS derived
  FROM event_deliveries GROUP BY event_id
) x ON x.event_id = m.id
WHERE x.derived <> m.sync_status;

UPDATE conversion_events SET sync_status = (
  SELECT CASE WHEN max(status = 'failed') THEN 'failed' WHEN max(status = 'queued') THEN 'queued'
              WHEN max(status = 'pending') THEN 'pending' WHEN max(status = 'sent') THEN 'sent' ELSE 'skipped' END
  FROM event_deliveries d WHERE d.event_id = conversion_events.id)
WHERE id IN (SELECT id FROM temp.m12_events);

DROP TABLE temp.m12_events;
DROP TABLE temp.m12_evidence;
DROP TABLE temp.m12_batch_destination;
