-- 0006: indexes for the review grid's sorts and filters on 1M events (measured in docs/benchmarks.md).
-- Every sort key gets an index ending in id, so a keyset page is a seek + a short scan and no sort
-- (event_time already has idx_conversion_events_time_id). The plan's single-column indexes stay.
CREATE INDEX idx_conversion_events_value_id ON conversion_events (ifnull(event_value_micros, -1), id);
CREATE INDEX idx_conversion_events_created_id ON conversion_events (created_at, id);
CREATE INDEX idx_conversion_events_name_id ON conversion_events (event_name, id);
CREATE INDEX idx_conversion_events_status_id ON conversion_events (sync_status, id);
-- "has click id" / "has identifiers" filters and the uploadable flag, as the exact expressions filter-sql.ts writes.
CREATE INDEX idx_conversion_events_identifiers ON conversion_events (
  (gclid IS NOT NULL OR gbraid IS NOT NULL OR wbraid IS NOT NULL),
  (user_email_hash IS NOT NULL OR user_phone_hash IS NOT NULL)
);
-- Search on transaction ids (event_id has its UNIQUE index).
CREATE INDEX idx_conversion_events_transaction_id ON conversion_events (transaction_id);
