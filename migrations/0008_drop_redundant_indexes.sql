-- 0008: drop two single-column indexes from 0001 that later composite indexes make redundant.
-- idx_conversion_events_time_id (event_time DESC, id DESC) serves every lookup and range on event_time,
-- idx_conversion_events_name_id (event_name, id) every one on event_name; keeping both copies only
-- made every import, bulk status change and delete update two extra b-trees per event.
DROP INDEX IF EXISTS idx_conversion_events_event_time;
DROP INDEX IF EXISTS idx_conversion_events_event_name;
