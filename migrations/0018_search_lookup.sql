-- 0018: search by email or phone (issue 15 item 9). The typed value is normalized and hashed in main with
-- each platform's rules (identity hashForLookup) and looked up among the stored hashes; it is never stored.
-- One index per kind on the first 16 hex characters (64 bits) of the hash an event holds — Meta's, else
-- Google's — so a lookup is an index seek, not a scan, at a quarter of a full hash index's size. The lookup
-- gives both platforms' hashes of the typed value, so an event hashed for one platform only is found too.
-- events/search-repo.ts writes these exact expressions.
CREATE INDEX idx_conversion_events_email_lookup ON conversion_events (substr(coalesce(meta_email_hash, user_email_hash), 1, 16));
CREATE INDEX idx_conversion_events_phone_lookup ON conversion_events (substr(coalesce(meta_phone_hash, user_phone_hash), 1, 16));
