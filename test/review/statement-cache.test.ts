import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventFilterSchema, type EventFilter } from '../../src/shared/domain/filters';
import { countByStatus, listEventRows, listStatement, type ListQuery } from '../../src/main/events/repo';
import { filterToWhere } from '../../src/main/events/filter-sql';
import { createTestContext } from '../helpers/context';
import { seedEvents } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
const STATUSES = ['pending', 'queued', 'sent', 'failed', 'skipped'] as const;
beforeAll(() => {
  ctx = createTestContext();
  seedEvents(ctx.db, 3000, { status: (i) => STATUSES[i % STATUSES.length]! });
});
afterAll(() => ctx.cleanup());

const parse = (filter: EventFilter) => EventFilterSchema.parse(filter);

/** Pairs of filters with the same shape and different values. */
const SAME_SHAPE: [EventFilter, EventFilter][] = [
  [{ statuses: ['pending'] }, { statuses: ['failed'] }],
  [{ statuses: ['pending', 'queued'], eventNames: ['lead'] }, { statuses: ['sent', 'failed'], eventNames: ['purchase'] }],
  [{ timeFrom: '2026-01-02T00:00:00Z', timeTo: '2026-01-09T00:00:00Z' }, { timeFrom: '2026-01-05T00:00:00Z', timeTo: '2026-01-30T00:00:00Z' }],
  [{ valueMin: '10', valueMax: '200' }, { valueMin: '300', valueMax: '400.5' }],
  [{ campaignId: '01900000-0000-7000-8000-000000000001' }, { campaignId: '01900000-0000-7000-8000-000000000002' }],
  [{ search: 'E12' }, { search: 'E7' }],
];

describe('the review filter compiles to one SQL text per shape, its statements prepared once (issue 16)', () => {
  it('gives the same text and only the values differ for filters of the same shape', () => {
    for (const [a, b] of SAME_SHAPE) {
      const [wa, wb] = [filterToWhere(parse(a)), filterToWhere(parse(b))];
      expect(wa.sql).toBe(wb.sql);
      expect(wa.params).not.toEqual(wb.params);
    }
    expect(filterToWhere(parse({ statuses: ['pending'] })).sql).not.toBe(filterToWhere(parse({ statuses: ['pending', 'sent'] })).sql);
  });

  it('runs the next pages, other values and the counts of a shape without preparing a statement again', () => {
    const query = (filter: EventFilter, after?: ListQuery['after']): ListQuery => ({
      filter: parse(filter),
      sort: { field: 'event_time', direction: 'desc' },
      limit: 50,
      after,
    });
    // Warm: the first page, one keyset page and the counts of each shape.
    const first = listEventRows(ctx.db, query({ statuses: ['pending'] })).rows;
    const last = first[first.length - 1]!;
    listEventRows(ctx.db, query({ statuses: ['pending'] }, { key: last.sort_key, id: last.sort_tie }));
    countByStatus(ctx.db, parse({ statuses: ['pending'] }));

    const prepare = vi.spyOn(ctx.db, 'prepare');
    try {
      let after: ListQuery['after'] = { key: last.sort_key, id: last.sort_tie };
      const texts = new Set<string>();
      for (let page = 0; page < 5; page++) {
        const q = query({ statuses: ['pending'] }, after);
        texts.add(listStatement(ctx.db, { ...q, afterPart: 'beyondKey' }).query.compile().sql);
        const rows = listEventRows(ctx.db, q).rows;
        expect(rows.length).toBe(50);
        const tail = rows[rows.length - 1]!;
        after = { key: tail.sort_key, id: tail.sort_tie };
      }
      const other = listEventRows(ctx.db, query({ statuses: ['failed'] })).rows;
      expect(other.every((row) => row.sync_status === 'failed')).toBe(true);
      expect(countByStatus(ctx.db, parse({ statuses: ['queued'] })).queued).toBe(600);
      expect(texts.size).toBe(1);
      expect(prepare).not.toHaveBeenCalled();
    } finally {
      prepare.mockRestore();
    }
  });
});
