import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveOverallStatus, DESTINATIONS, STATUS_PRIORITY, type Destination } from '../../src/shared/domain/delivery';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../src/shared/domain/events';
import { SYNC_ACTIONS, type SyncAction } from '../../src/shared/domain/sync';
import { applyDeliveryAction, deliveriesOf } from '../../src/main/delivery/repo';
import * as events from '../../src/main/events/service';
import { updateSettings } from '../../src/main/settings/service';
import { AppError } from '../../src/shared/ipc/result';
import { createTestContext } from '../helpers/context';
import { seedEvents } from '../review/helpers';

describe('the derived overall status (one rule)', () => {
  it('failed > queued > pending > sent > skipped', () => {
    expect(deriveOverallStatus([])).toBeNull();
    expect(deriveOverallStatus(['sent', 'failed'])).toBe('failed');
    expect(deriveOverallStatus(['sent', 'queued'])).toBe('queued');
    expect(deriveOverallStatus(['sent', 'pending'])).toBe('pending');
    expect(deriveOverallStatus(['sent', 'skipped'])).toBe('sent');
    expect(deriveOverallStatus(['skipped', 'skipped'])).toBe('skipped');
    expect(deriveOverallStatus(['queued', 'failed'])).toBe('failed');
  });

  it('is one of the deliveries’ statuses and ranks at least as high as each (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SYNC_STATUSES), { minLength: 1, maxLength: 4 }), (statuses) => {
        const overall = deriveOverallStatus(statuses)!;
        expect(statuses).toContain(overall);
        for (const s of statuses) expect(STATUS_PRIORITY.indexOf(overall)).toBeLessThanOrEqual(STATUS_PRIORITY.indexOf(s));
        // order does not matter
        expect(deriveOverallStatus([...statuses].reverse())).toBe(overall);
      }),
    );
  });
});

describe('every write keeps sync_status = the rule over the deliveries; undo puts everything back (property, real SQLite)', () => {
  let ctx: ReturnType<typeof createTestContext>;
  beforeAll(() => {
    ctx = createTestContext();
    // purchase → both platforms; lead → Meta only (Google rows are created 'skipped').
    updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'Sale' }, lead: { googleConversionName: null, metaEventName: 'Lead' } } });
  });
  afterAll(() => ctx.cleanup());

  type Op =
    | { kind: 'destination'; destination: Destination; action: SyncAction; events: number[] }
    | { kind: 'event'; action: SyncAction; events: number[]; undo: boolean };
  const eventsArb = fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('destination' as const), destination: fc.constantFrom(...DESTINATIONS), action: fc.constantFrom(...SYNC_ACTIONS), events: eventsArb }),
    fc.record({ kind: fc.constant('event' as const), action: fc.constantFrom(...SYNC_ACTIONS), events: eventsArb, undo: fc.boolean() }),
  );

  const state = (ids: string[]) =>
    JSON.stringify(
      ids.map((id) => ({
        status: events.getEvent(ctx.db, id).sync_status,
        deliveries: deliveriesOf(ctx.db, [id]).map((d) => [d.destination, d.status, d.attempts, d.last_error, d.synced_at]),
      })),
    );

  it('event-level actions move the deliveries they apply to; the overall status is re-derived (examples)', () => {
    const [purchase] = seedEvents(ctx.db, 1, { prefix: 'X-', status: () => 'queued' });
    applyDeliveryAction(ctx.db, 'google_ads', 'mark_sent', [{ eventId: purchase! }]);
    expect(events.getEvent(ctx.db, purchase!).sync_status).toBe('queued'); // Meta still queued
    // Skipping the event skips what is left to do (Meta); Google has it, so the event is sent, not skipped.
    const skipped = events.transitionEvents(ctx.db, 'skip', { ids: [purchase!] });
    expect(events.getEvent(ctx.db, purchase!).sync_status).toBe('sent');
    expect(Object.fromEntries(deliveriesOf(ctx.db, [purchase!]).map((d) => [d.destination, d.status]))).toEqual({ google_ads: 'sent', meta: 'skipped' });
    expect(events.getEventDetail(ctx.db, purchase!).history.at(-1)).toMatchObject({ from_status: 'queued', to_status: 'sent', action: 'skip' });
    // Undo puts Meta back in the queue and the event with it.
    events.undoTransition(ctx.db, skipped.undoToken!);
    expect(events.getEvent(ctx.db, purchase!).sync_status).toBe('queued');
    expect(Object.fromEntries(deliveriesOf(ctx.db, [purchase!]).map((d) => [d.destination, d.status]))).toEqual({ google_ads: 'sent', meta: 'queued' });

    // Retry from the grid re-queues only the failed delivery.
    applyDeliveryAction(ctx.db, 'meta', 'mark_failed', [{ eventId: purchase!, code: '190', message: 'token expired' }]);
    expect(events.getEvent(ctx.db, purchase!)).toMatchObject({ sync_status: 'failed', sync_error: 'Meta: token expired' });
    events.transitionEvents(ctx.db, 'retry', { ids: [purchase!] });
    expect(events.getEvent(ctx.db, purchase!).sync_status).toBe('queued');
    expect(Object.fromEntries(deliveriesOf(ctx.db, [purchase!]).map((d) => [d.destination, d.status]))).toEqual({ google_ads: 'sent', meta: 'queued' });
  });

  it('holds over random sequences of destination and event-level actions', () => {
    let round = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (ops) => {
        const ids = seedEvents(ctx.db, 6, { prefix: `R${round++}-`, status: (i) => (['pending', 'queued', 'queued', 'failed', 'skipped', 'queued'] as ConversionSyncStatus[])[i]! });
        // seedEvents names cycle purchase, lead, signup…: signup has neither mapping → routed to both.
        for (const op of ops) {
          const targets = op.events.map((i) => ids[i]!);
          if (op.kind === 'destination') {
            applyDeliveryAction(ctx.db, op.destination, op.action, targets.map((eventId) => ({ eventId })), { note: 'because' });
          } else {
            const before = state(ids);
            try {
              const outcome = events.transitionEvents(ctx.db, op.action, { ids: targets }, 'because');
              if (op.undo && outcome.undoToken) {
                events.undoTransition(ctx.db, outcome.undoToken);
                expect(state(ids)).toBe(before);
              }
            } catch (error) {
              if (!(error instanceof AppError) || error.code !== 'illegal_transition') throw error;
              expect(state(ids)).toBe(before); // refused → nothing changed
            }
          }
          for (const id of ids) {
            const rows = deliveriesOf(ctx.db, [id]);
            if (rows.length) expect(events.getEvent(ctx.db, id).sync_status).toBe(deriveOverallStatus(rows.map((r) => r.status)));
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
