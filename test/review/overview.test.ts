import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionSyncStatus } from '../../src/shared/domain/events';
import { EventFilterSchema } from '../../src/shared/domain/filters';
import { TimelineInputSchema, type OverviewTimeline } from '../../src/shared/ipc/channels/overview';
import { overviewTiles, overviewTimeline } from '../../src/main/overview/repo';
import { reviewContext, seedEvents } from './helpers';

let env: ReturnType<typeof reviewContext>;
const STATUSES: ConversionSyncStatus[] = ['pending', 'queued', 'sent', 'failed', 'skipped', 'pending'];
beforeAll(() => {
  env = reviewContext();
  seedEvents(env.ctx.db, 5000, { status: (i) => STATUSES[(i * 7) % STATUSES.length]! });
});
afterAll(async () => env.cleanup());

interface Raw {
  event_time: string;
  sync_status: ConversionSyncStatus;
  currency: string;
  event_value_micros: number | null;
  event_name: string;
}
const raw = () => env.ctx.db.prepare('SELECT event_time, sync_status, currency, event_value_micros, event_name FROM conversion_events').all() as Raw[];

/** The truth, computed in JS from raw rows: day → status → {count, currency → micros}. */
function truth(rows: Raw[], offsetMinutes: number) {
  const out = new Map<string, Map<ConversionSyncStatus, { n: number; v: Map<string, number> }>>();
  for (const row of rows) {
    const day = new Date(Date.parse(row.event_time) + offsetMinutes * 60_000).toISOString().slice(0, 10);
    const perDay = out.get(day) ?? new Map();
    out.set(day, perDay);
    const cell = perDay.get(row.sync_status) ?? { n: 0, v: new Map<string, number>() };
    perDay.set(row.sync_status, cell);
    cell.n++;
    if (row.event_value_micros) cell.v.set(row.currency, (cell.v.get(row.currency) ?? 0) + row.event_value_micros);
  }
  return out;
}

function expectMatchesTruth(timeline: OverviewTimeline, rows: Raw[], offset: number) {
  const expected = truth(rows, offset);
  const seenDays = timeline.days.filter((d) => d.total > 0).map((d) => d.day);
  expect(seenDays).toEqual([...expected.keys()].sort());
  for (const day of timeline.days) {
    const perDay = expected.get(day.day);
    for (const status of Object.keys(day.count) as ConversionSyncStatus[]) {
      const cell = perDay?.get(status);
      expect(day.count[status]).toBe(cell?.n ?? 0);
      for (const [currency, micros] of cell?.v ?? []) expect(day.valueMicros[currency]?.[status]).toBe(micros);
    }
    expect(day.total).toBe([...(perDay?.values() ?? [])].reduce((s, c) => s + c.n, 0));
  }
  // consecutive days, no gaps
  for (let i = 1; i < timeline.days.length; i++) {
    expect(Date.parse(timeline.days[i]!.day) - Date.parse(timeline.days[i - 1]!.day)).toBe(86_400_000);
  }
}

describe('overview', () => {
  it('timeline (UTC): per-day counts and values by status and currency equal the raw rows', () => {
    const timeline = overviewTimeline(env.ctx.db, TimelineInputSchema.parse({}));
    expectMatchesTruth(timeline, raw(), 0);
    expect(timeline.currencies.sort()).toEqual(['EUR', 'JPY', 'USD']);
    expect(timeline.days.reduce((s, d) => s + d.total, 0)).toBe(5000);
  });

  it('timeline in a local offset and for a filter', () => {
    const input = TimelineInputSchema.parse({ filter: { statuses: ['pending', 'sent'], eventNames: ['purchase', 'lead'] }, utcOffsetMinutes: -300 });
    const rows = raw().filter((r) => ['pending', 'sent'].includes(r.sync_status) && ['purchase', 'lead'].includes(r.event_name));
    expectMatchesTruth(overviewTimeline(env.ctx.db, input), rows, -300);
    expectMatchesTruth(overviewTimeline(env.ctx.db, TimelineInputSchema.parse({ utcOffsetMinutes: 330 })), raw(), 330);
  });

  it('days: the last N days up to the filter end, zero-filled', () => {
    const timeline = overviewTimeline(env.ctx.db, TimelineInputSchema.parse({ filter: { timeTo: '2026-01-20T00:00:00Z' }, days: 10 }));
    expect([timeline.from, timeline.to, timeline.days.length]).toEqual(['2026-01-10', '2026-01-19', 10]);
    const rows = raw().filter((r) => r.event_time >= '2026-01-10T00:00:00.000Z' && r.event_time < '2026-01-20T00:00:00.000Z');
    expectMatchesTruth(timeline, rows, 0);
    const empty = overviewTimeline(env.ctx.db, TimelineInputSchema.parse({ filter: { timeFrom: '2030-01-01T00:00:00Z' } }));
    expect(empty).toEqual({ from: null, to: null, days: [], currencies: [] });
  });

  it('tiles equal SQL truth, for the whole table and a filter', () => {
    for (const filter of [{}, { hasClickId: true, valueMin: '10' }]) {
      const parsed = EventFilterSchema.parse(filter);
      const tiles = overviewTiles(env.ctx.db, parsed);
      const rows = raw().filter((r) => (parsed.valueMin ? (r.event_value_micros ?? -1) >= 10_000_000 : true));
      const db = env.ctx.db;
      const sqlTotal = (db.prepare(`SELECT count(*) AS n FROM conversion_events WHERE ${parsed.hasClickId ? 'gclid IS NOT NULL AND event_value_micros >= 10000000' : '1'}`).get() as { n: number }).n;
      expect(tiles.total).toBe(sqlTotal);
      const bySql = db
        .prepare(`SELECT currency, sum(event_value_micros) AS v, count(*) AS n FROM conversion_events WHERE ${parsed.hasClickId ? 'gclid IS NOT NULL AND event_value_micros >= 10000000' : '1'} GROUP BY currency`)
        .all() as { currency: string; v: number; n: number }[];
      expect(Object.fromEntries(tiles.valueByCurrency.map((c) => [c.currency, [c.valueMicros, c.count]]))).toEqual(Object.fromEntries(bySql.map((c) => [c.currency, [c.v, c.n]])));
      expect(Object.values(tiles.byStatus).reduce((a, b) => a + b, 0)).toBe(tiles.total);
      if (!parsed.hasClickId) expect(tiles.total).toBe(rows.length);
      const statusValue = Object.values(tiles.valueByStatus).flatMap((perCurrency) => Object.values(perCurrency)).reduce((a, b) => a + b, 0);
      expect(statusValue).toBe(bySql.reduce((s, c) => s + c.v, 0));
    }
  });

  it('the IPC channels answer from the reader thread with the same numbers', async () => {
    const viaIpc = await env.call('overview:timeline', { filter: { statuses: ['queued'] }, days: 30 });
    expect(viaIpc).toEqual(overviewTimeline(env.ctx.db, TimelineInputSchema.parse({ filter: { statuses: ['queued'] }, days: 30 })));
    const tiles = await env.call('overview:tiles', { filter: {} });
    expect(tiles).toEqual(overviewTiles(env.ctx.db, {}));
    // The reader sees committed changes.
    env.ctx.db.prepare("UPDATE conversion_events SET sync_status = 'sent' WHERE rowid = (SELECT min(rowid) FROM conversion_events WHERE sync_status = 'pending')").run();
    expect((await env.call('overview:tiles', { filter: {} })).byStatus).toEqual(overviewTiles(env.ctx.db, {}).byStatus);
    await expect(env.call('overview:timeline', { days: 0 })).rejects.toMatchObject({ code: 'validation' });
  });

  it('events:count and events:statusCounts (reader thread) equal the in-thread counts and SQL', async () => {
    const { countEvents } = await import('../../src/main/events/service');
    for (const filter of [{}, { eventNames: ['lead' as const] }, { hasClickId: false }, { valueMin: '100', valueMax: '300' }, { search: 'E1' }]) {
      const parsed = EventFilterSchema.parse(filter);
      expect(await env.call('events:count', { filter })).toEqual(countEvents(env.ctx.db, parsed));
    }
    const bySql = Object.fromEntries(
      (env.ctx.db.prepare('SELECT sync_status AS s, count(*) AS n FROM conversion_events GROUP BY 1').all() as { s: string; n: number }[]).map((r) => [r.s, r.n]),
    );
    expect(await env.call('events:statusCounts', {})).toEqual(bySql);
    expect((await env.call('events:count', { filter: { search: 'E1' } })).total).toBe(
      (env.ctx.db.prepare("SELECT count(*) AS n FROM conversion_events WHERE event_id LIKE 'E1%' OR transaction_id LIKE 'E1%'").get() as { n: number }).n,
    );
  });
});
