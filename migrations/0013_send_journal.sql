-- 0013: the sending engine's journal (issue 12). Every request to a platform is a row written
-- BEFORE it is sent (outcome 'in_flight') and updated in the transaction that records the answer
-- (and marks its events sent / failed). A crash, a kill or a power cut therefore leaves either
-- (a) no row: nothing was sent; (b) an 'in_flight' row: the request may or may not have arrived,
-- and the next run resends exactly those events with the same event_ids (the platforms deduplicate
-- on them); or (c) a finished row whose events' statuses were committed with it.

CREATE TABLE send_runs (
  id               TEXT PRIMARY KEY NOT NULL,
  destination      TEXT NOT NULL,
  dry_run          INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  -- The review filter the run selected events with (JSON), for `send status`.
  filter           TEXT CHECK (filter IS NULL OR json_valid(filter)),
  status           TEXT NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'completed', 'stopped', 'cancelled', 'interrupted')),
  -- The process that runs it, and when it last wrote: a 'running' run whose process is gone was
  -- interrupted (the next start reconciles it).
  owner_pid        INTEGER,
  heartbeat_at     TEXT,
  events_total     INTEGER NOT NULL DEFAULT 0,
  events_sent      INTEGER NOT NULL DEFAULT 0,
  events_failed    INTEGER NOT NULL DEFAULT 0,
  events_excluded  INTEGER NOT NULL DEFAULT 0,
  requests         INTEGER NOT NULL DEFAULT 0,
  retries          INTEGER NOT NULL DEFAULT 0,
  -- Why the run stopped (auth refused, retries exhausted…): what to fix. Never holds a secret.
  error            TEXT,
  started_at       TEXT NOT NULL,
  finished_at      TEXT
) STRICT;
CREATE INDEX idx_send_runs_started ON send_runs (started_at DESC);

CREATE TABLE send_requests (
  id             TEXT PRIMARY KEY NOT NULL,
  run_id         TEXT NOT NULL REFERENCES send_runs(id) ON DELETE CASCADE,
  destination    TEXT NOT NULL,
  -- JSON array of conversion_events.id, in the order sent. The platform's event id is the event's
  -- own stable conversion_events.event_id, so a resend carries the same ids.
  event_ids      TEXT NOT NULL CHECK (json_valid(event_ids)),
  event_count    INTEGER NOT NULL CHECK (event_count >= 1),
  -- 1 for the first try of these events; +1 for each retry after a transient failure.
  attempt        INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  -- A request of an interrupted run that this one repeats (reconciliation).
  resend_of      TEXT,
  dry_run        INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  outcome        TEXT NOT NULL DEFAULT 'in_flight'
                 CHECK (outcome IN ('in_flight', 'accepted', 'rejected', 'split', 'retry', 'stopped', 'interrupted')),
  http_status    INTEGER,
  -- The platform's ids for this request (Meta: fbtrace_id; Google: request id), JSON.
  platform_ids   TEXT CHECK (platform_ids IS NULL OR json_valid(platform_ids)),
  error_code     TEXT,
  error_subcode  TEXT,
  error_message  TEXT,
  started_at     TEXT NOT NULL,
  finished_at    TEXT
) STRICT;
CREATE INDEX idx_send_requests_run ON send_requests (run_id);
CREATE INDEX idx_send_requests_in_flight ON send_requests (destination) WHERE outcome = 'in_flight';

-- Per run, the events that did not go through and why: failed by the platform (with its own code,
-- subcode and message) or excluded by the pre-flight. Sent events are in their requests.
CREATE TABLE send_run_events (
  run_id      TEXT NOT NULL REFERENCES send_runs(id) ON DELETE CASCADE,
  event_id    TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('failed', 'excluded')),
  code        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  request_id  TEXT,
  PRIMARY KEY (run_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX idx_send_run_events_event ON send_run_events (event_id);
-- No trigger on conversion_events deletes (it would slow an import's undo): rows of deleted events
-- are history, and every reader joins conversion_events.
