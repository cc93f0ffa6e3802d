-- 0014: Google Data Manager diagnostics (issue 13). events:ingest answers a request id at once and
-- reports processing results about 30 minutes later (requestStatus:retrieve): one row per accepted
-- (not validate-only) Google request of the send journal, polled with backoff until its status is
-- final. Diagnostics are counts per reason (research/upload-apis.md §2.6): they cannot name events.
CREATE TABLE google_request_diagnostics (
  send_request_id    TEXT PRIMARY KEY NOT NULL REFERENCES send_requests(id) ON DELETE CASCADE,
  run_id             TEXT NOT NULL,
  google_request_id  TEXT NOT NULL,
  event_count        INTEGER NOT NULL,
  status             TEXT NOT NULL DEFAULT 'PROCESSING'
                     CHECK (status IN ('PROCESSING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILED', 'REQUEST_STATUS_UNKNOWN')),
  -- Events Google reports for the request (eventsIngestionStatus.recordCount, summed over destinations).
  record_count       INTEGER,
  -- JSON arrays of {reason, count}.
  error_counts       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(error_counts)),
  warning_counts     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warning_counts)),
  polls              INTEGER NOT NULL DEFAULT 0,
  next_poll_at       TEXT NOT NULL,
  last_polled_at     TEXT,
  -- Why the last poll did not get an answer (network, auth); never a secret.
  last_error         TEXT,
  final_at           TEXT
) STRICT;
CREATE INDEX idx_google_diagnostics_due ON google_request_diagnostics (next_poll_at) WHERE final_at IS NULL;
CREATE INDEX idx_google_diagnostics_run ON google_request_diagnostics (run_id);
