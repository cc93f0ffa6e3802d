/** SQL of the Google diagnostics (migration 0014), built with Kysely. */
import { sql, type Kysely } from 'kysely';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import type { DB, GoogleRequestDiagnosticsTable } from '../db/schema';

export type DiagnosticsRow = GoogleRequestDiagnosticsTable;

/**
 * Adds a row for every accepted, real (not dry-run) Google request of the journal that has a request
 * id and no row yet; its first poll is due `firstPollMs` after the request finished.
 */
export function trackNewRequests(db: Sqlite, k: Kysely<DB>, firstPollMs: number): number {
  const seconds = `+${Math.round(firstPollMs / 1000)} seconds`;
  const requestId = sql<string>`json_extract(r.platform_ids, '$.requestId')`;
  const query = k
    .insertInto('google_request_diagnostics')
    .columns(['send_request_id', 'run_id', 'google_request_id', 'event_count', 'next_poll_at'])
    .expression(
      k
        .selectFrom('send_requests as r')
        .select([
          'r.id',
          'r.run_id',
          requestId.as('google_request_id'),
          'r.event_count',
          // ISO-8601 like every stored time; strftime keeps the "…Z" form.
          sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', coalesce(r.finished_at, r.started_at), ${seconds})`.as('next_poll_at'),
        ])
        .where('r.destination', '=', 'google_ads')
        .where('r.outcome', '=', 'accepted')
        .where('r.dry_run', '=', 0)
        .where(requestId, 'is not', null)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('google_request_diagnostics as d').select('d.send_request_id').whereRef('d.send_request_id', '=', 'r.id')))),
    );
  return Number(runQuery(db, query).changes);
}

/** Rows not final yet: those due by `nowIso`, or all of them (or all of one run's) when forced. */
export function pendingRows(db: Sqlite, k: Kysely<DB>, options: { nowIso: string; force: boolean; runId?: string; limit: number }): DiagnosticsRow[] {
  let query = k.selectFrom('google_request_diagnostics').selectAll().where('final_at', 'is', null);
  if (!options.force) query = query.where('next_poll_at', '<=', options.nowIso);
  if (options.runId) query = query.where('run_id', '=', options.runId);
  return allRows<DiagnosticsRow>(db, query.orderBy('next_poll_at').limit(options.limit));
}

export function runRows(db: Sqlite, k: Kysely<DB>, runId: string): DiagnosticsRow[] {
  return allRows<DiagnosticsRow>(db, k.selectFrom('google_request_diagnostics').selectAll().where('run_id', '=', runId).orderBy('send_request_id'));
}

export function recordPoll(
  db: Sqlite,
  k: Kysely<DB>,
  id: string,
  update: Pick<DiagnosticsRow, 'status' | 'record_count' | 'error_counts' | 'warning_counts' | 'polls' | 'next_poll_at' | 'last_polled_at' | 'last_error' | 'final_at'>,
): void {
  runQuery(db, k.updateTable('google_request_diagnostics').set(update).where('send_request_id', '=', id));
}

export function recordPollError(db: Sqlite, k: Kysely<DB>, id: string, update: Pick<DiagnosticsRow, 'polls' | 'next_poll_at' | 'last_polled_at' | 'last_error'>): void {
  runQuery(db, k.updateTable('google_request_diagnostics').set(update).where('send_request_id', '=', id));
}
