/**
 * Google's processing results for sent requests: Data Manager accepts a request at once ("sent" =
 * accepted by Google) and reports ~30 minutes later how many of its events it could not use, by
 * reason (requestStatus:retrieve, research/upload-apis.md §2.6). The journal holds the request ids;
 * this polls them with backoff — in the background in the app, and on demand from `send status`.
 * The published diagnostics are counts, not rows, so no event is marked failed from them
 * (UNCONFIRMED: the Nov-2026 "row-level diagnostics" shape was not found).
 */
import type { Kysely } from 'kysely';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import type { RequestDiagnosticsView, RunDiagnostics } from '../../shared/domain/google';
import { AppError } from '../../shared/ipc/result';

export type { RunDiagnostics };
import type { GoogleConnection } from './connection';
import { isFinal, nextPollDelayMs, retrieveRequestStatus, type ReasonCount, type RequestStatus } from './datamanager';
import { GoogleApiError } from './http';
import * as repo from './diagnostics-repo';

export interface PollOptions {
  /** Poll every non-final request (of the run) now, not only the due ones (`send status`). */
  force?: boolean;
  runId?: string;
  now?: () => number;
  /** Wait before the first poll of a new request (Google suggests ~30 minutes). */
  firstPollMs?: number;
  limit?: number;
}

export class GoogleDiagnostics {
  constructor(
    private readonly db: Sqlite,
    private readonly k: Kysely<DB>,
    private readonly connection: GoogleConnection,
  ) {}

  /** Polls the due (or, forced, all pending) requests; returns how many got an answer. */
  async poll(options: PollOptions = {}): Promise<{ polled: number; failed: number }> {
    const now = options.now ?? Date.now;
    repo.trackNewRequests(this.db, this.k, options.firstPollMs ?? 30 * 60_000);
    const rows = repo.pendingRows(this.db, this.k, { nowIso: new Date(now()).toISOString(), force: options.force ?? false, runId: options.runId, limit: options.limit ?? 200 });
    let polled = 0;
    let failed = 0;
    for (const row of rows) {
      const at = new Date(now()).toISOString();
      const polls = row.polls + 1;
      const next = new Date(now() + nextPollDelayMs(polls)).toISOString();
      try {
        const status = await this.connection.withToken((token) => retrieveRequestStatus(this.connection.endpoints, token, row.google_request_id));
        const final = isFinal(status.status);
        repo.recordPoll(this.db, this.k, row.send_request_id, {
          status: status.status,
          record_count: status.recordCount,
          error_counts: JSON.stringify(status.errors),
          warning_counts: JSON.stringify(status.warnings),
          polls,
          next_poll_at: next,
          last_polled_at: at,
          last_error: null,
          final_at: final ? at : null,
        });
        polled++;
      } catch (error) {
        failed++;
        // Google keeps no status for this id (INVALID_REQUEST_ID): nothing more will come.
        if (error instanceof GoogleApiError && error.reason === 'INVALID_REQUEST_ID') {
          repo.recordPoll(this.db, this.k, row.send_request_id, { status: 'REQUEST_STATUS_UNKNOWN', record_count: null, error_counts: '[]', warning_counts: '[]', polls, next_poll_at: next, last_polled_at: at, last_error: error.message, final_at: at });
          continue;
        }
        repo.recordPollError(this.db, this.k, row.send_request_id, { polls, next_poll_at: next, last_polled_at: at, last_error: (error as Error).message });
        // Not connected or no sign-in: stop polling for now (the connection says what to do).
        if (error instanceof AppError) break;
      }
    }
    return { polled, failed };
  }

  /** The run's diagnostics as stored (no network). */
  forRun(runId: string): RunDiagnostics {
    repo.trackNewRequests(this.db, this.k, 30 * 60_000);
    const requests = repo.runRows(this.db, this.k, runId).map(
      (row): RequestDiagnosticsView => ({
        sendRequestId: row.send_request_id,
        googleRequestId: row.google_request_id,
        events: row.event_count,
        status: row.status as RequestStatus,
        errors: JSON.parse(row.error_counts) as ReasonCount[],
        warnings: JSON.parse(row.warning_counts) as ReasonCount[],
        polls: row.polls,
        nextPollAt: row.final_at ? null : row.next_poll_at,
        lastError: row.last_error,
      }),
    );
    const byStatus: RunDiagnostics['byStatus'] = {};
    const reasons = new Map<string, number>();
    for (const r of requests) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      for (const e of r.errors) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + e.count);
    }
    return { requests, byStatus, errorsByReason: [...reasons].map(([reason, count]) => ({ reason, count })), pending: requests.filter((r) => r.nextPollAt !== null).length };
  }
}

/** Background polling in the app: every few minutes, only the due requests; never overlapping. */
export function startDiagnosticsPolling(diagnostics: GoogleDiagnostics, everyMs = 5 * 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    diagnostics
      .poll()
      .catch(() => undefined)
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
