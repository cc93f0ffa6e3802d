// Benchmark section: review & sync on a 1M-event database, all in one run.
//  1. builds the database with the real migrations and synthetic rows (UUIDv7 ids in insert order,
//     random event times over 90 days, 10 imports, 20 campaigns, 5 brands, 3 currencies);
//  2. queues all 1M events through the real JobService + jobs worker, measuring wall time and the
//     main thread's event-loop delay (perf_hooks.monitorEventLoopDelay + a 10 ms ticker), then undoes it;
//  3. gives the events a realistic status mix and, for filter × sort combinations, measures in this
//     (main) thread the first page and a deep keyset page (p95 of repeated runs), the same page by
//     LIMIT/OFFSET 500,000, the exact filtered count, and the overview aggregates (reader thread).
// The app code is bundled from src/ with esbuild, so what runs is what ships.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import { watchEventLoop } from './lib.mjs';

export const name = 'review';
export const title = 'Review & sync (1M events)';

const LIB = `
export { openDatabase } from './src/main/db/connection';
export { migrate } from './src/main/db/migrate';
export { migrationsDir } from './src/main/runtime';
export { listEvents, countEvents } from './src/main/events/service';
export { explainList } from './src/main/events/repo';
export { filterToWhere } from './src/main/events/filter-sql';
export { JobService } from './src/main/jobs/service';
export { ReaderPool } from './src/main/jobs/reader';
export { overviewTiles, overviewTimeline, assembleTiles, assembleTimeline, timelineScope } from './src/main/overview/repo';
export { overviewGroups } from './src/main/events/facets-overview';
export { EventFilterSchema } from './src/shared/domain/filters';
export { TimelineInputSchema } from './src/shared/ipc/channels/overview';
export { uuidv7 } from './src/main/lib/ids';
export { attachFacetCache } from './src/main/events/facet-cache';
`;

async function loadLib(root) {
  const outfile = join(root, 'out', 'bench', 'review-lib.cjs');
  mkdirSync(join(root, 'out', 'bench'), { recursive: true });
  await build({
    stdin: { contents: LIB, resolveDir: root, loader: 'ts', sourcefile: 'review-lib.ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3', 'electron'],
    logLevel: 'warning',
  });
  spawnSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { stdio: 'inherit' });
  return createRequire(import.meta.url)(outfile);
}

const NAMES = ['purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom'];
const NAME_WEIGHTS = [0.45, 0.25, 0.1, 0.1, 0.05, 0.05];
const CURRENCIES = ['USD', 'USD', 'USD', 'USD', 'EUR', 'EUR', 'GBP'];
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

function pickWeighted(r) {
  let acc = 0;
  for (let i = 0; i < NAMES.length; i++) if (r < (acc += NAME_WEIGHTS[i])) return NAMES[i];
  return NAMES[0];
}

/** Builds the 1M-event database; returns the ids of the imports/campaigns used by filters. */
function buildDatabase(lib, dbPath, rows, log) {
  const db = lib.openDatabase(dbPath);
  lib.migrate(db, lib.migrationsDir());
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const brands = Array.from({ length: 5 }, (_, i) => ({ id: lib.uuidv7(), name: `Brand ${i}` }));
  const campaigns = Array.from({ length: 20 }, (_, i) => ({ id: lib.uuidv7(), name: `Campaign ${i}`, brand: brands[i % 5].id }));
  const imports = Array.from({ length: 10 }, (_, i) => ({ id: lib.uuidv7(), name: `import-${i}.csv` }));
  db.transaction(() => {
    for (const b of brands) db.prepare('INSERT INTO brands (id, name) VALUES (?, ?)').run(b.id, b.name);
    for (const c of campaigns) db.prepare('INSERT INTO campaigns (id, brand_id, name) VALUES (?, ?, ?)').run(c.id, c.brand, c.name);
    for (const im of imports) db.prepare("INSERT INTO imports (id, file_name, file_size, status, finished_at) VALUES (?, ?, 1, 'completed', ?)").run(im.id, im.name, new Date().toISOString());
  })();
  const insert = db.prepare(`INSERT INTO conversion_events (id, event_name, event_id, user_email_hash, user_phone_hash, meta_email_hash, meta_phone_hash,
    event_value_micros, currency, transaction_id, campaign_id, brand_id, import_id, gclid, event_time, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const perImport = Math.ceil(rows / imports.length);
  const t0 = performance.now();
  const batch = 50_000;
  for (let start = 0; start < rows; start += batch) {
    db.transaction(() => {
      for (let i = start; i < Math.min(rows, start + batch); i++) {
        const hash = rnd() < 0.8 ? randomBytes(32).toString('hex') : null;
        const phone = rnd() < 0.6 ? randomBytes(32).toString('hex') : null;
        const campaign = rnd() < 0.8 ? campaigns[Math.floor(rnd() * campaigns.length)] : null;
        const imp = imports[Math.floor(i / perImport)];
        const created = new Date(START + 90 * DAY + Math.floor(i / perImport) * DAY + (i % perImport)).toISOString();
        insert.run(
          lib.uuidv7(),
          pickWeighted(rnd()),
          `ORD-${1_000_000 + i}`,
          hash,
          phone,
          hash,
          phone,
          rnd() < 0.1 ? null : Math.floor(rnd() * 500_00) * 10_000,
          CURRENCIES[Math.floor(rnd() * CURRENCIES.length)],
          `T-${1_000_000 + i}`,
          campaign?.id ?? null,
          campaign?.brand ?? null,
          imp.id,
          rnd() < 0.6 ? `Cj0KCQiA${i.toString(36)}x${Math.floor(rnd() * 1e9).toString(36)}` : null,
          new Date(START + Math.floor(rnd() * 90 * DAY)).toISOString(),
          created,
          created,
        );
      }
    })();
    if (start % 200_000 === 0) log(`  inserted ${start.toLocaleString('en-US')} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { campaigns, imports, buildMs: performance.now() - t0 };
}

function p95(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
function time(fn, reps) {
  const samples = [];
  let result;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    result = fn();
    samples.push(performance.now() - t);
  }
  return { samples, result };
}
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const int = (n) => n.toLocaleString('en-US');

/** Runs a bulk job through the real JobService, watching this thread's event loop. */
async function timedJob(lib, ctx, spec, label) {
  let progressEvents = 0;
  let maxProgressGap = 0;
  let lastProgress = performance.now();
  const service = new lib.JobService({
    db: ctx.db,
    dbPath: ctx.dbPath,
    emitProgress: () => {
      const now = performance.now();
      maxProgressGap = Math.max(maxProgressGap, now - lastProgress);
      lastProgress = now;
      progressEvents++;
    },
    emitChanged: () => {},
  });
  const watch = watchEventLoop();
  const t0 = performance.now();
  lastProgress = t0;
  const info = await service.wait(service.start(spec, label).jobId);
  const wallMs = performance.now() - t0;
  const loop = watch.stop(t0);
  if (info.state !== 'done') throw new Error(`${label} ended ${info.state}: ${info.error?.message}`);
  return { info, wallMs, ...loop, progressEvents, maxProgressGap };
}

export async function run({ rows, tmp, root, log }) {
  const lib = await loadLib(root);
  const dbPath = process.env.CONVDESK_BENCH_REVIEW_DB ?? join(tmp, 'review.db');
  let built;
  const reuse = process.env.CONVDESK_BENCH_REVIEW_DB && (() => { try { return statSync(dbPath).size > 0; } catch { return false; } })();
  if (reuse) {
    log(`reusing ${dbPath}`);
    const db = lib.openDatabase(dbPath);
    lib.migrate(db, lib.migrationsDir());
    db.exec("UPDATE conversion_events SET sync_status = 'pending', sync_attempts = 0, synced_at = NULL, sync_error = NULL WHERE sync_status <> 'pending'");
    db.exec('DELETE FROM sync_history');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const campaigns = db.prepare('SELECT id FROM campaigns ORDER BY id').all();
    const imports = db.prepare('SELECT id FROM imports ORDER BY id').all();
    rows = db.prepare('SELECT count(*) AS n FROM conversion_events').get().n;
    db.close();
    built = { campaigns, imports, buildMs: null };
  } else {
    log(`building a ${int(rows)}-event database…`);
    built = buildDatabase(lib, dbPath, rows, log);
  }
  const dbBytes = statSync(dbPath).size;
  const db = lib.openDatabase(dbPath);
  const ctx = { db, dbPath };

  // 2. Bulk queue of every event, through the worker, then its undo.
  log('bulk queue through the jobs worker…');
  const queue = await timedJob(lib, ctx, { op: 'transition', action: 'queue', target: { filter: {} }, reason: null, changeId: `chg_${lib.uuidv7()}` }, 'Queue everything');
  const changed = queue.info.result.outcome.changed;
  log(`  queued ${int(changed)} in ${fmt(queue.wallMs)} ms, loop max ${fmt(queue.loopMaxMs)} ms`);
  log('undo of that change through the worker…');
  const undo = await timedJob(lib, ctx, { op: 'undo', changeId: queue.info.result.outcome.undoToken, undoChangeId: `chg_${lib.uuidv7()}` }, 'Undo');
  log(`  restored ${int(undo.info.result.restored)} in ${fmt(undo.wallMs)} ms`);

  // The floor: the same change as two plain SQL statements on this connection (no chunks, no
  // progress, no worker), rolled back. What SQLite itself needs on this machine for this work.
  log('floor: the same queue as two plain SQL statements…');
  const floorT0 = performance.now();
  db.exec('BEGIN IMMEDIATE');
  const floorNow = new Date().toISOString();
  db.prepare(`INSERT INTO sync_history (event_id, from_status, to_status, action, note, change_id, prev_sync_error, prev_synced_at, prev_attempts, created_at)
    SELECT id, sync_status, 'queued', 'queue', NULL, 'floor', sync_error, synced_at, sync_attempts, ? FROM conversion_events WHERE sync_status = 'pending'`).run(floorNow);
  const floorChanged = db.prepare("UPDATE conversion_events SET sync_status = 'queued', updated_at = ? WHERE sync_status = 'pending'").run(floorNow).changes;
  const floorMs = performance.now() - floorT0;
  db.exec('ROLLBACK');
  log(`  floor ${fmt(floorMs)} ms for ${int(floorChanged)}`);

  const loadAfterJobs = loadavg().map((n) => n.toFixed(1)).join(' / ');
  // 3. A realistic status mix for the queries (setup, not measured).
  log('status mix for the queries…');
  db.exec(`UPDATE conversion_events SET sync_status = CASE
      WHEN rowid % 20 < 11 THEN 'pending' WHEN rowid % 20 < 14 THEN 'queued' WHEN rowid % 20 < 17 THEN 'sent'
      WHEN rowid % 20 < 18 THEN 'failed' ELSE 'skipped' END`);
  db.exec('DELETE FROM sync_history');
  db.pragma('wal_checkpoint(TRUNCATE)');

  const campaignId = built.campaigns[3].id;
  const importId = built.imports[4].id;
  const filters = [
    ['none', {}],
    ['status = pending', { statuses: ['pending'] }],
    ['status = failed', { statuses: ['failed'] }],
    ['status ∈ queued, failed', { statuses: ['queued', 'failed'] }],
    ['event name = lead', { eventNames: ['lead'] }],
    ['campaign', { campaignId }],
    ['import (file)', { importId }],
    ['7-day time range', { timeFrom: '2026-02-01T00:00:00Z', timeTo: '2026-02-08T00:00:00Z' }],
    ['pending + 7 days', { statuses: ['pending'], timeFrom: '2026-02-01T00:00:00Z', timeTo: '2026-02-08T00:00:00Z' }],
    ['value ≥ 400', { valueMin: '400' }],
    ['no click id', { hasClickId: false }],
    ['no identifiers', { hasIdentifiers: false }],
    ['nothing any platform can match', { noIdentifiersFor: 'any' }],
    ['no email/phone for Google', { noIdentifiersFor: 'google' }],
    ['nothing Meta can match', { noIdentifiersFor: 'meta' }],
    ['search order id', { search: 'ORD-1000500' }],
    // Issue 15 item 9: an email or phone is hashed in main and found through the lookup indexes (0018).
    ['search email', { search: 'someone.else@example.com' }],
    ['search phone', { search: '+1 415 555 0150' }],
  ];
  const sorts = [
    ['time ↓', { field: 'event_time', direction: 'desc' }],
    ['time ↑', { field: 'event_time', direction: 'asc' }],
    ['value ↓', { field: 'event_value', direction: 'desc' }],
    ['created ↓', { field: 'created_at', direction: 'desc' }],
    ['name ↑', { field: 'event_name', direction: 'asc' }],
    ['status ↑', { field: 'sync_status', direction: 'asc' }],
  ];
  // The app answers the grid from the facet index (events/facet-cache.ts) once it is loaded; `db` gets
  // one, loaded here on this thread (the app loads it on the reader thread). `sqlDb` has none: the SQL
  // path, which answers while the index reloads after a change.
  const sqlDb = lib.openDatabase(dbPath);
  const rssBefore = process.memoryUsage().rss;
  const facetCache = lib.attachFacetCache(db, () => Promise.reject(new Error('the benchmark loads the facet index synchronously')));
  const facetIndex = facetCache.loadNow();
  const facetLoadMs = facetCache.lastLoadMs;
  const facetBytes = Object.values(facetIndex.columns).concat(Object.values(facetIndex.columns.orders)).filter((v) => ArrayBuffer.isView(v)).reduce((sum, v) => sum + v.byteLength, 0);
  const facetRssMb = (process.memoryUsage().rss - rssBefore) / 1024 ** 2;
  log(`facet index loaded in ${fmt(facetLoadMs)} ms (${(facetBytes / 1024 ** 2).toFixed(0)} MB of arrays)`);
  const REPS = 20;
  const listRows = [];
  const countRows = [];
  let worstFirst = 0;
  let worstDeep = 0;
  let worstCount = 0;
  let worstSqlFirst = 0;
  let worstSqlDeep = 0;
  let worstSqlCount = 0;
  const offsetRatios = [];
  const sameIds = (a, b, what) => {
    const ids = (page) => page.events.map((e) => e.id).join(',');
    if (ids(a) !== ids(b)) throw new Error(`facet index and SQL pages differ: ${what}`);
  };
  for (const [fname, filterInput] of filters) {
    const filter = lib.EventFilterSchema.parse(filterInput);
    const count = time(() => lib.countEvents(db, filter), 5);
    const sqlCount = time(() => lib.countEvents(sqlDb, filter), 5);
    if (JSON.stringify(count.result) !== JSON.stringify(sqlCount.result)) throw new Error(`facet and SQL counts differ for ${fname}`);
    const total = count.result.total;
    const countP95 = p95(count.samples);
    const sqlCountP95 = p95(sqlCount.samples);
    worstCount = Math.max(worstCount, countP95);
    worstSqlCount = Math.max(worstSqlCount, sqlCountP95);
    countRows.push({ fname, total, countP95, sqlCountP95 });
    for (const [sname, sort] of sorts) {
      const first = time(() => lib.listEvents(db, { filter: filterInput, sort, limit: 100, withTotal: false }), REPS);
      const sqlFirst = time(() => lib.listEvents(sqlDb, { filter: filterInput, sort, limit: 100, withTotal: false }), REPS);
      sameIds(first.result, sqlFirst.result, `${fname} / ${sname}, first page`);
      let sqlDeep = null;
      // Deep page: the row at position min(500,000, total − 100), reached once by OFFSET, as a keyset cursor.
      const deepAt = Math.max(0, Math.min(500_000, total - 100));
      let deep = null;
      let offset = null;
      if (deepAt > 0) {
        // One OFFSET run (they are slow): 101 rows from deepAt − 1; its first row gives the cursor.
        const off = time(() => lib.listEvents(db, { filter: filterInput, sort, limit: 101, offset: deepAt - 1, withTotal: false }), 1);
        offset = off.samples[0];
        const before = off.result.events[0];
        const key = sortKeyOf(before, sort.field);
        // The cursor's tie-break: the id, or the rowid for the status sort (events/repo.ts TIE_BREAKS).
        const tie = sort.field === 'sync_status' ? db.prepare('SELECT rowid FROM conversion_events WHERE id = ?').pluck().get(before.id) : before.id;
        const cursor = Buffer.from(JSON.stringify([key, tie])).toString('base64url');
        const d = time(() => lib.listEvents(db, { filter: filterInput, sort, limit: 100, cursor, withTotal: false }), REPS);
        if (d.result.events[0]?.id !== off.result.events[1]?.id) throw new Error(`keyset and offset pages differ for ${fname} / ${sname}`);
        const sd = time(() => lib.listEvents(sqlDb, { filter: filterInput, sort, limit: 100, cursor, withTotal: false }), REPS);
        sameIds(d.result, sd.result, `${fname} / ${sname}, deep page`);
        deep = p95(d.samples);
        sqlDeep = p95(sd.samples);
        worstDeep = Math.max(worstDeep, deep);
        worstSqlDeep = Math.max(worstSqlDeep, sqlDeep);
        offsetRatios.push(offset / deep);
      }
      const firstP95 = p95(first.samples);
      const sqlFirstP95 = p95(sqlFirst.samples);
      worstFirst = Math.max(worstFirst, firstP95);
      worstSqlFirst = Math.max(worstSqlFirst, sqlFirstP95);
      const plan = lib.explainList(db, { filter, sort, limit: 100 }).join('; ');
      listRows.push({ fname, sname, total, firstP95, deep, sqlFirstP95, sqlDeep, deepAt, offset, plan });
    }
    log(`  ${fname}: ${int(total)} rows, count ${fmt(countP95)} ms`);
  }

  // Overview aggregates (reader thread in the app; timed here on this connection).
  const tiles = time(() => lib.overviewTiles(db, {}), 3);
  const timeline = time(() => lib.overviewTimeline(db, lib.TimelineInputSchema.parse({ filter: {} })), 3);
  const timelinePending = time(() => lib.overviewTimeline(db, lib.TimelineInputSchema.parse({ filter: { statuses: ['pending'] }, days: 30 })), 3);
  // The same from the facet index (what the app's overview handlers use while it is current), checked equal.
  const facetTimeline = (input) => {
    const scope = lib.timelineScope(input);
    return lib.assembleTimeline(lib.overviewGroups(facetIndex, scope.filter, input.utcOffsetMinutes), input, scope);
  };
  const tilesF = time(() => lib.assembleTiles(lib.overviewGroups(facetIndex, lib.EventFilterSchema.parse({}), null)), 5);
  const timelineF = time(() => facetTimeline(lib.TimelineInputSchema.parse({ filter: {} })), 5);
  const timelinePendingF = time(() => facetTimeline(lib.TimelineInputSchema.parse({ filter: { statuses: ['pending'] }, days: 30 })), 5);
  for (const [a, b, what] of [[tiles, tilesF, 'tiles'], [timeline, timelineF, 'timeline'], [timelinePending, timelinePendingF, 'pending timeline']]) {
    // Key order aside (value maps fill in a different order): the same numbers.
    const canonical = (value) => JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1))) : v));
    if (canonical(a.result) !== canonical(b.result)) throw new Error(`facet and SQL overview differ: ${what}`);
  }
  db.close();
  sqlDb.close();

  const within = (v, limit) => (v <= limit ? 'yes' : 'no');
  const lines = [];
  lines.push(
    `Database: ${int(rows)} events (${(dbBytes / 1024 ** 2).toFixed(0)} MB file${built.buildMs ? `, built in ${(built.buildMs / 1000).toFixed(0)} s` : ''}), real migrations; 80% email hash, 60% gclid, 20 campaigns, 10 imports, 90 days of event times.`,
    '',
    '### Bulk changes in the jobs worker (one transaction, 10,000-row chunks)',
    '',
    '| job | rows | wall s | main-thread loop max ms | loop p99 ms | max 10 ms-timer gap ms | progress events | max gap between progress events ms | worker phases ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    `| queue everything (filter: none) | ${int(changed)} | ${(queue.wallMs / 1000).toFixed(2)} | ${fmt(queue.loopMaxMs)} | ${fmt(queue.loopP99Ms)} | ${fmt(queue.tickerMaxGapMs)} (at ${(queue.maxGapAtMs / 1000).toFixed(1)} s) | ${queue.progressEvents} | ${fmt(queue.maxProgressGap)} | ${phases(queue.info.timings)} |`,
    `| undo that change | ${int(undo.info.result.restored)} | ${(undo.wallMs / 1000).toFixed(2)} | ${fmt(undo.loopMaxMs)} | ${fmt(undo.loopP99Ms)} | ${fmt(undo.tickerMaxGapMs)} (at ${(undo.maxGapAtMs / 1000).toFixed(1)} s) | ${undo.progressEvents} | ${fmt(undo.maxProgressGap)} | ${phases(undo.info.timings)} |`,
    `| floor: the same queue as 2 plain SQL statements in this thread (INSERT…SELECT history + UPDATE, rolled back) | ${int(floorChanged)} | ${(floorMs / 1000).toFixed(2)} | (blocks the thread) | | | | | |`,
    '',
    `Queue job ÷ floor: ${(queue.wallMs / floorMs).toFixed(2)}×. Machine load average at the end of the jobs: ${loadAfterJobs}.`,
    '',
    `Then statuses were mixed (55% pending, 15% queued, 15% sent, 5% failed, 10% skipped) for the queries.`,
    '',
    `Facet index (the grid's in-memory columns, events/facets.ts): loaded in ${fmt(facetLoadMs)} ms on this thread (the app loads it on the reader thread after each change), ${(facetBytes / 1024 ** 2).toFixed(0)} MB of typed arrays, RSS +${facetRssMb.toFixed(0)} MB.`,
    '',
    `### Grid pages (main thread, limit 100, p95 of ${REPS} runs; deep = keyset cursor at row min(500,000, total − 100); offset = same page by LIMIT/OFFSET, one run)`,
    '',
    'facets = the app with its facet index loaded; SQL = the same service call while the index reloads (no index). Both gave the same rows (checked).',
    '',
    '| filter | sort | matches | first page ms (facets) | deep keyset ms (facets) | first page ms (SQL) | deep keyset ms (SQL) | OFFSET ms | OFFSET ÷ keyset (facets) | SQL plan |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const r of listRows) {
    lines.push(
      `| ${r.fname} | ${r.sname} | ${int(r.total)} | ${fmt(r.firstP95)} | ${r.deep === null ? '–' : fmt(r.deep)} | ${fmt(r.sqlFirstP95)} | ${r.sqlDeep === null ? '–' : fmt(r.sqlDeep)} | ${r.offset === null ? '–' : `${fmt(r.offset)} (@${int(r.deepAt)})`} | ${r.deep === null ? '–' : `${(r.offset / r.deep).toFixed(0)}×`} | ${r.plan.replace(/\|/g, '/')} |`,
    );
  }
  lines.push('', '### Exact filtered counts (events:count: total + by status; p95 of 5)', '', '| filter | matches | ms (facets) | ms (SQL) |', '|---|---:|---:|---:|');
  for (const r of countRows) lines.push(`| ${r.fname} | ${int(r.total)} | ${fmt(r.countP95)} | ${fmt(r.sqlCountP95)} |`);
  lines.push(
    '',
    '### Overview aggregates (facet index: on the main thread while it is current, median of 5; SQL: on the reader thread in the app, median of 3 here)',
    '',
    '| query | ms (facets) | ms (SQL) |',
    '|---|---:|---:|',
    `| tiles, no filter | ${fmt(median(tilesF.samples))} | ${fmt(median(tiles.samples))} |`,
    `| timeline, no filter (all days) | ${fmt(median(timelineF.samples))} | ${fmt(median(timeline.samples))} |`,
    `| timeline, pending, last 30 days | ${fmt(median(timelinePendingF.samples))} | ${fmt(median(timelinePending.samples))} |`,
  );
  const geo = offsetRatios.length ? Math.exp(offsetRatios.reduce((s, r) => s + Math.log(r), 0) / offsetRatios.length) : null;
  lines.push(
    '',
    '| target | measured | met? |',
    '|---|---:|---|',
    `| first page p95 ≤ 20 ms (worst combination) | ${fmt(worstFirst)} ms | ${within(worstFirst, 20)} |`,
    `| deep keyset page p95 ≤ 20 ms (worst combination) | ${fmt(worstDeep)} ms | ${within(worstDeep, 20)} |`,
    `| OFFSET 500,000 vs keyset | ${geo === null ? '–' : `${geo.toFixed(0)}× slower (geometric mean), ${Math.min(...offsetRatios).toFixed(0)}–${Math.max(...offsetRatios).toFixed(0)}×`} | – |`,
    `| exact filtered count ≤ 100 ms (worst filter) | ${fmt(worstCount)} ms | ${within(worstCount, 100)} |`,
    `| (SQL path, while the index reloads: worst first page / deep page / count) | ${fmt(worstSqlFirst)} / ${fmt(worstSqlDeep)} / ${fmt(worstSqlCount)} ms | – |`,
    `| bulk queue of ${int(changed)} ≤ 10 s | ${(queue.wallMs / 1000).toFixed(2)} s | ${within(queue.wallMs, 10_000)} |`,
    `| main thread never blocked > 50 ms during it | ${fmt(queue.loopMaxMs)} ms | ${within(queue.loopMaxMs, 50)} |`,
  );
  const summary = { rows, floorMs, loadAfterJobs, queueMs: queue.wallMs, queueLoopMaxMs: queue.loopMaxMs, undoMs: undo.wallMs, worstFirst, worstDeep, worstCount, worstSqlFirst, worstSqlDeep, worstSqlCount, facetLoadMs, offsetGeoRatio: geo };
  return { markdown: lines.join('\n'), summary };
}

function phases(timings) {
  return timings ? Object.entries(timings).map(([k, v]) => `${k.replace(/Ms$/, '')} ${int(v)}`).join(', ') : '';
}

function sortKeyOf(event, field) {
  switch (field) {
    case 'event_value':
      return event.event_value === null ? -1 : decimalToMicros(event.event_value);
    default:
      return event[field];
  }
}

function decimalToMicros(text) {
  const [units, fraction = ''] = text.split('.');
  return Number(units) * 1_000_000 + Number(fraction.padEnd(6, '0'));
}
