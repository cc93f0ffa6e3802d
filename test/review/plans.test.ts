import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFilterSchema, SORT_FIELDS, type EventFilter } from '../../src/shared/domain/filters';
import { explainList, SMALL_RESULT, SORT_INDEXES } from '../../src/main/events/repo';
import { filterToWhere } from '../../src/main/events/filter-sql';
import * as events from '../../src/main/events/service';
import { createTestContext } from '../helpers/context';
import { seedEvents } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
const STATUSES = ['pending', 'pending', 'pending', 'queued', 'sent', 'failed', 'skipped'] as const;
beforeAll(() => {
  ctx = createTestContext();
  seedEvents(ctx.db, 7000, { status: (i) => STATUSES[i % STATUSES.length]! });
});
afterAll(() => ctx.cleanup());

/** The filters the grid sends (one control at a time and the common combinations). */
const GRID_FILTERS: [string, EventFilter][] = [
  ['none', {}],
  ['one status', { statuses: ['pending'] }],
  ['rare status', { statuses: ['failed'] }],
  ['two statuses', { statuses: ['queued', 'failed'] }],
  ['event name', { eventNames: ['lead'] }],
  ['campaign', { campaignId: '01900000-0000-7000-8000-000000000001' }],
  ['no campaign', { campaignId: null }],
  ['brand', { brandId: '01900000-0000-7000-8000-000000000002' }],
  ['import', { importId: 'imp_1' }],
  ['batch', { batchId: 'bat_1' }],
  ['time range', { timeFrom: '2026-01-05T00:00:00Z', timeTo: '2026-01-12T00:00:00Z' }],
  ['status + time range', { statuses: ['pending'], timeFrom: '2026-01-05T00:00:00Z', timeTo: '2026-01-12T00:00:00Z' }],
  ['value min', { valueMin: '100' }],
  ['value range', { valueMin: '100', valueMax: '200' }],
  ['value max', { valueMax: '50' }],
  ['has click id', { hasClickId: true }],
  ['no click id', { hasClickId: false }],
  ['no identifiers (flagged)', { hasIdentifiers: false }],
  ['search', { search: 'E12' }],
];

const usesIndex = (plan: string[]) => plan.every((line) => !/^SCAN conversion_events$/.test(line) && (/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|MULTI-INDEX OR|INDEX \d+/.test(line) || !line.includes('conversion_events')));

describe('query plans of the grid (EXPLAIN QUERY PLAN)', () => {
  for (const [name, filter] of GRID_FILTERS) {
    it(`${name}: every sort uses an index, and sorts only a small result`, () => {
      const parsed = EventFilterSchema.parse(filter);
      const matches = events.countEvents(ctx.db, parsed).total;
      for (const field of SORT_FIELDS) {
        for (const direction of ['asc', 'desc'] as const) {
          const plan = explainList(ctx.db, { filter: parsed, sort: { field, direction }, limit: 100 });
          expect(usesIndex(plan), `${field} ${direction}: ${plan.join(' / ')}`).toBe(true);
          const sorts = plan.some((line) => line.includes('TEMP B-TREE'));
          if (matches >= SMALL_RESULT) {
            expect(sorts, `${name} (${matches} rows) sorted by ${field} ${direction}: ${plan.join(' / ')}`).toBe(false);
          }
          // A deep keyset page: the cursor is a range on the same index.
          const deep = explainList(ctx.db, { filter: parsed, sort: { field, direction }, limit: 100, after: { key: field === 'event_value' ? 5 : 'm', id: '0190' } });
          expect(usesIndex(deep), deep.join(' / ')).toBe(true);
          if (matches >= SMALL_RESULT) expect(deep.some((line) => line.includes('TEMP B-TREE'))).toBe(false);
        }
      }
    });
  }

  it('big results walk the index of the sort', () => {
    for (const field of SORT_FIELDS) {
      const plan = explainList(ctx.db, { filter: { hasClickId: false }, sort: { field, direction: 'desc' }, limit: 100 }).join(' / ');
      expect(plan).toContain(SORT_INDEXES[field]);
    }
  });

  it('a deep keyset page seeks into the sort index (a range, not a scan from the start)', () => {
    for (const field of SORT_FIELDS) {
      for (const direction of ['asc', 'desc'] as const) {
        const after = { key: field === 'event_value' ? 5_000_000 : 'm', id: '0190' };
        const plan = explainList(ctx.db, { filter: {}, sort: { field, direction }, limit: 100, after }).join(' / ');
        expect(plan, `${field} ${direction}`).toMatch(new RegExp(`SEARCH conversion_events USING (COVERING )?INDEX ${SORT_INDEXES[field]} \\(`));
      }
    }
  });

  it('status + newest first: a rare status sorts its few rows, a common one walks the time index (0010 dropped status/time)', () => {
    const rare = explainList(ctx.db, { filter: { statuses: ['failed'] }, sort: { field: 'event_time', direction: 'desc' }, limit: 100 }).join(' ');
    expect(rare).toContain('idx_conversion_events_sync_status');
    const common = explainList(ctx.db, { filter: { statuses: ['pending'] }, sort: { field: 'event_time', direction: 'desc' }, limit: 100 }).join(' ');
    expect(common).toContain('idx_conversion_events_time_id');
    expect(common).not.toContain('TEMP B-TREE');
  });

  it.each(GRID_FILTERS)('counts for "%s" use an index, not a table scan', (_name, filter) => {
    const where = filterToWhere(EventFilterSchema.parse(filter));
    const plan = (ctx.db.prepare(`EXPLAIN QUERY PLAN SELECT sync_status, count(*) FROM conversion_events WHERE ${where.sql} GROUP BY sync_status`).all(...where.params) as { detail: string }[]).map((r) => r.detail);
    expect(usesIndex(plan), plan.join(' / ')).toBe(true);
  });

  it('pages agree with the filter whichever plan runs (index walk vs sort)', () => {
    for (const [, filter] of GRID_FILTERS.slice(0, 8)) {
      for (const field of SORT_FIELDS) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = events.listEvents(ctx.db, { filter, sort: { field, direction: 'desc' }, limit: 1000, cursor, withTotal: false });
          seen.push(...page.events.map((e) => e.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(new Set(seen).size).toBe(events.countEvents(ctx.db, EventFilterSchema.parse(filter)).total);
      }
    }
  });
});
