/**
 * The send journal (migration 0013): runs, one row per HTTP request, and the events of a run that
 * failed or were excluded. All SQL of the journal is here, built with Kysely; statements used per
 * request are compiled once and cached per connection.
 */
import { sql, type Kysely } from 'kysely';
import { allRows, firstRow, runQuery, type Sqlite } from '../db/connection';
import type { DB, SendRequestsTable, SendRunsTable } from '../db/schema';
import type { FailureEvent, FailureGroup } from '../../shared/domain/send';
import { prepareOnce, slot } from './prepared';

export type RequestOutcome = 'in_flight' | 'accepted' | 'rejected' | 'split' | 'retry' | 'stopped' | 'interrupted';

export interface NewRequest {
  id: string;
  runId: string;
  destination: string;
  eventIds: readonly string[];
  attempt: number;
  resendOf: string | null;
  dryRun: boolean;
  startedAt: string;
}

export interface RequestAnswer {
  outcome: Exclude<RequestOutcome, 'in_flight'>;
  httpStatus: number | null;
  platformIds: Record<string, string> | null;
  errorCode: string | null;
  errorSubcode: string | null;
  errorMessage: string | null;
  finishedAt: string;
}

export class JournalRepo {
  private readonly insertRequestQuery;
  private readonly finishRequestQuery;
  private readonly countersQuery;

  constructor(
    private readonly db: Sqlite,
    private readonly k: Kysely<DB>,
  ) {
    this.insertRequestQuery = prepareOnce(
      db,
      k.insertInto('send_requests').values({
        id: slot('id'),
        run_id: slot('run'),
        destination: slot('destination'),
        event_ids: slot('ids'),
        event_count: sql<number>`${slot('count')}`,
        attempt: sql<number>`${slot('attempt')}`,
        resend_of: slot('resendOf'),
        dry_run: sql<number>`${slot('dry')}`,
        outcome: 'in_flight',
        started_at: slot('started'),
      }),
    );
    this.finishRequestQuery = prepareOnce(
      db,
      k
        .updateTable('send_requests')
        .set({
          outcome: slot('outcome'),
          http_status: sql<number>`${slot('http')}`,
          platform_ids: slot('platformIds'),
          error_code: slot('code'),
          error_subcode: slot('subcode'),
          error_message: slot('message'),
          finished_at: slot('finished'),
        })
        .where('id', '=', slot('id')),
    );
    this.countersQuery = prepareOnce(
      db,
      k
        .updateTable('send_runs')
        .set({
          heartbeat_at: slot('now'),
          events_total: sql<number>`${slot('total')}`,
          events_sent: sql<number>`${slot('sent')}`,
          events_failed: sql<number>`${slot('failed')}`,
          events_excluded: sql<number>`${slot('excluded')}`,
          requests: sql<number>`${slot('requests')}`,
          retries: sql<number>`${slot('retries')}`,
        })
        .where('id', '=', slot('id')),
    );
  }

  createRun(run: { id: string; destination: string; dryRun: boolean; filter: unknown; pid: number; startedAt: string }): void {
    runQuery(
      this.db,
      this.k.insertInto('send_runs').values({
        id: run.id,
        destination: run.destination,
        dry_run: run.dryRun ? 1 : 0,
        filter: JSON.stringify(run.filter ?? {}),
        status: 'running',
        owner_pid: run.pid,
        heartbeat_at: run.startedAt,
        events_total: 0,
        events_sent: 0,
        events_failed: 0,
        events_excluded: 0,
        requests: 0,
        retries: 0,
        error: null,
        started_at: run.startedAt,
        finished_at: null,
      }),
    );
  }

  insertRequest(request: NewRequest): void {
    const q = this.insertRequestQuery;
    q.stmt.run(
      ...q.params({
        id: request.id,
        run: request.runId,
        destination: request.destination,
        ids: JSON.stringify(request.eventIds),
        count: request.eventIds.length,
        attempt: request.attempt,
        resendOf: request.resendOf,
        dry: request.dryRun ? 1 : 0,
        started: request.startedAt,
      }),
    );
  }

  finishRequest(id: string, answer: RequestAnswer): void {
    const q = this.finishRequestQuery;
    q.stmt.run(
      ...q.params({
        id,
        outcome: answer.outcome,
        http: answer.httpStatus,
        platformIds: answer.platformIds ? JSON.stringify(answer.platformIds) : null,
        code: answer.errorCode,
        subcode: answer.errorSubcode,
        message: answer.errorMessage,
        finished: answer.finishedAt,
      }),
    );
  }

  updateRunCounters(runId: string, now: string, counters: { total: number; sent: number; failed: number; excluded: number; requests: number; retries: number }): void {
    const q = this.countersQuery;
    q.stmt.run(...q.params({ id: runId, now, ...counters }));
  }

  finishRun(runId: string, status: string, error: string | null, finishedAt: string): void {
    runQuery(this.db, this.k.updateTable('send_runs').set({ status, error, finished_at: finishedAt, heartbeat_at: finishedAt }).where('id', '=', runId));
  }

  /** Runs of this destination that say they are running (alive, or interrupted by a crash). */
  runningRuns(destination: string): Pick<SendRunsTable, 'id' | 'owner_pid' | 'heartbeat_at'>[] {
    return allRows(
      this.db,
      this.k.selectFrom('send_runs').select(['id', 'owner_pid', 'heartbeat_at']).where('destination', '=', destination).where('status', '=', 'running'),
    );
  }

  markRunInterrupted(runId: string, now: string): void {
    runQuery(
      this.db,
      this.k
        .updateTable('send_runs')
        .set({ status: 'interrupted', finished_at: now, error: 'The sending process stopped (crash, kill or power cut) before this run finished; the next send reconciled it.' })
        .where('id', '=', runId)
        .where('status', '=', 'running'),
    );
  }

  /** Requests that were sent (or about to be) and never got an answer recorded. */
  inFlightRequests(destination: string): Pick<SendRequestsTable, 'id' | 'run_id' | 'event_ids' | 'dry_run'>[] {
    return allRows(
      this.db,
      this.k
        .selectFrom('send_requests')
        .select(['id', 'run_id', 'event_ids', 'dry_run'])
        .where('destination', '=', destination)
        .where('outcome', '=', 'in_flight')
        .orderBy('started_at'),
    );
  }

  markRequestInterrupted(id: string, now: string): void {
    runQuery(this.db, this.k.updateTable('send_requests').set({ outcome: 'interrupted', finished_at: now }).where('id', '=', id).where('outcome', '=', 'in_flight'));
  }

  recordRunEvents(rows: { runId: string; eventId: string; outcome: 'failed' | 'excluded'; code: string; reason: string; requestId: string | null }[]): void {
    if (!rows.length) return;
    for (let i = 0; i < rows.length; i += 500) {
      runQuery(
        this.db,
        this.k
          .insertInto('send_run_events')
          .values(rows.slice(i, i + 500).map((r) => ({ run_id: r.runId, event_id: r.eventId, outcome: r.outcome, code: r.code, reason: r.reason, request_id: r.requestId })))
          .onConflict((oc) => oc.columns(['run_id', 'event_id']).doUpdateSet((eb) => ({ outcome: eb.ref('excluded.outcome'), code: eb.ref('excluded.code'), reason: eb.ref('excluded.reason'), request_id: eb.ref('excluded.request_id') }))),
      );
    }
  }

  getRun(runId: string): SendRunsTable | undefined {
    return firstRow<SendRunsTable>(this.db, this.k.selectFrom('send_runs').selectAll().where('id', '=', runId));
  }

  latestRuns(limit: number): SendRunsTable[] {
    return allRows<SendRunsTable>(this.db, this.k.selectFrom('send_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit));
  }

  /** The run's failed / excluded events with their event_id (the dedup key shown to users). */
  runEvents(runId: string, outcome: 'failed' | 'excluded', limit: number): { id: string; eventId: string; code: string; reason: string }[] {
    return allRows(
      this.db,
      this.k
        .selectFrom('send_run_events as r')
        .leftJoin('conversion_events as e', 'e.id', 'r.event_id')
        .select(['r.event_id as id', sql<string>`coalesce(e.event_id, '')`.as('eventId'), 'r.code as code', 'r.reason as reason'])
        .where('r.run_id', '=', runId)
        .where('r.outcome', '=', outcome)
        .orderBy(sql.ref('e.rowid'))
        .limit(limit),
    );
  }

  failureGroups(runId: string): FailureGroup[] {
    return allRows<FailureGroup>(
      this.db,
      this.k
        .selectFrom('send_run_events')
        .select(['outcome', 'code', 'reason', (eb) => eb.fn.countAll<number>().as('count')])
        .where('run_id', '=', runId)
        .groupBy(['outcome', 'code', 'reason'])
        .orderBy('count', 'desc')
        .limit(200),
    );
  }

  failureEvents(runId: string, outcome: string, code: string, reason: string, limit: number): FailureEvent[] {
    return allRows<FailureEvent>(
      this.db,
      this.k
        .selectFrom('send_run_events as r')
        .innerJoin('conversion_events as e', 'e.id', 'r.event_id')
        .leftJoin('imports as i', 'i.id', 'e.import_id')
        .select(['e.id as id', 'e.event_id as eventId', 'i.file_name as fileName', 'e.source_line as sourceLine', 'e.sync_status as status'])
        .where('r.run_id', '=', runId)
        .where('r.outcome', '=', outcome)
        .where('r.code', '=', code)
        .where('r.reason', '=', reason)
        .orderBy(sql.ref('e.rowid'))
        .limit(limit),
    );
  }

  /** Requests of a run that repeated an interrupted run's in-flight request. */
  countResends(runId: string): number {
    return firstRow<{ n: number }>(
      this.db,
      this.k.selectFrom('send_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).where('resend_of', 'is not', null),
    )!.n;
  }
}
