import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachFacetCache } from '../../src/main/events/facet-cache';
import { loadFacetColumns } from '../../src/main/events/facets-repo';
import * as events from '../../src/main/events/service';
import { createEventsHandlers } from '../../src/main/events/handlers';
import { EventFilterSchema } from '../../src/shared/domain/filters';
import { createTestContext } from '../helpers/context';

type Ctx = ReturnType<typeof createTestContext>;

/** Events as an import of 0011 stores them (own name + category), plus one stored before 0011 (NULL name). */
function seed(ctx: Ctx): void {
  const add = (eventId: string, category: 'lead' | 'custom' | 'purchase', conversionName: string | null) => {
    const event = events.createEvent(ctx.db, { event_name: category, event_id: eventId, email: `${eventId}@example.com`, event_time: '2026-11-20T10:00:00Z' });
    ctx.db.prepare('UPDATE conversion_events SET conversion_name = ? WHERE id = ?').run(conversionName, event.id);
  };
  add('q1', 'lead', 'Qualified lead');
  add('q2', 'lead', 'Qualified lead');
  add('b1', 'custom', 'Booked consultation');
  add('ic', 'custom', 'InitiateCheckout');
  add('old', 'purchase', null);
  add('named-purchase', 'purchase', 'purchase');
  add('p1', 'purchase', 'Purchase');
}

const ids = (page: { events: { event_id: string }[] }) => page.events.map((e) => e.event_id).sort();

describe('review: conversion names (issue 11, defect 2)', () => {
  let ctx: Ctx;
  beforeEach(() => {
    ctx = createTestContext();
    seed(ctx);
  });
  afterEach(() => ctx.cleanup());

  const list = (filter: object) => events.listEvents(ctx.db, { filter, limit: 100 });

  function check(path: 'sql' | 'facets') {
    expect(list({ conversionNames: ['Qualified lead'] }).events.map((e) => [e.event_id, e.event_name, e.conversion_name]).sort()).toEqual([
      ['q1', 'lead', 'Qualified lead'],
      ['q2', 'lead', 'Qualified lead'],
    ]);
    expect(ids(list({ conversionNames: ['InitiateCheckout', 'Booked consultation'] }))).toEqual(['b1', 'ic']);
    // An event stored before 0011 is named by its category.
    expect(ids(list({ conversionNames: ['purchase'] }))).toEqual(['named-purchase', 'old']);
    expect(ids(list({ conversionNames: ['Purchase'] }))).toEqual(['p1']);
    expect(ids(list({ conversionNames: ['Nowhere'] }))).toEqual([]);
    expect(ids(list({ conversionNames: ['Qualified lead', 'purchase'], eventNames: ['purchase'] }))).toEqual(['named-purchase', 'old']);
    expect(events.countEvents(ctx.db, EventFilterSchema.parse({ conversionNames: ['Qualified lead', 'InitiateCheckout'] })).total).toBe(3);
    expect(events.listConversionNames(ctx.db)).toEqual({
      names: ['Booked consultation', 'InitiateCheckout', 'Purchase', 'Qualified lead', 'purchase'],
      truncated: false,
    });
    return path;
  }

  it('filters by the own name and lists it beside the category — SQL path', () => {
    check('sql');
    const old = list({ conversionNames: ['purchase'] }).events.find((e) => e.event_id === 'old');
    expect(old?.conversion_name).toBe('purchase');
  });

  it('gives the same answers from the facet index', () => {
    const cache = attachFacetCache(ctx.db, async () => loadFacetColumns(ctx.db));
    const index = cache.loadNow();
    expect(index.supports(EventFilterSchema.parse({ conversionNames: ['Qualified lead'] }))).toBe(true);
    expect(index.conversionNames()).toEqual(['Booked consultation', 'InitiateCheckout', 'Purchase', 'Qualified lead', 'purchase']);
    check('facets');
    expect(cache.current()).toBe(index); // answered by the index, not a reload
  });

  it('events:conversionNames and events:list through the handlers; a bad filter is refused', async () => {
    const handlers = createEventsHandlers(ctx);
    expect(await handlers['events:conversionNames']({})).toMatchObject({ names: expect.arrayContaining(['Qualified lead', 'InitiateCheckout']) });
    const page = await handlers['events:list']({ filter: EventFilterSchema.parse({ conversionNames: ['InitiateCheckout'] }), sort: { field: 'event_time', direction: 'desc' }, limit: 10, withTotal: true });
    expect(page.events.map((e) => e.conversion_name)).toEqual(['InitiateCheckout']);
    expect(EventFilterSchema.safeParse({ conversionNames: [''] }).success).toBe(false);
    // An empty list is a filter that matches nothing (a resolved "no conversion action" filter when every name is mapped).
    expect(EventFilterSchema.safeParse({ conversionNames: [] }).success).toBe(true);
    expect((await handlers['events:count']({ filter: EventFilterSchema.parse({ conversionNames: [] }) })).total).toBe(0);
  });
});
