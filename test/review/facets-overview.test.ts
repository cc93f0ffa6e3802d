import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, SYNC_STATUSES } from '../../src/shared/domain/events';
import { EventFilterSchema, type EventFilter } from '../../src/shared/domain/filters';
import { TimelineInputSchema } from '../../src/shared/ipc/channels/overview';
import type { Sqlite } from '../../src/main/db/connection';
import { FacetIndex } from '../../src/main/events/facets';
import { overviewGroups } from '../../src/main/events/facets-overview';
import { loadFacetColumns } from '../../src/main/events/facets-repo';
import { assembleTiles, assembleTimeline, overviewTiles, overviewTimeline, timelineScope } from '../../src/main/overview/repo';
import { createTestContext } from '../helpers/context';
import { seedEvents } from './helpers';

const BASE = Date.UTC(2026, 2, 28, 0, 0, 0);
const HOUR = 3_600_000;
const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD'];

const eventArb = fc.record({
  // Within ± 3 days of midnight, to the minute: many events near a day boundary in some offset.
  at: fc.integer({ min: -72 * 60, max: 72 * 60 }).map((minutes) => BASE + minutes * 60_000),
  status: fc.constantFrom(...SYNC_STATUSES),
  name: fc.constantFrom(...EVENT_NAMES),
  currency: fc.constantFrom(...CURRENCIES),
  value: fc.option(fc.integer({ min: 0, max: 5_000_000_000 }), { nil: null, freq: 4 }),
});
const maybe = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
const filterArb: fc.Arbitrary<EventFilter> = fc
  .record({
    statuses: maybe(fc.subarray([...SYNC_STATUSES], { minLength: 1 })),
    eventNames: maybe(fc.subarray([...EVENT_NAMES], { minLength: 1 })),
    timeFrom: maybe(fc.integer({ min: -80, max: 80 }).map((h) => new Date(BASE + h * HOUR).toISOString())),
    timeTo: maybe(fc.integer({ min: -80, max: 80 }).map((h) => new Date(BASE + h * HOUR).toISOString())),
    valueMin: maybe(fc.constantFrom('0', '1', '2500')),
  })
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as EventFilter);

function reseed(db: Sqlite, events: { at: number; status: string; name: string; currency: string; value: number | null }[]): void {
  db.exec('DELETE FROM conversion_events');
  seedEvents(db, events.length);
  const ids = db.prepare('SELECT id FROM conversion_events ORDER BY rowid').pluck().all() as string[];
  const update = db.prepare('UPDATE conversion_events SET event_time = ?, sync_status = ?, event_name = ?, currency = ?, event_value_micros = ? WHERE id = ?');
  db.transaction(() => events.forEach((e, i) => update.run(new Date(e.at).toISOString(), e.status, e.name, e.currency, e.value, ids[i])))();
}

describe('overview from the facet index', () => {
  let ctx: ReturnType<typeof createTestContext>;
  beforeAll(() => {
    ctx = createTestContext();
  });
  afterAll(() => ctx.cleanup());

  it('gives the same tiles and timeline as SQL for any filter, UTC offset and window', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 250 }),
        filterArb,
        fc.constantFrom(0, -840, -300, -210, 60, 330, 345, 840),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        (events, filter, utcOffsetMinutes, days) => {
          reseed(ctx.db, events);
          const index = new FacetIndex(loadFacetColumns(ctx.db));
          const parsed = EventFilterSchema.parse(filter);
          expect(assembleTiles(overviewGroups(index, parsed, null)!)).toEqual(overviewTiles(ctx.db, parsed));
          const input = TimelineInputSchema.parse({ filter, utcOffsetMinutes, days });
          const scope = timelineScope(input);
          expect(assembleTimeline(overviewGroups(index, scope.filter, utcOffsetMinutes)!, input, scope)).toEqual(overviewTimeline(ctx.db, input));
          compared++;
        },
      ),
      { numRuns: 120 },
    );
    expect(compared).toBe(120);
  });

  it('gives up (null) when value sums could lose precision in a double, and SQL answers', () => {
    reseed(ctx.db, [
      { at: BASE, status: 'pending', name: 'purchase', currency: 'USD', value: 2 ** 52 },
      { at: BASE, status: 'pending', name: 'purchase', currency: 'USD', value: 2 ** 52 + 2 },
    ]);
    const index = new FacetIndex(loadFacetColumns(ctx.db));
    expect(overviewGroups(index, EventFilterSchema.parse({}), null)).toBeNull();
    expect(overviewTiles(ctx.db, EventFilterSchema.parse({})).valueByCurrency[0]!.valueMicros).toBe(2 ** 53 + 2);
  });
});
