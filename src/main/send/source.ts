/**
 * Where the engine takes its fresh requests from: the events queued for the destination, read in
 * rowid (import) order and pre-flighted (`destination.prepare`), cut into requests of at most the
 * platform's limit, with the events the pre-flight excludes beside them.
 *
 * Two forms with the same output:
 * - `inThreadSource`: reads and prepares on the sending thread (small sends: no second thread to start);
 * - `readerSource`: a reader thread (reader.ts, its own read-only connection) reads and prepares a
 *   few requests ahead and posts them, so the sending thread keeps only the journal, HTTP and the
 *   marks (the two run on two cores). It never runs more than about READ_AHEAD_EVENTS events ahead, for memory.
 * Either way the source only reads: exclusions are recorded, and requests journaled, by the engine.
 */
import { Worker } from 'node:worker_threads';
import type { Destination } from './destination';
import type { DeliveryRepo } from './delivery-repo';
import type { ReaderData, ReaderMessage } from './reader';

export interface Exclusion {
  id: string;
  code: string;
  reason: string;
}

export interface SourceChunk<E> {
  ids: string[];
  rowids: number[];
  events: E[];
  /** Events of the same pages that the pre-flight keeps from sending. */
  exclusions: Exclusion[];
}

export interface EventSource<E> {
  /** The next request's events (≤ the limit), or null when none is ready now. */
  take(): SourceChunk<E> | null;
  /** True once every queued event has been read and taken. */
  readonly done: boolean;
  /** Resolves when take() may have something new (or done turned true). Throws what the reader failed with. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * V8 heap limits of the send's threads (the sending thread and its reader). Their live data is small
 * and bounded (the requests read ahead, in flight and waiting for their marks: a few MB), their
 * garbage plentiful (rows, event JSON, request bodies). Without a cap V8 let the two old generations
 * grow to ~80 MB each before collecting (a 200k Google send peaked at 362 MB RSS). Measured on 1M
 * (loaded machine, one run each): old 96 MB → Google 276 MB, Meta 297 MB; 80 → Google 292–300 MB;
 * 64 → Google 256 MB, Meta 228 MB, for ~3 s more CPU in V8's GC threads per 1M. A 16–24 MB young
 * generation saved more memory but cost ~10% more CPU. CONVDESK_SEND_YOUNG_MB / _OLD_MB override.
 */
export const SEND_THREAD_LIMITS = {
  maxYoungGenerationSizeMb: Number(process.env.CONVDESK_SEND_YOUNG_MB) || 48,
  maxOldGenerationSizeMb: Number(process.env.CONVDESK_SEND_OLD_MB) || 64,
};

/**
 * Events the reader thread keeps prepared ahead of the sending thread (whole requests, at least 2):
 * enough to cover a batch of marks (engine.ts MARK_BATCH_EVENTS), during which the reader keeps reading.
 */
export const READ_AHEAD_EVENTS = 8_000;

/** Reads on the calling thread, a page at a time. */
export function inThreadSource<E>(delivery: DeliveryRepo, destination: Destination<E>, options: { pageSize: number; skip: ReadonlySet<string>; nowMs: () => number }): EventSource<E> {
  const max = destination.maxEventsPerRequest;
  let afterRowid = 0;
  let exhausted = false;
  let ids: string[] = [];
  let rowids: number[] = [];
  let events: E[] = [];
  let exclusions: Exclusion[] = [];
  const source: EventSource<E> = {
    take() {
      while (!exhausted && ids.length < max) {
        const rows = delivery.queuedPage(afterRowid, options.pageSize);
        if (rows.length < options.pageSize) exhausted = true;
        if (!rows.length) break;
        afterRowid = rows[rows.length - 1]!.rowid;
        const now = options.nowMs();
        for (const row of rows) {
          if (options.skip.has(row.id)) continue;
          const prepared = destination.prepare(row, now);
          if (prepared.ok) (ids.push(row.id), rowids.push(row.rowid), events.push(prepared.event));
          else exclusions.push({ id: row.id, code: prepared.code, reason: prepared.reason });
        }
      }
      if (!ids.length && !exclusions.length) return null;
      const chunk = { ids: ids.slice(0, max), rowids: rowids.slice(0, max), events: events.slice(0, max), exclusions };
      ids = ids.slice(max);
      rowids = rowids.slice(max);
      events = events.slice(max);
      exclusions = [];
      return chunk;
    },
    get done() {
      return exhausted && !ids.length && !exclusions.length;
    },
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return source;
}

/** Reads on a reader thread (reader.ts, started from `script`), a few requests of `maxPerRequest` events ahead. */
export function readerSource<E>(script: string, data: ReaderData, maxPerRequest: number): EventSource<E> {
  const worker = new Worker(script, { workerData: data, resourceLimits: SEND_THREAD_LIMITS });
  const chunks: SourceChunk<E>[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  worker.on('message', (message: ReaderMessage<E>) => {
    if (message.type === 'chunk') chunks.push(message.chunk);
    else if (message.type === 'end') ended = true;
    else failure = new Error(`Reading the queued events failed: ${message.message}`);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!ended && !failure) failure = new Error(`The reader thread stopped (exit code ${code}) before every queued event was read`);
    notify();
  });
  worker.postMessage({ type: 'credit', requests: Math.max(2, Math.ceil(READ_AHEAD_EVENTS / maxPerRequest)) });
  return {
    take() {
      if (failure) throw failure;
      const chunk = chunks.shift() ?? null;
      if (chunk) worker.postMessage({ type: 'credit', requests: 1 });
      return chunk;
    },
    get done() {
      return ended && !chunks.length;
    },
    ready() {
      if (failure) return Promise.reject(failure);
      if (chunks.length || ended) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const previous = wake;
        wake = () => (previous?.(), resolve());
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
