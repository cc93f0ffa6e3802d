import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../src/shared/domain/events';
import { SYNC_ACTIONS, TRANSITIONS } from '../../src/shared/domain/sync';
import * as events from '../../src/main/events/service';
import { createTestContext } from '../helpers/context';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

function eventIn(status: ConversionSyncStatus, n = 0) {
  const event = events.createEvent(ctx.db, { event_name: 'lead', event_id: `${status}-${n}`, gclid: 'Cj0abc' });
  ctx.db.prepare('UPDATE conversion_events SET sync_status = ? WHERE id = ?').run(status, event.id);
  return event.id;
}

describe('state machine, every action × every status', () => {
  for (const action of SYNC_ACTIONS) {
    for (const from of SYNC_STATUSES) {
      const legal = TRANSITIONS[action].from.includes(from);
      it(`${action} from ${from} is ${legal ? 'applied' : 'refused'}`, () => {
        const id = eventIn(from);
        const reason = action === 'mark_failed' ? 'EXPIRED_EVENT' : undefined;
        if (legal) {
          const outcome = events.transitionEvents(ctx.db, action, { ids: [id] }, reason);
          expect(outcome.changed).toBe(1);
          const detail = events.getEventDetail(ctx.db, id);
          expect(detail.event.sync_status).toBe(TRANSITIONS[action].to);
          expect(detail.history.at(-1)).toMatchObject({ from_status: from, to_status: TRANSITIONS[action].to, action });
          expect(detail.event.sync_attempts).toBe(action === 'mark_sent' || action === 'mark_failed' ? 1 : 0);
        } else {
          expect(() => events.transitionEvents(ctx.db, action, { ids: [id] }, reason)).toThrowError(
            expect.objectContaining({ code: 'illegal_transition' }),
          );
          const detail = events.getEventDetail(ctx.db, id);
          expect(detail.event.sync_status).toBe(from);
          expect(detail.history).toEqual([]);
        }
      });
    }
  }

  it('needs a reason to mark failed', () => {
    const id = eventIn('queued');
    expect(() => events.transitionEvents(ctx.db, 'mark_failed', { ids: [id] })).toThrowError(expect.objectContaining({ code: 'validation' }));
  });

  it('acts on everything matching a filter and reports the rest as refused', () => {
    for (let i = 0; i < 5; i++) eventIn('pending', i);
    for (let i = 0; i < 2; i++) eventIn('sent', i);
    const outcome = events.transitionEvents(ctx.db, 'skip', { filter: { eventNames: ['lead'] } });
    expect(outcome.changed).toBe(5);
    expect(outcome.refused).toEqual([{ status: 'sent', count: 2, reason: expect.stringContaining('cannot skip an event that is sent') }]);
    expect(events.countEvents(ctx.db, {}).byStatus).toMatchObject({ skipped: 5, sent: 2 });
  });
});

describe('list', () => {
  beforeEach(() => {
    // 30 events, with event_time ties in groups of 3
    for (let i = 0; i < 30; i++) {
      events.createEvent(ctx.db, {
        event_name: i % 2 ? 'purchase' : 'lead',
        event_id: `E${String(i).padStart(2, '0')}`,
        transaction_id: `T-${i}`,
        event_value: String(i * 1.5),
        event_time: `2026-02-${String(Math.floor(i / 3) + 1).padStart(2, '0')}T12:00:00Z`,
        gclid: i % 3 === 0 ? `gclid${i}` : undefined,
      });
    }
  });

  it.each(['event_time', 'event_value', 'created_at', 'event_name', 'sync_status'] as const)(
    'walks every row exactly once by keyset, sorted by %s both ways',
    (field) => {
      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = events.listEvents(ctx.db, { sort: { field, direction }, limit: 7, cursor, withTotal: false });
          seen.push(...page.events.map((e) => e.event_id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toHaveLength(30);
        expect(new Set(seen).size).toBe(30);
        const all = events.listEvents(ctx.db, { sort: { field, direction }, limit: 100 }).events.map((e) => e.event_id);
        expect(seen).toEqual(all);
      }
    },
  );

  it('filters by name, time range, value range, click id, search; offset paging; exact totals', () => {
    expect(events.listEvents(ctx.db, { filter: { eventNames: ['lead'] } }).total).toBe(15);
    expect(events.listEvents(ctx.db, { filter: { timeFrom: '2026-02-02T00:00:00Z', timeTo: '2026-02-04T00:00:00Z' } }).total).toBe(6);
    expect(events.listEvents(ctx.db, { filter: { valueMin: '3', valueMax: '6' } }).total).toBe(3);
    expect(events.listEvents(ctx.db, { filter: { hasClickId: true } }).total).toBe(10);
    expect(events.listEvents(ctx.db, { filter: { hasIdentifiers: false } }).total).toBe(20);
    expect(events.listEvents(ctx.db, { filter: { search: 'T-2' } }).events.map((e) => e.transaction_id).sort()).toEqual(
      ['T-2', 'T-20', 'T-21', 'T-22', 'T-23', 'T-24', 'T-25', 'T-26', 'T-27', 'T-28', 'T-29'].sort(),
    );
    const page = events.listEvents(ctx.db, { sort: { field: 'event_value', direction: 'asc' }, limit: 5, offset: 10 });
    expect(page.events.map((e) => e.event_value)).toEqual(['15', '16.5', '18', '19.5', '21']);
    expect(page.total).toBe(30);
  });

  it('refuses a forged cursor and an unknown patch field', () => {
    expect(() => events.listEvents(ctx.db, { cursor: 'garbage' })).toThrowError(expect.objectContaining({ code: 'validation' }));
    const id = events.listEvents(ctx.db, { limit: 1 }).events[0]!.id;
    expect(() => events.updateSyncFields(ctx.db, id, { event_value: '1' } as never)).toThrowError(expect.objectContaining({ code: 'validation' }));
    expect(events.updateSyncFields(ctx.db, id, { sync_status: 'queued', sync_attempts: 2 })).toMatchObject({ sync_status: 'queued', sync_attempts: 2 });
  });

  it('deletes but keeps sent events', () => {
    const ids = events.listEvents(ctx.db, { limit: 3 }).events.map((e) => e.id);
    ctx.db.prepare("UPDATE conversion_events SET sync_status = 'sent' WHERE id = ?").run(ids[0]);
    expect(events.deleteEvents(ctx.db, { ids })).toMatchObject({ deleted: 2, refused: 1 });
    expect(events.countEvents(ctx.db, {}).total).toBe(28);
  });
});
