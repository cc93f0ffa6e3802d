/**
 * The original API's PATCH (events:updateSync) goes through deliveries: on an event written per
 * destination it applies to every destination the event is routed to, and it is refused (typed
 * conflict, nothing changed) when a delivery it is not routed to keeps the event from the asked status.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveriesOf, markFailed, markSent } from '../../src/main/delivery/repo';
import * as events from '../../src/main/events/service';
import { uuidv7 } from '../../src/main/lib/ids';
import { updateSettings } from '../../src/main/settings/service';
import { createTestContext } from '../helpers/context';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
  // Purchases go to both platforms.
  updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'Offline purchase' } } });
});
afterEach(() => ctx.cleanup());

function insert(conversionName: string | null = null): string {
  const id = uuidv7();
  ctx.db
    .prepare("INSERT INTO conversion_events (id, event_name, conversion_name, event_id, event_time, sync_status) VALUES (?, 'purchase', ?, ?, '2026-11-24T10:00:00.000Z', 'queued')")
    .run(id, conversionName, `evt-${id}`);
  return id;
}
const rowsOf = (id: string) => Object.fromEntries(deliveriesOf(ctx.db, [id]).map((r) => [r.destination, { status: r.status, error: r.last_error, attempts: r.attempts }]));
const historyOf = (id: string) =>
  ctx.db.prepare("SELECT destination, from_status, to_status FROM sync_history WHERE event_id = ? AND action = 'patch' ORDER BY destination").all(id);

describe('PATCH events:updateSync through deliveries', () => {
  it('an event never written per destination: the patch sets its status, and its deliveries follow it (no rows created)', () => {
    const id = insert();
    expect(events.updateSyncFields(ctx.db, id, { sync_status: 'failed', sync_error: 'rejected by hand' })).toMatchObject({ sync_status: 'failed', sync_error: 'rejected by hand' });
    expect(deliveriesOf(ctx.db, [id])).toEqual([]);
  });

  it('an event with deliveries: the patch applies to every destination it is routed to, with a history row each', () => {
    const id = insert();
    markSent(ctx.db, 'meta', [{ eventId: id }]);
    expect(rowsOf(id)).toMatchObject({ meta: { status: 'sent' }, google_ads: { status: 'queued' } });

    const event = events.updateSyncFields(ctx.db, id, { sync_status: 'failed', sync_error: 'the customer asked to stop', sync_attempts: 4 });
    expect(event).toMatchObject({ sync_status: 'failed', sync_error: 'the customer asked to stop', sync_attempts: 4 });
    expect(rowsOf(id)).toEqual({
      meta: { status: 'failed', error: 'the customer asked to stop', attempts: 4 },
      google_ads: { status: 'failed', error: 'the customer asked to stop', attempts: 4 },
    });
    expect(historyOf(id)).toEqual([
      { destination: null, from_status: 'queued', to_status: 'failed' },
      { destination: 'google_ads', from_status: 'queued', to_status: 'failed' },
      { destination: 'meta', from_status: 'sent', to_status: 'failed' },
    ]);
    // Back to queued: both destinations' queues have it again.
    events.updateSyncFields(ctx.db, id, { sync_status: 'queued', sync_error: null });
    expect(rowsOf(id)).toMatchObject({ meta: { status: 'queued', error: null }, google_ads: { status: 'queued', error: null } });
    expect(events.getEvent(ctx.db, id).sync_status).toBe('queued');
  });

  it('a delivery the event is no longer routed to that keeps it from the asked status: refused with a typed conflict, nothing changed', () => {
    const id = insert('Store visit');
    markFailed(ctx.db, 'meta', [{ eventId: id, code: '100/2804050', message: 'not enough customer information' }]);
    // Since then, "Store visit" is set not to go to Meta: only Google is routed.
    updateSettings(ctx.db, { conversionNames: { 'Store visit': { metaEventName: null } } });
    const before = { event: events.getEvent(ctx.db, id), rows: rowsOf(id) };

    let error: unknown;
    try {
      events.updateSyncFields(ctx.db, id, { sync_status: 'sent' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'conflict', details: { reason: 'delivery_disagrees', destination: 'meta', status: 'failed' } });
    expect((error as Error).message).toMatch(/delivery to Meta is failed/);
    expect(events.getEvent(ctx.db, id)).toEqual(before.event);
    expect(rowsOf(id)).toEqual(before.rows);
    expect(historyOf(id)).toEqual([]);

    // A status the other delivery allows goes through, on the routed destination only.
    expect(events.updateSyncFields(ctx.db, id, { sync_status: 'failed', sync_error: 'wrong account' })).toMatchObject({ sync_status: 'failed' });
    expect(rowsOf(id)).toMatchObject({ google_ads: { status: 'failed', error: 'wrong account' }, meta: { status: 'failed', error: 'not enough customer information' } });
    expect(historyOf(id).map((h) => (h as { destination: string | null }).destination)).toEqual(['google_ads']); // the overall status stays failed: no row for it
  });
});
