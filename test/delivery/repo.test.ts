import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markFailed, markQueued, markSent, selectQueued, deliveriesOf, applyDeliveryAction } from '../../src/main/delivery/repo';
import { updateSettings } from '../../src/main/settings/service';
import { seedEvents, type TestContext } from '../review/helpers';
import { createTestContext } from '../helpers/context';

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

const statusOf = (id: string) => ctx.db.prepare('SELECT sync_status, sync_attempts, sync_error, synced_at FROM conversion_events WHERE id = ?').get(id) as {
  sync_status: string;
  sync_attempts: number;
  sync_error: string | null;
  synced_at: string | null;
};
const delivery = (id: string, destination: string) => deliveriesOf(ctx.db, [id]).find((d) => d.destination === destination);

describe('delivery repository (the sending engine API)', () => {
  it('marks one destination sent without touching the other; the overall status follows the rule', () => {
    // purchase: Meta event "Purchase" by default; map a Google action too, so it is routed to both.
    updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'Store sale' } } });
    const ids = seedEvents(ctx.db, 6, { status: () => 'queued' }); // index 0 is purchase
    const id = ids[0]!;
    const result = markSent(ctx.db, 'meta', [{ eventId: id, platformIds: { fbtrace_id: 'AbC' } }], { runId: 'run-1', now: '2026-05-01T00:00:00.000Z' });
    expect(result.changed).toBe(1);
    expect(delivery(id, 'meta')).toMatchObject({ status: 'sent', attempts: 1, run_id: 'run-1', synced_at: '2026-05-01T00:00:00.000Z', platform_ids: '{"fbtrace_id":"AbC"}' });
    expect(delivery(id, 'google_ads')).toMatchObject({ status: 'queued', attempts: 0 });
    // Google still queued → the event is still queued (and still selected for Google, no longer for Meta).
    expect(statusOf(id)).toMatchObject({ sync_status: 'queued', sync_attempts: 1 });
    expect(selectQueued(ctx.db, 'google_ads', {}).map((r) => r.id)).toContain(id);
    expect(selectQueued(ctx.db, 'meta', {}).map((r) => r.id)).not.toContain(id);

    markSent(ctx.db, 'google_ads', [{ eventId: id }], { batchId: 'b1', now: '2026-05-02T00:00:00.000Z' });
    expect(statusOf(id)).toMatchObject({ sync_status: 'sent', sync_attempts: 2, synced_at: '2026-05-02T00:00:00.000Z', sync_error: null });
    const history = ctx.db.prepare('SELECT destination, from_status, to_status, action FROM sync_history WHERE event_id = ? ORDER BY id').all(id);
    expect(history).toEqual([
      { destination: 'meta', from_status: 'queued', to_status: 'sent', action: 'mark_sent' },
      { destination: 'google_ads', from_status: 'queued', to_status: 'sent', action: 'mark_sent' },
      { destination: null, from_status: 'queued', to_status: 'sent', action: 'mark_sent' },
    ]);
  });

  it('routes by the mapping: an event mapped only to Meta gets Google "skipped" and is sent once Meta has it', () => {
    const [id] = seedEvents(ctx.db, 1, { status: () => 'queued' }); // purchase → Meta only by default
    markSent(ctx.db, 'meta', [{ eventId: id! }]);
    expect(delivery(id!, 'google_ads')).toMatchObject({ status: 'skipped' });
    expect(delivery(id!, 'google_ads')!.last_error).toMatch(/not routed/);
    expect(statusOf(id!).sync_status).toBe('sent');
  });

  it('failures keep each event’s own code and message; the event is failed and says which destination', () => {
    updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'Store sale' }, lead: { googleConversionName: 'Lead' } } });
    const ids = seedEvents(ctx.db, 2, { status: () => 'queued' });
    const result = markFailed(ctx.db, 'meta', [
      { eventId: ids[0]!, code: '100/2804003', message: 'event_time too old' },
      { eventId: ids[1]!, code: '100/2804019', message: 'missing user data' },
      { eventId: 'nope' },
    ], { runId: 'r', note: 'fallback' });
    expect(result).toMatchObject({ changed: 2, missing: ['nope'] });
    expect(delivery(ids[0]!, 'meta')).toMatchObject({ status: 'failed', last_error: 'event_time too old', last_error_code: '100/2804003', attempts: 1 });
    expect(delivery(ids[1]!, 'meta')).toMatchObject({ status: 'failed', last_error: 'missing user data', last_error_code: '100/2804019' });
    expect(statusOf(ids[0]!)).toMatchObject({ sync_status: 'failed', sync_error: 'Meta: event_time too old' });
    // Google's delivery is untouched and still queued: the Google export / send still selects it.
    expect(selectQueued(ctx.db, 'google_ads', {}).map((r) => r.id).sort()).toEqual([...ids].sort());
    // Retry (back to queued) for Meta → the event is queued again.
    const back = markQueued(ctx.db, 'meta', [{ eventId: ids[0]! }]);
    expect(back.retried.changed).toBe(1);
    expect(statusOf(ids[0]!).sync_status).toBe('queued');
    expect(delivery(ids[0]!, 'meta')!.status).toBe('queued');
  });

  it('refuses deliveries that are not in a status the action moves from, by status, and changes nothing for them', () => {
    const ids = seedEvents(ctx.db, 3, { status: (i) => (i === 0 ? 'pending' : 'queued') });
    const result = markSent(ctx.db, 'meta', ids.map((eventId) => ({ eventId })));
    expect(result.changed).toBe(2);
    expect(result.refused).toEqual([{ status: 'pending', count: 1, reason: expect.stringMatching(/pending/) }]);
    expect(statusOf(ids[0]!).sync_status).toBe('pending');
    expect(() => markFailed(ctx.db, 'meta', [{ eventId: ids[0]! }])).toThrow(/message/);
  });

  it('selects queued events for a destination in rowid order, in pages, with the export filter', () => {
    const ids = seedEvents(ctx.db, 30, { status: (i) => (i % 3 === 0 ? 'pending' : 'queued') });
    const all = selectQueued(ctx.db, 'meta', {});
    expect(all.map((r) => r.id)).toEqual(ids.filter((_, i) => i % 3 !== 0));
    const first = selectQueued(ctx.db, 'meta', {}, { limit: 5 });
    const next = selectQueued(ctx.db, 'meta', {}, { afterRowid: first[4]!.rowid, limit: 5 });
    expect([...first, ...next].map((r) => r.id)).toEqual(all.slice(0, 10).map((r) => r.id));
    expect(selectQueued(ctx.db, 'meta', { eventNames: ['lead'] }).map((r) => r.id)).toEqual(ids.filter((_, i) => i % 3 !== 0 && i % 6 === 1));
    // pending for Meta, via the destination's statuses
    expect(selectQueued(ctx.db, 'meta', { statuses: ['pending'] })).toHaveLength(10);
  });

  it('handles more events than one chunk in one call (one transaction)', () => {
    const ids = seedEvents(ctx.db, 25_000, { status: () => 'queued' });
    const result = applyDeliveryAction(ctx.db, 'meta', 'mark_sent', ids.map((eventId) => ({ eventId })), { runId: 'big' });
    expect(result.changed).toBe(25_000);
    expect(ctx.db.prepare("SELECT count(*) FROM event_deliveries WHERE destination = 'meta' AND status = 'sent'").pluck().get()).toBe(25_000);
    expect(ctx.db.prepare("SELECT count(*) FROM sync_history WHERE destination = 'meta'").pluck().get()).toBe(25_000);
  });
});
