/**
 * Sends (main side): reads the connection's secrets, starts the send worker, relays its progress,
 * cancels it, and answers what a run did (from the journal). One run per destination at a time in
 * this process; the engine refuses a second process's run while one is alive.
 */
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { SendRequestSchema, type DestinationName, type FailureEvent, type FailureGroup, type SendProgress, type SendRequest, type SendResult, type SendRunSummary } from '../../shared/domain/send';
import { AppError, type ErrorCode } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import type { DB, SendRunsTable } from '../db/schema';
import { markQueued } from '../delivery/repo';
import { parseOrThrow } from '../events/service';
import { uuidv7 } from '../lib/ids';
import { workerPath } from '../runtime';
import type { SecretStore } from '../secrets/store';
import type { DestinationCredentials } from './destinations';
import { DEFAULT_RETRY, type RetryPolicy } from './engine';
import { JournalRepo } from './journal-repo';
import { GoogleConnection } from '../google/connection';
import { GoogleDiagnostics } from '../google/diagnostics';
import { MetaConnection } from './meta/connection';
import { metaGraphBase } from './meta/graph';
import { SEND_THREAD_LIMITS } from './source';
import type { SendWorkerData, SendWorkerMessage } from './worker';

export interface SendServiceDeps {
  db: Sqlite;
  k: Kysely<DB>;
  dbPath: string;
  nativeBinding?: string;
  secrets: SecretStore;
  emitProgress(progress: SendProgress): void;
  emitChanged(reason: string): void;
}

export interface SendRunOptions {
  /** Fixed "now" for the pre-flight windows (tests). */
  now?: Date;
  /** Failed / excluded events listed in the answer (all are counted). Default 1,000. */
  listLimit?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests per HTTP call and in flight (tests, benchmark); the platform's limits cap them. */
  maxEventsPerRequest?: number;
  concurrency?: number;
}

interface Running {
  worker: Worker;
  cancel: Int32Array;
  done: Promise<SendResult>;
}

/** Retry timings from the environment (the CLI's tests shorten the backoff; users may lengthen it). */
function retryFromEnv(): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  const read = (name: string) => {
    const value = process.env[name];
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const attempts = read('CONVDESK_SEND_MAX_ATTEMPTS');
  const base = read('CONVDESK_SEND_RETRY_BASE_MS');
  if (attempts) out.maxAttempts = attempts;
  if (base !== undefined) out.baseDelayMs = base;
  return out;
}

export function summaryOf(run: SendRunsTable): SendRunSummary {
  return {
    runId: run.id,
    destination: run.destination as DestinationName,
    dryRun: run.dry_run === 1,
    status: run.status as SendRunSummary['status'],
    sent: run.events_sent,
    failedCount: run.events_failed,
    excludedCount: run.events_excluded,
    requests: run.requests,
    retries: run.retries,
    error: run.error,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
  };
}

function emptyProgress(runId: string, destination: DestinationName, dryRun: boolean): SendProgress {
  return { runId, destination, dryRun, phase: 'running', total: 0, sent: 0, failed: 0, excluded: 0, requests: 0, inFlight: 0, retriesWaiting: 0, nextRetryInMs: null, attempt: 1, maxAttempts: 0, eventsPerSecond: 0, etaSeconds: null };
}

export class SendService {
  private readonly running = new Map<string, Running & { destination: DestinationName }>();
  readonly meta: MetaConnection;
  readonly google: GoogleConnection;
  readonly googleDiagnostics: GoogleDiagnostics;
  private readonly journal: JournalRepo;

  constructor(private readonly deps: SendServiceDeps) {
    this.meta = new MetaConnection(deps.db, deps.k, deps.secrets);
    this.google = new GoogleConnection(deps.db, deps.k, deps.secrets);
    this.googleDiagnostics = new GoogleDiagnostics(deps.db, deps.k, this.google);
    this.journal = new JournalRepo(deps.db, deps.k);
  }

  private async credentials(to: DestinationName, opts: SendRunOptions): Promise<DestinationCredentials> {
    switch (to) {
      case 'meta':
        return { meta: { ...(await this.meta.credentials()), baseUrl: metaGraphBase(), maxEventsPerRequest: opts.maxEventsPerRequest, concurrency: opts.concurrency } };
      case 'google_ads':
        return { google_ads: await this.google.credentials({ maxEventsPerRequest: opts.maxEventsPerRequest, concurrency: opts.concurrency }) };
    }
  }

  /** Starts a run in the send worker; resolves with its id once it is started (progress on send:progress). */
  async start(request: SendRequest, opts: SendRunOptions = {}): Promise<{ runId: string; done: Promise<SendResult> }> {
    const parsed = parseOrThrow(SendRequestSchema, request, 'send request');
    for (const run of this.running.values()) {
      if (run.destination === parsed.to) throw new AppError('conflict', `A send to ${parsed.to} is already running; wait for it or cancel it.`);
    }
    const credentials = await this.credentials(parsed.to, opts);
    const runId = uuidv7();
    const cancel = new SharedArrayBuffer(4);
    const data: SendWorkerData = {
      dbPath: this.deps.dbPath,
      nativeBinding: this.deps.nativeBinding,
      runId,
      destination: parsed.to,
      credentials,
      filter: parsed.filter,
      dryRun: parsed.dryRun,
      retry: { ...DEFAULT_RETRY, ...retryFromEnv(), ...opts.retry },
      nowMs: opts.now?.getTime(),
      listLimit: opts.listLimit ?? 1000,
      cancel,
    };
    const worker = new Worker(workerPath('send-worker'), { workerData: data, resourceLimits: SEND_THREAD_LIMITS });
    let final: SendWorkerMessage | null = null;
    let crash: string | null = null;
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const done = new Promise<SendResult>((resolve, reject) => {
      worker.on('message', (message: SendWorkerMessage) => {
        if (message.type === 'progress') this.deps.emitProgress(message.progress);
        else if (message.type === 'started') markStarted();
        else final = message;
      });
      worker.on('error', (error) => {
        crash = error.message;
      });
      worker.on('exit', () => {
        this.running.delete(runId);
        const outcome = final as SendWorkerMessage | null;
        if (outcome?.type === 'done') {
          // Google refused the grant mid-run: the connection shows "Reconnect Google" until the user signs in again.
          if (parsed.to === 'google_ads' && outcome.result.stopKind === 'auth') this.google.markReconnect(outcome.result.error ?? 'Google refused the sign-in');
          if (!outcome.result.dryRun && (outcome.result.sent > 0 || outcome.result.failedCount > 0)) this.deps.emitChanged('send');
          return resolve(outcome.result);
        }
        const failure =
          outcome?.type === 'failed'
            ? new AppError(outcome.code as ErrorCode, outcome.message)
            : new AppError('internal', `The send worker stopped before finishing${crash ? `: ${crash}` : ''}; events not recorded as sent stay queued and the next send resends any request left without an answer.`);
        // The window started it and listens to progress only: tell it why it ended.
        this.deps.emitProgress({ ...emptyProgress(runId, parsed.to, parsed.dryRun), phase: 'failed', message: failure.message });
        reject(failure);
      });
    });
    // Callers that only start (the window) still get failures through progress; avoid unhandled rejections.
    done.catch(() => undefined);
    this.running.set(runId, { worker, cancel: new Int32Array(cancel), done, destination: parsed.to });
    // Answer once the run exists in the journal (or with the reason it could not start: another
    // process sending, database busy).
    await Promise.race([started, done]);
    return { runId, done };
  }

  /** Starts a run and waits for its result (the CLI). */
  async run(request: SendRequest, opts: SendRunOptions = {}): Promise<SendResult> {
    const { done } = await this.start(request, opts);
    return done;
  }

  /** Stops starting requests; the ones in flight finish and are recorded; the rest stay queued. */
  cancel(runId: string): { cancelled: boolean } {
    const running = this.running.get(runId);
    if (!running) return { cancelled: false };
    Atomics.store(running.cancel, 0, 1);
    return { cancelled: true };
  }

  isRunning(runId: string): boolean {
    return this.running.has(runId);
  }

  /** A run's summary with its failed and excluded events (the last run when no id is given). */
  status(runId?: string, listLimit = 1000): SendResult {
    const run = runId ? this.journal.getRun(runId) : this.journal.latestRuns(1)[0];
    if (!run) throw new AppError('not_found', runId ? `No send run with id ${runId}` : 'No send has run yet');
    return {
      ...summaryOf(run),
      failed: this.journal.runEvents(run.id, 'failed', listLimit),
      excluded: this.journal.runEvents(run.id, 'excluded', listLimit),
      resentRequests: this.journal.countResends(run.id),
    };
  }

  listRuns(limit = 50): SendRunSummary[] {
    return this.journal.latestRuns(limit).map(summaryOf);
  }

  failureGroups(runId: string): FailureGroup[] {
    return this.journal.failureGroups(runId);
  }

  failureEvents(runId: string, group: Pick<FailureGroup, 'outcome' | 'code' | 'reason'>, limit = 200): FailureEvent[] {
    return this.journal.failureEvents(runId, group.outcome, group.code, group.reason, limit);
  }

  /** Puts failed events back in the destination's queue (its delivery only), so the next send tries them again. */
  retry(destination: DestinationName, eventIds: string[]): { requeued: number } {
    const { retried, queued } = markQueued(this.deps.db, destination, eventIds.map((eventId) => ({ eventId })));
    const requeued = retried.changed + queued.changed;
    if (requeued) this.deps.emitChanged('send-retry');
    return { requeued };
  }

  async shutdown(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) Atomics.store(run.cancel, 0, 1);
    await Promise.all(runs.map((run) => run.done.catch(() => undefined)));
  }
}

const services = new WeakMap<Sqlite, SendService>();

export function sendServiceFor(deps: SendServiceDeps): SendService {
  let service = services.get(deps.db);
  if (!service) {
    service = new SendService(deps);
    services.set(deps.db, service);
  }
  return service;
}
