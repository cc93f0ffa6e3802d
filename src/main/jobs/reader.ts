import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { workerPath } from '../runtime';
import { runReaderQuery, type ReaderQuery, type ReaderResponse } from './reader-queries';
import type { ReaderWorkerData } from './worker';

/**
 * One long-lived reader thread (jobs-worker, role 'reader') with its own connection. Queries are
 * answered in order; the thread is started on first use and does not keep the process alive.
 * When the worker script is not built (unbundled dev runs), queries run in-thread instead.
 */
export class ReaderPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

  constructor(private readonly deps: { db: Sqlite; dbPath: string; nativeBinding?: string }) {}

  private start(): Worker | null {
    if (this.worker) return this.worker;
    if (this.deps.dbPath === ':memory:') return null;
    let script: string;
    try {
      script = workerPath('jobs-worker');
    } catch {
      return null;
    }
    const data: ReaderWorkerData = { role: 'reader', dbPath: this.deps.dbPath, nativeBinding: this.deps.nativeBinding };
    const worker = new Worker(script, { workerData: data });
    worker.unref();
    worker.on('message', (response: ReaderResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      if (response.ok) waiter.resolve(response.value);
      else waiter.reject(new AppError(response.code as never, response.message));
    });
    const fail = (message: string) => {
      for (const waiter of this.pending.values()) waiter.reject(new AppError('internal', message));
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', (error) => fail(`The reader thread crashed: ${error.message}`));
    worker.on('exit', () => fail('The reader thread stopped'));
    this.worker = worker;
    return worker;
  }

  query<T>(query: ReaderQuery): Promise<T> {
    const worker = this.start();
    if (!worker) {
      try {
        return Promise.resolve(runReaderQuery(this.deps.db, query) as T);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...query, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

type ReaderDeps = { db: Sqlite; dbPath: string; nativeBinding?: string };
const pools = { reader: new WeakMap<Sqlite, ReaderPool>(), facets: new WeakMap<Sqlite, ReaderPool>() };

function poolFor(kind: keyof typeof pools, deps: ReaderDeps): ReaderPool {
  let pool = pools[kind].get(deps.db);
  if (!pool) {
    pool = new ReaderPool(deps);
    pools[kind].set(deps.db, pool);
  }
  return pool;
}

/** The connection's reader thread (overview aggregates, SQL counts and pages). */
export const readerPoolFor = (deps: ReaderDeps): ReaderPool => poolFor('reader', deps);

/**
 * A second reader thread that only loads the facet index (~3.5 s for 1M events), so the SQL counts and
 * pages the grid asks for meanwhile do not queue behind it on the first one.
 */
export const facetLoaderFor = (deps: ReaderDeps): ReaderPool => poolFor('facets', deps);

/** Stops the connection's reader threads (when the app context closes); their connections close with them. */
export function closeReaderPools(db: Sqlite): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const registry of Object.values(pools)) {
    const pool = registry.get(db);
    registry.delete(db);
    if (pool) closing.push(pool.close());
  }
  return Promise.all(closing).then(() => undefined);
}
