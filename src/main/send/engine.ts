/**
 * The sending engine: one run delivers the events queued for one destination (destination.ts says
 * what a destination provides). It runs in the send worker on the worker's own connection.
 *
 * Order of writes, which is what makes a crash harmless:
 *   1. reconcile: requests an earlier, interrupted run left 'in_flight' are resent first, with the
 *      same events (so the same event ids: the platform counts each once);
 *   2. for every request: COMMIT the journal row ('in_flight', its event ids) → send → COMMIT the
 *      answer together with the events' new statuses. Events are marked sent only in that second
 *      transaction, so nothing is ever marked sent that the platform did not accept, and only the
 *      requests in flight at a crash can be repeated.
 * Transient failures are retried with exponential backoff and jitter (honouring a wait the platform
 * asks for) up to `retry.maxAttempts`; a rejected request is split until its bad events are alone;
 * an auth / permission / configuration failure stops the run and leaves the events queued.
 */
import type { Kysely } from 'kysely';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { FailedEvent, RunStatus, SendProgress, SendResult, StopKind } from '../../shared/domain/send';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { uuidv7 } from '../lib/ids';
import type { Destination, PlatformError, SendAnswer } from './destination';
import { createDeliveryRepo, type DeliveryRepo } from './delivery-repo';
import { JournalRepo, type RequestAnswer } from './journal-repo';
import { setWalAutocheckpoint } from '../db/pragma-repo';
import type { ReaderData } from './reader';
import { inThreadSource, readerSource, type EventSource } from './source';

export interface RetryPolicy {
  /** Tries of one request, the first included (the limit users see: "retry 2 of 6"). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A platform asking for a longer wait than this stops the run instead (events stay queued). */
  maxRequestedWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000, maxRequestedWaitMs: 15 * 60_000 };

export interface EngineOptions<E> {
  db: Sqlite;
  k: Kysely<DB>;
  runId: string;
  destination: Destination<E>;
  filter: EventFilterParsed;
  dryRun: boolean;
  retry?: RetryPolicy;
  /** "Now" for the pre-flight windows (ms); the wall clock by default. */
  nowMs?: () => number;
  isCancelled(): boolean;
  onProgress(progress: SendProgress): void;
  /** Called once the run's row exists (callers may then ask for its status). */
  onStarted?(): void;
  /** How many failed / excluded events the result lists (all are counted and kept in the journal). */
  listLimit?: number;
  /** Process id written on the run (reconciliation checks whether it is still alive). */
  pid?: number;
  readPageSize?: number;
  /** Milliseconds between progress messages. */
  progressEveryMs?: number;
  /** A reader thread for sends of READER_MIN_EVENTS or more: the script to start and what it needs. */
  reader?: { script: string; data: Omit<ReaderData, 'pageSize' | 'skip'> };
}

/** SQLite's default: a checkpoint once the WAL holds this many pages. */
const DEFAULT_WAL_AUTOCHECKPOINT = 1000;

/** Sends of at least this many queued events read on a reader thread (source.ts); smaller ones on the sending thread. */
export const READER_MIN_EVENTS = 5_000;

interface Work<E> {
  ids: string[];
  /** Each event's rowid, beside its id (the marks find the events by them). */
  rowids: number[];
  events: E[];
  attempt: number;
  resendOf: string | null;
  dueAt: number;
}

/** A request's work on its first attempt, its events given as parallel lists (empty: to be filled with addEvent). */
function newWork<E>(resendOf: string | null = null, ids: string[] = [], rowids: number[] = [], events: E[] = []): Work<E> {
  return { ids, rowids, events, attempt: 1, resendOf, dueAt: 0 };
}
function addEvent<E>(work: Work<E>, id: string, rowid: number, event: E): void {
  work.ids.push(id);
  work.rowids.push(rowid);
  work.events.push(event);
}
/** Events [from, to) of a request, as a new request. */
function sliceWork<E>(work: Work<E>, from: number, to?: number): Work<E> {
  return newWork(null, work.ids.slice(from, to), work.rowids.slice(from, to), work.events.slice(from, to));
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Exponential backoff with full jitter in the upper half: attempt 1 → 0.5–1 × base, 2 → 1–2 × base… */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function errorCode(error: PlatformError): string {
  if (error.code && error.subcode) return `${error.code}/${error.subcode}`;
  return error.code ?? (error.httpStatus !== null ? `HTTP ${error.httpStatus}` : 'network');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Accepted requests are recorded (journal answer + events marked sent) in batches of about this many
 * events, or after MARK_BATCH_MS: one delivery write per batch instead of one per request. Small
 * enough that a batch is written while the platform handles the next request (the marks and the
 * platform then work at the same time), large enough that a write's fixed cost stays small: marking
 * 100k events in batches of 2,000 cost no more CPU than in batches of 10,000.
 */
export const MARK_BATCH_EVENTS = 2_000;
export const MARK_BATCH_MS = 500;

/** A 'running' run whose process is alive and wrote in the last 10 minutes is really running. */
const STALE_HEARTBEAT_MS = 10 * 60_000;

export async function runSend<E>(options: EngineOptions<E>): Promise<SendResult> {
  const { db, k, runId, destination, dryRun } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const nowMs = options.nowMs ?? Date.now;
  const journal = new JournalRepo(db, k);
  const delivery: DeliveryRepo = createDeliveryRepo(db, k, destination.name, options.filter, destination.columns, options.reader?.data.settings);
  const pid = options.pid ?? process.pid;
  const listLimit = options.listLimit ?? 1000;
  const pageSize = options.readPageSize ?? 2000;
  const max = destination.maxEventsPerRequest;
  const reachesPlatform = !dryRun || destination.dryRunReachesPlatform;
  const info = (requestId: string) => ({ runId, requestId, destinationLabel: destination.label, now: iso() });

  // ---------------------------------------------------------------- reconcile, then open the run
  const ready: Work<E>[] = [];
  const handled = new Set<string>();
  const counters = { total: 0, sent: 0, failed: 0, excluded: 0, requests: 0, retries: 0 };
  let resentRequests = 0;
  const recordExclusions = (rows: { id: string; code: string; reason: string }[]) => {
    counters.excluded += rows.length;
    journal.recordRunEvents(rows.map((r) => ({ runId, eventId: r.id, outcome: 'excluded', code: r.code, reason: r.reason, requestId: null })));
  };

  db.transaction(() => {
    const now = Date.now();
    for (const run of journal.runningRuns(destination.name)) {
      const fresh = run.heartbeat_at !== null && now - Date.parse(run.heartbeat_at) < STALE_HEARTBEAT_MS;
      if (run.owner_pid !== null && run.owner_pid !== pid && pidAlive(run.owner_pid) && fresh) {
        throw new AppError('conflict', `Another Conversion Desk process (pid ${run.owner_pid}) is sending to ${destination.label} right now (run ${run.id}); wait for it to finish.`);
      }
      // Dead process (or this one's earlier worker that crashed): its run was interrupted.
      if (!dryRun) journal.markRunInterrupted(run.id, iso());
    }
    journal.createRun({ id: runId, destination: destination.name, dryRun, filter: options.filter, pid, startedAt: iso() });
  })();
  options.onStarted?.();

  if (!dryRun) {
    // Requests that never got an answer recorded: resent first, with the same events, each as one
    // request again (split later only if the platform rejects it).
    const exclusions: { id: string; code: string; reason: string }[] = [];
    for (const request of journal.inFlightRequests(destination.name)) {
      const ids = JSON.parse(request.event_ids) as string[];
      if (request.dry_run === 1) {
        journal.markRequestInterrupted(request.id, iso());
        continue;
      }
      const work = newWork<E>(request.id);
      for (const row of delivery.queuedByIds(ids)) {
        handled.add(row.id);
        const prepared = destination.prepare(row, nowMs());
        if (prepared.ok) addEvent(work, row.id, row.rowid, prepared.event);
        else exclusions.push({ id: row.id, code: prepared.code, reason: prepared.reason });
      }
      for (const id of ids) handled.add(id);
      if (work.ids.length) ready.push(work);
      else journal.markRequestInterrupted(request.id, iso());
    }
    if (exclusions.length) db.transaction(() => recordExclusions(exclusions))();
  }
  // Resent events are still queued, so they are part of this count (unless outside the filter).
  counters.total = delivery.countQueued();

  // ---------------------------------------------------------------- progress
  const started = performance.now();
  const waiting: Work<E>[] = [];
  let inFlight = 0;
  let maxAttemptSeen = 1;
  let lastProgress = 0;
  let stop: { status: RunStatus; message: string; kind: StopKind } | null = null;
  const progress = (phase: SendProgress['phase'], force = false) => {
    const nowPerf = performance.now();
    if (!force && nowPerf - lastProgress < (options.progressEveryMs ?? 200)) return;
    lastProgress = nowPerf;
    const seconds = (nowPerf - started) / 1000;
    const done = counters.sent + counters.failed;
    const rate = seconds > 0 ? done / seconds : 0;
    const remaining = Math.max(0, counters.total - done - counters.excluded);
    const soonest = waiting.length ? Math.min(...waiting.map((w) => w.dueAt)) : null;
    options.onProgress({
      runId,
      destination: destination.name,
      dryRun,
      phase,
      total: counters.total,
      sent: counters.sent,
      failed: counters.failed,
      excluded: counters.excluded,
      requests: counters.requests,
      inFlight,
      retriesWaiting: waiting.length,
      nextRetryInMs: soonest === null ? null : Math.max(0, soonest - Date.now()),
      attempt: maxAttemptSeen,
      maxAttempts: retry.maxAttempts,
      eventsPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.round(remaining / rate) : null,
      message: stop?.message,
    });
  };

  // ---------------------------------------------------------------- the source: queued events, pre-flighted
  // Small sends read on this thread; larger ones on a reader thread, a few requests ahead.
  const withReader = options.reader !== undefined && reachesPlatform && counters.total >= READER_MIN_EVENTS;
  const source: EventSource<E> = withReader
    ? readerSource<E>(options.reader!.script, { ...options.reader!.data, pageSize, skip: [...handled] }, max)
    : inThreadSource(delivery, destination, { pageSize, skip: handled, nowMs });
  // The reader thread checkpoints the WAL while it reads (reader.ts); this connection again after.
  if (withReader) setWalAutocheckpoint(db, 0);
  /** Set when the reader had nothing ready: the loop then also waits for it. */
  let starved = false;
  const nextFresh = (): Work<E> | null => {
    for (;;) {
      const chunk = source.take();
      if (!chunk) {
        starved = !source.done;
        return null;
      }
      if (chunk.exclusions.length) db.transaction(() => recordExclusions(chunk.exclusions))();
      if (!chunk.ids.length) continue;
      return newWork(null, chunk.ids, chunk.rowids, chunk.events);
    }
  };

  let pauseUntil = 0;
  const nextWork = (): Work<E> | null => {
    const now = Date.now();
    if (now < pauseUntil) return null;
    const dueIndex = waiting.findIndex((w) => w.dueAt <= now);
    if (dueIndex >= 0) return waiting.splice(dueIndex, 1)[0]!;
    if (ready.length) return ready.shift()!;
    return nextFresh();
  };

  // ---------------------------------------------------------------- one request
  const fail = (work: Work<E>, requestId: string, failures: { index: number; code: string; reason: string }[], platformIds: Record<string, string>) => {
    const failed = failures.map((f) => ({ id: work.ids[f.index]!, code: f.code, reason: f.reason }));
    if (!dryRun) delivery.markFailed(failed.map((f) => ({ id: f.id, code: f.code, reason: `${destination.label} ${f.code}: ${f.reason}` })), { ...info(requestId), platformIds });
    journal.recordRunEvents(failed.map((f) => ({ runId, eventId: f.id, outcome: 'failed', code: f.code, reason: f.reason, requestId })));
    counters.failed += failed.length;
  };

  // Accepted answers waiting to be recorded together: each request's journal answer is written in
  // the same transaction as its events' marks, several requests per transaction.
  const answered: { work: Work<E>; requestId: string; answer: RequestAnswer; platformIds: Record<string, string> }[] = [];
  let answeredEvents = 0;
  let answeredSince: number | null = null;
  let marks = 0;
  const flushMarks = () => {
    if (!answered.length) return;
    const batch = answered.splice(0);
    answeredEvents = 0;
    answeredSince = null;
    db.transaction(() => {
      for (const { requestId, answer } of batch) journal.finishRequest(requestId, answer);
      delivery.markSent(
        batch.map(({ work, requestId, platformIds }) => ({ ids: work.ids, rowids: work.rowids, requestId, platformIds })),
        { runId, destinationLabel: destination.label, now: iso(), changeId: `send_${runId}_${++marks}` },
      );
      for (const { work } of batch) counters.sent += work.ids.length;
      journal.updateRunCounters(runId, iso(), counters);
    })();
  };
  /** A batch is written once it holds MARK_BATCH_EVENTS, or has waited MARK_BATCH_MS (progress and the screens show recorded counts). */
  const marksDue = () => answeredEvents >= MARK_BATCH_EVENTS || (answeredSince !== null && performance.now() - answeredSince >= MARK_BATCH_MS);

  const handle = (work: Work<E>, requestId: string, answer: SendAnswer) => {
    const base = { httpStatus: null as number | null, platformIds: answer.platformIds, errorCode: null as string | null, errorSubcode: null as string | null, errorMessage: null as string | null, finishedAt: iso() };
    if (answer.kind !== 'accepted') Object.assign(base, { httpStatus: answer.error.httpStatus, errorCode: answer.error.code, errorSubcode: answer.error.subcode, errorMessage: answer.error.message });
    else base.httpStatus = answer.httpStatus;
    if (answer.kind === 'accepted' && !dryRun) {
      // Recorded with the next batch of marks (flushMarks): until then the request is still
      // 'in_flight' in the journal, so a crash now resends it under the same ids, as for any request
      // in flight.
      answered.push({ work, requestId, answer: { ...base, outcome: 'accepted' }, platformIds: answer.platformIds });
      // Accepted: its JSON is never sent again (a crash resends from the database), so it can go now.
      work.events = [];
      answeredEvents += work.ids.length;
      answeredSince ??= performance.now();
      // Written by the loop once it has started the next requests (marksDue), so the platform
      // works on them while this thread writes the marks.
      return;
    }
    // Any other answer is recorded at once, after the marks waiting before it.
    flushMarks();
    db.transaction(() => {
      switch (answer.kind) {
        case 'accepted':
          journal.finishRequest(requestId, { ...base, outcome: 'accepted' });
          counters.sent += work.ids.length;
          break;
        case 'rejected': {
          const code = errorCode(answer.error);
          if (answer.badEvents?.length) {
            journal.finishRequest(requestId, { ...base, outcome: 'rejected' });
            fail(work, requestId, answer.badEvents, answer.platformIds);
            const bad = new Set(answer.badEvents.map((b) => b.index));
            const rest = newWork<E>();
            work.ids.forEach((id, i) => {
              if (!bad.has(i)) addEvent(rest, id, work.rowids[i]!, work.events[i]!);
            });
            if (rest.ids.length) ready.unshift(rest);
          } else if (work.ids.length === 1) {
            journal.finishRequest(requestId, { ...base, outcome: 'rejected' });
            fail(work, requestId, [{ index: 0, code, reason: answer.error.message }], answer.platformIds);
          } else {
            // The platform refused the request for an event it does not name: resend the halves.
            journal.finishRequest(requestId, { ...base, outcome: 'split' });
            const half = Math.ceil(work.ids.length / 2);
            ready.unshift(sliceWork(work, 0, half), sliceWork(work, half));
          }
          break;
        }
        case 'transient': {
          const requested = answer.retryAfterMs;
          if (requested !== undefined && requested > retry.maxRequestedWaitMs) {
            journal.finishRequest(requestId, { ...base, outcome: 'stopped' });
            stop ??= {
              status: 'stopped',
              kind: 'rate_limit',
              message: `${destination.label} asked to wait ${Math.ceil(requested / 60_000)} minute(s) (${errorCode(answer.error)}: ${answer.error.message}); the events not sent stay queued: send again later.`,
            };
          } else if (work.attempt >= retry.maxAttempts) {
            journal.finishRequest(requestId, { ...base, outcome: 'stopped' });
            stop ??= {
              status: 'stopped',
              kind: 'retries',
              message: `${destination.label} still answered "${errorCode(answer.error)}: ${answer.error.message}" after ${retry.maxAttempts} attempts; the events not sent stay queued: send again later.`,
            };
          } else {
            journal.finishRequest(requestId, { ...base, outcome: 'retry' });
            const delay = Math.min(Math.max(requested ?? 0, backoffMs(work.attempt, retry)), Math.max(retry.maxDelayMs, requested ?? 0));
            const dueAt = Date.now() + delay;
            waiting.push({ ...work, attempt: work.attempt + 1, resendOf: null, dueAt });
            // Throttling is per account: nothing new starts before the retry is due.
            pauseUntil = Math.max(pauseUntil, dueAt);
            counters.retries++;
            maxAttemptSeen = Math.max(maxAttemptSeen, work.attempt + 1);
          }
          break;
        }
        case 'fatal':
          journal.finishRequest(requestId, { ...base, outcome: 'stopped' });
          stop ??= { status: 'stopped', kind: answer.scope, message: `${answer.fix} (${destination.label} answered ${errorCode(answer.error)}: ${answer.error.message}) Nothing else was sent; the events stay queued.` };
          break;
      }
      journal.updateRunCounters(runId, iso(), counters);
    })();
  };

  const execute = async (work: Work<E>) => {
    const requestId = uuidv7();
    db.transaction(() => {
      journal.insertRequest({ id: requestId, runId, destination: destination.name, eventIds: work.ids, attempt: work.attempt, resendOf: work.resendOf, dryRun, startedAt: iso() });
      if (work.resendOf) journal.markRequestInterrupted(work.resendOf, iso());
    })();
    counters.requests++;
    inFlight++;
    if (work.resendOf) resentRequests++;
    let answer: SendAnswer;
    try {
      answer = await destination.send(work.events, { dryRun });
    } catch (error) {
      // A destination must classify; a throw is a bug: keep the events queued and stop.
      answer = { kind: 'fatal', scope: 'config', error: { httpStatus: null, code: null, subcode: null, message: (error as Error)?.message ?? String(error) }, platformIds: {}, fix: 'Unexpected error while sending.' };
    }
    inFlight--;
    handle(work, requestId, answer);
    progress('running');
  };

  // ---------------------------------------------------------------- the loop
  const active = new Set<Promise<void>>();
  if (!reachesPlatform) {
    // A dry run with no test mode at the platform: the pre-flight and the requests, built locally.
    for (let work = nextWork(); work; work = nextWork()) {
      counters.sent += work.ids.length;
      counters.requests++;
      if (options.isCancelled()) break;
    }
  } else {
    try {
      for (;;) {
        if (!stop && options.isCancelled()) stop = { status: 'cancelled', kind: 'cancelled', message: 'Cancelled: the requests in flight finished and were recorded; the other events stay queued.' };
        starved = false;
        while (!stop && active.size < destination.concurrency) {
          const work = nextWork();
          if (!work) break;
          const promise: Promise<void> = execute(work).finally(() => active.delete(promise));
          active.add(promise);
        }
        if (marksDue()) {
          // Once the requests just started are on the wire (a socket writes on the next tick), so the
          // platform works on them while this thread writes the marks.
          await new Promise<void>((resolve) => setImmediate(resolve));
          flushMarks();
        }
        // The reader thread has the next requests on their way: wait for them too.
        const reading = starved && !stop ? [source.ready()] : [];
        if (active.size === 0) {
          flushMarks();
          if (stop) break;
          const more = waiting.length > 0 || ready.length > 0 || !source.done;
          if (!more) break;
          progress('running');
          if (reading.length && !waiting.length && Date.now() >= pauseUntil) {
            await reading[0];
            continue;
          }
          const soonest = Math.min(pauseUntil, ...waiting.map((w) => w.dueAt));
          await sleep(Math.min(100, Math.max(1, soonest - Date.now())));
          continue;
        }
        if (waiting.length || Date.now() < pauseUntil) await Promise.race([...active, sleep(100), ...reading]);
        else await Promise.race([...active, ...reading]);
      }
    } finally {
      await Promise.allSettled(active);
      await source.close();
      if (withReader) setWalAutocheckpoint(db, DEFAULT_WAL_AUTOCHECKPOINT);
    }
  }

  // ---------------------------------------------------------------- finish
  flushMarks();
  const status: RunStatus = stop?.status ?? 'completed';
  const finishedAt = iso();
  db.transaction(() => {
    journal.updateRunCounters(runId, finishedAt, counters);
    journal.finishRun(runId, status, stop?.message ?? null, finishedAt);
  })();
  progress(status === 'completed' ? 'done' : status === 'cancelled' ? 'cancelled' : 'stopped', true);
  const list = (outcome: 'failed' | 'excluded'): FailedEvent[] => journal.runEvents(runId, outcome, listLimit);
  return {
    runId,
    destination: destination.name,
    dryRun,
    status,
    sent: counters.sent,
    failedCount: counters.failed,
    excludedCount: counters.excluded,
    requests: counters.requests,
    retries: counters.retries,
    error: stop?.message ?? null,
    stopKind: stop?.kind ?? null,
    startedAt: journal.getRun(runId)!.started_at,
    finishedAt,
    failed: list('failed'),
    excluded: list('excluded'),
    resentRequests,
  };
}
