import { readdirSync, readlinkSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../src/main/app/context';
import { openDatabase, type Sqlite } from '../../src/main/db/connection';
import { attachFacetCache, facetCacheOf, type FacetCache } from '../../src/main/events/facet-cache';
import { loadFacetColumns } from '../../src/main/events/facets-repo';
import * as events from '../../src/main/events/service';
import { EventFilterSchema, type EventFilter } from '../../src/shared/domain/filters';
import { TimelineInputSchema } from '../../src/shared/ipc/channels/overview';
import { overviewTiles, overviewTimeline } from '../../src/main/overview/repo';
import { reviewContext, seedEvents, type TestContext } from './helpers';
import { createTestContext } from '../helpers/context';

const STATUSES = ['pending', 'pending', 'queued', 'sent', 'failed', 'skipped'] as const;

describe('facet cache: the grid uses the in-memory index only while it describes the database', () => {
  let ctx: TestContext;
  /** The loader's own connection, as the reader thread has. */
  let loaderDb: Sqlite;
  /** Another writer (a worker, the CLI). */
  let otherDb: Sqlite;
  /** A connection without a facet cache: the SQL path, for comparison. */
  let sqlDb: Sqlite;
  let cache: FacetCache;
  let loads: number;

  beforeEach(() => {
    ctx = createTestContext();
    seedEvents(ctx.db, 600, { status: (i) => STATUSES[i % STATUSES.length]! });
    loaderDb = openDatabase(ctx.dbPath);
    otherDb = openDatabase(ctx.dbPath);
    sqlDb = openDatabase(ctx.dbPath);
    loads = 0;
    cache = attachFacetCache(ctx.db, async () => {
      loads++;
      return loadFacetColumns(loaderDb);
    });
  });
  afterEach(() => {
    for (const db of [loaderDb, otherDb, sqlDb]) db.close();
    ctx.cleanup();
  });

  const counts = (db: Sqlite, filter: EventFilter = {}) => events.countEvents(db, EventFilterSchema.parse(filter));
  const ids = (db: Sqlite, filter: EventFilter, field: 'event_time' | 'sync_status' | 'event_value' = 'event_time') =>
    events.listEvents(db, { filter, sort: { field, direction: 'desc' }, limit: 50, withTotal: false }).events.map((e) => e.id);

  it('loads in the background on first use, then answers lists and counts like SQL', async () => {
    expect(facetCacheOf(ctx.db)).toBe(cache);
    expect(cache.current()).toBeNull();
    const index = await cache.fresh();
    expect(index).not.toBeNull();
    expect(loads).toBe(1);
    expect(cache.current()).toBe(index);
    for (const filter of [{}, { statuses: ['failed', 'queued'] }, { eventNames: ['lead'] as const }, { hasClickId: false, valueMin: '100' }] as EventFilter[]) {
      expect(counts(ctx.db, filter)).toEqual(counts(sqlDb, filter));
      for (const field of ['event_time', 'sync_status', 'event_value'] as const) expect(ids(ctx.db, filter, field)).toEqual(ids(sqlDb, filter, field));
    }
    // Paging through cursors on the index gives the same rows as SQL.
    const walk = (db: Sqlite) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = events.listEvents(db, { filter: { statuses: ['pending'] }, sort: { field: 'event_name', direction: 'asc' }, limit: 37, cursor, withTotal: false });
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(walk(ctx.db)).toEqual(walk(sqlDb));
    expect(cache.current()).toBe(index);
    expect(loads).toBe(1);
  });

  it("another connection's commit makes it stale at once: SQL answers the new state, then a reload takes over", async () => {
    await cache.fresh();
    otherDb.prepare("UPDATE conversion_events SET sync_status = 'skipped' WHERE sync_status = 'pending'").run();
    expect(cache.current()).toBeNull();
    expect(counts(ctx.db).byStatus).toMatchObject({ pending: 0, skipped: 300 });
    const reloaded = await cache.fresh();
    expect(reloaded).not.toBeNull();
    expect(loads).toBe(2);
    expect(reloaded!.countByStatus(EventFilterSchema.parse({}))).toMatchObject({ pending: 0, skipped: 300 });
  });

  it("this connection's own writes make it stale too", async () => {
    await cache.fresh();
    const [first] = ids(ctx.db, { statuses: ['pending'] });
    events.transitionEvents(ctx.db, 'queue', { ids: [first!] });
    expect(cache.current()).toBeNull();
    expect(counts(ctx.db)).toEqual(counts(sqlDb));
    expect(counts(ctx.db).byStatus.queued).toBe(101);
  });

  it('a load that a commit overtook is not installed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = attachFacetCache(sqlDb, async () => {
      const columns = loadFacetColumns(loaderDb);
      await gate;
      return columns;
    });
    expect(slow.current()).toBeNull();
    // Committed after the loader's snapshot: that snapshot no longer describes the database.
    otherDb.prepare("UPDATE conversion_events SET sync_status = 'sent' WHERE sync_status = 'queued'").run();
    release();
    await slow.fresh();
    expect(slow.current()).toBeNull();
    expect(await slow.fresh()).not.toBeNull();
    expect(events.countEvents(sqlDb, EventFilterSchema.parse({})).byStatus.queued).toBe(0);
  });

  it('a load that fails leaves SQL answering, and is not retried until something changes', async () => {
    ctx.db.prepare("UPDATE conversion_events SET event_time = '2026-01-01 10:00:00' WHERE rowid = 1").run();
    expect(cache.current()).toBeNull();
    await cache.fresh();
    expect(cache.lastError).toMatch(/not a canonical UTC time/);
    expect(cache.current()).toBeNull();
    expect(loads).toBe(1);
    expect(counts(ctx.db)).toEqual(counts(sqlDb));
    ctx.db.prepare("UPDATE conversion_events SET event_time = '2026-01-01T10:00:00.000Z' WHERE rowid = 1").run();
    expect(await cache.fresh()).not.toBeNull();
    expect(loads).toBe(2);
  });

  it('search and batch filters, and OFFSET pages, take the SQL path', async () => {
    const index = (await cache.fresh())!;
    expect(index.supports(EventFilterSchema.parse({ search: 'E1' }))).toBe(false);
    expect(ids(ctx.db, { search: 'E1' })).toEqual(ids(sqlDb, { search: 'E1' }));
    const offsetPage = (db: Sqlite) => events.listEvents(db, { filter: {}, sort: { field: 'event_time', direction: 'asc' }, limit: 10, offset: 20, withTotal: false }).events.map((e) => e.id);
    expect(offsetPage(ctx.db)).toEqual(offsetPage(sqlDb));
  });
});

describe('events:list / events:count through the real handlers and threads', () => {
  it('answer the same before the index is loaded (SQL on the reader thread), once it is (facets), and right after a change', async () => {
    const review = reviewContext();
    try {
      const { ctx, call } = review;
      seedEvents(ctx.db, 900, { status: (i) => STATUSES[i % STATUSES.length]! });
      const truth = openDatabase(ctx.dbPath);
      const timelineInput = { filter: { statuses: ['queued', 'pending'] as const }, utcOffsetMinutes: -300 };
      const expected = () => ({
        page: events.listEvents(truth, { filter: { statuses: ['pending', 'failed'] }, sort: { field: 'event_value', direction: 'desc' }, limit: 25 }),
        counts: events.countEvents(truth, EventFilterSchema.parse({ eventNames: ['lead', 'purchase'] })),
        tiles: overviewTiles(truth, EventFilterSchema.parse({ eventNames: ['lead'] })),
        timeline: overviewTimeline(truth, TimelineInputSchema.parse(timelineInput)),
      });
      const actual = async () => ({
        page: await call('events:list', { filter: { statuses: ['pending', 'failed'] }, sort: { field: 'event_value', direction: 'desc' }, limit: 25 }),
        counts: await call('events:count', { filter: { eventNames: ['lead', 'purchase'] } }),
        tiles: await call('overview:tiles', { filter: { eventNames: ['lead'] } }),
        timeline: await call('overview:timeline', { ...timelineInput, filter: { statuses: ['queued', 'pending'] } }),
      });
      const cache = facetCacheOf(ctx.db)!;
      expect(cache.current()).toBeNull();
      expect(await actual()).toEqual(expected());
      // Loaded by the facet loader's own reader thread; its arrays arrive transferred.
      const index = await cache.fresh();
      expect(index?.count).toBe(900);
      expect(cache.current()).toBe(index);
      expect(await actual()).toEqual(expected());
      const page = await call('events:list', { filter: { statuses: ['pending'] }, sort: { field: 'event_time', direction: 'desc' }, limit: 10 });
      await call('events:transition', { action: 'queue', target: { ids: page.events.map((e) => e.id) } });
      expect(cache.current()).toBeNull();
      expect(await actual()).toEqual(expected());
      expect((await call('events:count', { filter: {} })).byStatus.queued).toBe(160);
      truth.close();
    } finally {
      await review.cleanup();
    }
  });
});

describe('own status changes patch the index instead of reloading it', () => {
  it('keeps the index current through a small queue, a PATCH and an undo on the window thread, and still agrees with SQL', async () => {
    const review = reviewContext({ bulkThreshold: 1000 });
    try {
      const { ctx, call } = review;
      seedEvents(ctx.db, 700, { status: (i) => STATUSES[i % STATUSES.length]! });
      const truth = openDatabase(ctx.dbPath);
      const cache = facetCacheOf(ctx.db) ?? (await call('events:count', { filter: {} }), facetCacheOf(ctx.db)!);
      cache.current();
      const index = (await cache.fresh())!;
      const agree = async () => {
        for (const filter of [{}, { statuses: ['queued'] }, { statuses: ['pending', 'skipped'], eventNames: ['lead'] }] as EventFilter[]) {
          expect(await call('events:count', { filter })).toEqual(events.countEvents(truth, EventFilterSchema.parse(filter)));
          const sort = { field: 'sync_status', direction: 'asc' } as const;
          expect((await call('events:list', { filter, sort, limit: 40 })).events.map((e) => e.id)).toEqual(
            events.listEvents(truth, { filter, sort, limit: 40 }).events.map((e) => e.id),
          );
        }
      };
      await agree();
      const pending = (await call('events:list', { filter: { statuses: ['pending'] }, limit: 30 })).events.map((e) => e.id);
      const outcome = await call('events:transition', { action: 'queue', target: { ids: pending } });
      expect(outcome.changed).toBe(30);
      expect(cache.current()).toBe(index);
      await agree();
      await call('events:updateSync', { id: pending[0]!, patch: { sync_status: 'failed', sync_error: 'rejected' } });
      expect(cache.current()).toBe(index);
      await agree();
      await call('events:undoTransition', { undoToken: outcome.undoToken! });
      expect(cache.current()).toBe(index);
      await agree();
      // Another connection's commit in between: no patch, the index is dropped and reloads.
      const before = cache.currentToken();
      truth.prepare("UPDATE conversion_events SET sync_status = 'skipped' WHERE id = ?").run(pending[5]);
      cache.patch(before, () => []);
      expect(cache.current()).toBeNull();
      await agree();
      truth.close();
    } finally {
      await review.cleanup();
    }
  });
});

describe('size limit', () => {
  it('refuses to load more events than FACET_MAX_ROWS allows, and the cache then stays on SQL', async () => {
    const ctx = createTestContext();
    try {
      seedEvents(ctx.db, 30);
      expect(() => loadFacetColumns(ctx.db, 29)).toThrow(/30 events: more than the facet index holds \(29\)/);
      expect(loadFacetColumns(ctx.db, 30).count).toBe(30);
      const cache = attachFacetCache(ctx.db, async () => loadFacetColumns(ctx.db, 29));
      expect(cache.current()).toBeNull();
      expect(await cache.fresh()).toBeNull();
      expect(cache.lastError).toMatch(/more than the facet index holds/);
      expect(events.countEvents(ctx.db, EventFilterSchema.parse({})).total).toBe(30);
    } finally {
      ctx.cleanup();
    }
  });
});

describe('shutdown', () => {
  it('a load that finishes after the connection closed is dropped quietly (no unhandled rejection)', async () => {
    const ctx = createTestContext();
    seedEvents(ctx.db, 10);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const columns = loadFacetColumns(ctx.db);
    const cache = attachFacetCache(ctx.db, async () => (await gate, columns));
    expect(cache.current()).toBeNull();
    const loading = cache.fresh();
    ctx.cleanup();
    release();
    await expect(loading).resolves.toBeNull();
  });
});

describe('closing the app context', () => {
  const openFilesUnder = (dir: string) =>
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return target.startsWith(dir) ? [target] : [];
      } catch {
        return [];
      }
    });

  it.runIf(process.platform === 'linux')('stops the reader and facet-loader threads, so no connection keeps the database open', async () => {
    const review = reviewContext();
    const { ctx, call } = review;
    seedEvents(ctx.db, 50);
    await call('overview:tiles', { filter: { search: 'E1' } }); // SQL on the reader thread
    expect(await facetCacheOf(ctx.db)!.fresh()).not.toBeNull(); // loaded on the facet-loader thread
    expect(openFilesUnder(ctx.dataDir).filter((path) => path.endsWith('convdesk.db')).length).toBeGreaterThanOrEqual(3);
    await review.jobs.shutdown();
    await closeAppContext(ctx);
    expect(openFilesUnder(ctx.dataDir)).toEqual([]);
    ctx.cleanup();
  });
});
