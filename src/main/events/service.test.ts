import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../../../test/helpers/context';
import { sha256Hex } from '../identity';
import * as events from './service';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

describe('events service', () => {
  it('creates an event with both platforms hashes and no plaintext', () => {
    const event = events.createEvent(ctx.db, {
      event_name: 'purchase',
      email: ' John.Doe@Gmail.com',
      phone: '(415) 555-2671',
      default_country: 'US',
      event_value: '12.30',
      currency: 'usd',
      event_time: '2026-03-01T10:00:00+01:00',
    });
    expect(event.user_email_hash).toBe(sha256Hex('johndoe@gmail.com'));
    expect(event.meta_email_hash).toBe(sha256Hex('john.doe@gmail.com'));
    expect(event.user_phone_hash).toBe(sha256Hex('+14155552671'));
    expect(event.meta_phone_hash).toBe(sha256Hex('14155552671'));
    expect(event.event_value).toBe('12.3');
    expect(event.currency).toBe('USD');
    expect(event.event_time).toBe('2026-03-01T09:00:00.000Z');
    expect(event.event_id).toMatch(/^purchase_\d{13}_[0-9a-f]{16}$/);
    expect(event.sync_status).toBe('pending');
  });

  it('refuses an event whose identifier one platform cannot use, naming the field and the platform, and stores nothing', () => {
    // Google's libraries accept consecutive dots in the name; Meta's capi-param-builder refuses them.
    expect(() => events.createEvent(ctx.db, { event_name: 'lead', event_id: 'L-dots', email: 'test..x@example.com' })).toThrowError(
      expect.objectContaining({ code: 'validation', message: 'Invalid email for Meta: is not a valid email address' }),
    );
    expect(() => events.createEvent(ctx.db, { event_name: 'lead', event_id: 'L-hex', email: 'a'.repeat(64) })).toThrowError(expect.objectContaining({ code: 'validation' }));
    expect(ctx.db.prepare("SELECT count(*) AS n FROM conversion_events WHERE event_id IN ('L-dots', 'L-hex')").get()).toEqual({ n: 0 });
  });

  it('refuses a duplicate event_id with a typed error naming the existing event', () => {
    const first = events.createEvent(ctx.db, { event_name: 'lead', event_id: 'L-1' });
    expect(() => events.createEvent(ctx.db, { event_name: 'lead', event_id: 'L-1' })).toThrowError(
      expect.objectContaining({ code: 'duplicate', details: { existingId: first.id } }),
    );
  });

  it('walks the state machine and refuses illegal transitions without changing anything', () => {
    const a = events.createEvent(ctx.db, { event_name: 'lead', event_id: 'A' });
    const b = events.createEvent(ctx.db, { event_name: 'lead', event_id: 'B' });
    expect(events.transitionEvents(ctx.db, 'queue', { ids: [a.id] }).changed).toBe(1);
    const mixed = events.transitionEvents(ctx.db, 'mark_sent', { ids: [a.id, b.id] });
    expect(mixed.changed).toBe(1);
    expect(mixed.refused).toEqual([expect.objectContaining({ status: 'pending', count: 1 })]);
    const sent = events.getEvent(ctx.db, a.id);
    expect(sent.sync_status).toBe('sent');
    expect(sent.sync_attempts).toBe(1);
    expect(sent.synced_at).not.toBeNull();
    expect(() => events.transitionEvents(ctx.db, 'queue', { ids: [a.id] })).toThrowError(
      expect.objectContaining({ code: 'illegal_transition' }),
    );
    expect(events.getEvent(ctx.db, a.id).sync_status).toBe('sent');
    const detail = events.getEventDetail(ctx.db, a.id);
    expect(detail.history.map((h) => [h.from_status, h.to_status])).toEqual([
      ['pending', 'queued'],
      ['queued', 'sent'],
    ]);
  });

  it('undoes the last bulk change', () => {
    const ids = ['1', '2', '3'].map((n) => events.createEvent(ctx.db, { event_name: 'lead', event_id: n }).id);
    const queued = events.transitionEvents(ctx.db, 'queue', { filter: { statuses: ['pending'] } });
    expect(queued.changed).toBe(3);
    const failed = events.transitionEvents(ctx.db, 'mark_failed', { ids: [ids[0]!] }, 'UNPARSEABLE_GCLID');
    expect(events.getEvent(ctx.db, ids[0]!).sync_error).toBe('UNPARSEABLE_GCLID');
    expect(events.undoTransition(ctx.db, failed.undoToken!).restored).toBe(1);
    const restored = events.getEvent(ctx.db, ids[0]!);
    expect([restored.sync_status, restored.sync_attempts, restored.sync_error]).toEqual(['queued', 0, null]);
  });
});
