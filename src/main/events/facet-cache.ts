/**
 * Keeps the window connection's facet index (facets.ts) in step with the database. A snapshot is
 * used only while nothing has been committed since it was asked for: other connections' commits
 * (the jobs, import and export workers, the CLI) change `PRAGMA data_version`, this connection's own
 * writes change `total_changes()`. A stale snapshot is dropped at once and a new one is loaded off
 * this thread (a reader thread of its own; ~3.5 s for 1M events); meanwhile lists and counts take the SQL path,
 * which gives the same answers, only slower.
 */
import type { Sqlite } from '../db/connection';
import { FacetIndex, type FacetColumns } from './facets';
import { loadFacetColumns } from './facets-repo';
import { stateToken } from './repo';

export type FacetLoader = () => Promise<FacetColumns>;

export class FacetCache {
  private index: FacetIndex | null = null;
  private token: string | null = null;
  private loading: Promise<void> | null = null;
  /** The state whose load failed (e.g. a non-canonical stored time): not retried until something changes. */
  private failedAt: string | null = null;
  lastError: string | null = null;
  /** ms the last load took, from request to installed (for benchmarks and diagnostics). */
  lastLoadMs: number | null = null;

  constructor(
    private readonly db: Sqlite,
    private readonly loader: FacetLoader,
  ) {}

  /** The index if it describes the database as it is now; otherwise null, and a fresh one starts loading. */
  current(): FacetIndex | null {
    const token = stateToken(this.db);
    if (this.index && this.token === token) return this.index;
    this.index = null;
    this.token = null;
    this.refresh(token);
    return null;
  }

  /** current(), after waiting for a load in flight (tests and tools that need the index loaded). */
  async fresh(): Promise<FacetIndex | null> {
    const now = this.current();
    if (now || !this.loading) return now;
    await this.loading;
    return this.index && this.token === stateToken(this.db) ? this.index : null;
  }

  /** The token the index is current for, or null (taken before an own write that patch() may follow). */
  currentToken(): string | null {
    return this.index && this.token === stateToken(this.db) ? this.token : null;
  }

  /**
   * After a status change this connection made itself: patches the rows' statuses into the index so it
   * stays current, provided the index was current before the change (`before`) and no other connection
   * committed since (data_version unchanged). Otherwise the index reloads as after any other change.
   */
  patch(before: string | null, readChanged: () => { rowid: number; status: string }[]): void {
    if (!before || !this.index || this.token !== before) return;
    const now = stateToken(this.db);
    if (now.split(':')[0] !== before.split(':')[0]) return;
    if (this.index.patchStatuses(readChanged())) this.token = now;
  }

  /** Loads synchronously on this thread (benchmarks, tests). */
  loadNow(): FacetIndex {
    const token = stateToken(this.db);
    const started = performance.now();
    this.index = new FacetIndex(loadFacetColumns(this.db));
    this.token = token;
    this.lastLoadMs = performance.now() - started;
    return this.index;
  }

  private refresh(token: string): void {
    if (this.loading || this.failedAt === token) return;
    const started = performance.now();
    this.loading = this.loader().then(
      (columns) => {
        this.loading = null;
        // The connection closed meanwhile (the app quit, a test ended): nothing to install into.
        if (!this.db.open) return;
        // Installed only if nothing was committed since the request: then the loader's snapshot,
        // taken after the request, is exactly the state the token names.
        if (stateToken(this.db) !== token) return;
        this.index = new FacetIndex(columns);
        this.token = token;
        this.failedAt = null;
        this.lastError = null;
        this.lastLoadMs = performance.now() - started;
      },
      (error: unknown) => {
        this.loading = null;
        this.failedAt = token;
        this.lastError = (error as Error)?.message ?? String(error);
      },
    );
  }
}

const caches = new WeakMap<Sqlite, FacetCache>();

/** Gives a connection a facet cache (the app does this for the window's connection). */
export function attachFacetCache(db: Sqlite, loader: FacetLoader): FacetCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new FacetCache(db, loader);
    caches.set(db, cache);
  }
  return cache;
}

export function facetCacheOf(db: Sqlite): FacetCache | undefined {
  return caches.get(db);
}
