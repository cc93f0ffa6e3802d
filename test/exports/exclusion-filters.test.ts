import { describe, expect, it } from 'vitest';
import { EventFilterSchema, type EventFilter } from '../../src/shared/domain/filters';
import { exclusionReviewFilter, type ExclusionCode, type ExportFormat } from '../../src/shared/domain/exports';
import * as events from '../../src/main/events/service';
import { resolveFilter } from '../../src/main/events/resolve-filter';
import { exportFilter } from '../../src/main/exports/run';
import { updateSettings } from '../../src/main/settings/service';
import { type TestContext, useTestContext } from '../helpers/context';
import { addEvent, configureDestinations, exportsOf, NOW, seedGoldenEvents } from './helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => exportsOf(c).shutdown());

const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

/** The golden events plus Meta's other ways to match, Meta-only hashes, a named conversion and ages around each window. */
function seed(): void {
  configureDestinations(ctx);
  updateSettings(ctx.db, { meta: { actionSource: 'website' }, conversionNames: { 'Store visit': { googleConversionName: null } } });
  seedGoldenEvents(ctx);
  addEvent(ctx, { event_name: 'purchase', event_id: 'meta-fbc-only', fbc: 'fb.1.1700000000000.x', event_time: ago(3), event_value: '2', currency: 'USD' });
  addEvent(ctx, { event_name: 'lead', event_id: 'meta-ip-ua', user_ip: '192.0.2.7', user_agent: 'Mozilla/5.0', event_time: ago(8) });
  addEvent(ctx, { event_name: 'lead', event_id: 'meta-ip-only', user_ip: '192.0.2.8', event_time: ago(2) });
  addEvent(ctx, { event_name: 'lead', event_id: 'old-for-google', gclid: 'Cj0-old', email: 'x@example.com', event_time: ago(91) });
  addEvent(ctx, { event_name: 'custom', event_id: 'store-visit', gclid: 'Cj0-store', event_time: ago(1) });
  ctx.db.prepare("UPDATE conversion_events SET conversion_name = 'Store visit' WHERE event_id = 'store-visit'").run();
  // Pre-hashed for Meta only (the Google leads file calls it "hashed for the other platform", not "no identifiers").
  addEvent(ctx, { event_name: 'lead', event_id: 'meta-hash-only', event_time: ago(1) });
  ctx.db.prepare(`UPDATE conversion_events SET meta_email_hash = '${'ab'.repeat(32)}' WHERE event_id = 'meta-hash-only'`).run();
}

const LINKED: ExclusionCode[] = ['too_old', 'no_conversion_action', 'no_meta_event', 'no_identifiers', 'no_click_id'];

describe('Export exclusion groups ↔ Review filters (issue 15 item 4)', () => {
  for (const format of ['google-click', 'google-leads', 'meta'] as ExportFormat[]) {
    it(`${format}: each linked group's Review filter names exactly its events`, async () => {
      seed();
      const preview = await exportsOf(ctx).preview({ format }, { now: NOW });
      expect(preview.excludedTruncated).toBe(false);
      let compared = 0;
      for (const code of LINKED) {
        const problem = exclusionReviewFilter(format, code);
        const inGroup = preview.excluded.filter((e) => e.codes.includes(code)).map((e) => e.id).sort();
        expect(inGroup.length).toBe(preview.excludedByCode[code] ?? 0);
        if (!problem) continue;
        // What the Export screen's link opens: the export's own scope and the problem.
        const asked: EventFilter = { ...exportFilter(EventFilterSchema.parse({}), format), ...problem };
        const filter = resolveFilter(ctx.db, EventFilterSchema.parse(asked), NOW.getTime());
        const listed = events.listEvents(ctx.db, { filter, limit: 1000 }).events.map((e) => e.id).sort();
        expect(listed, `${format} / ${code}`).toEqual(inGroup);
        compared += listed.length;
      }
      expect(compared).toBeGreaterThan(2);
    });
  }

  it('lists every problem of an event, one reason each, with its order id, file line and time in the account zone', async () => {
    seed();
    const preview = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW });
    const old = preview.excluded.find((e) => e.eventId === 'too-old')!;
    expect(old.reasons).toEqual([expect.stringMatching(/^conversion time 2026-08-01 08:00:00 America\/New_York is more than 90 days ago/)]);
    expect(old.eventTime).toBe('2026-08-01T12:00:00.000Z');
    const signup = preview.excluded.find((e) => e.eventId === 'signup-unmapped')!;
    expect(signup.codes).toEqual(['no_conversion_action']);
    const noIds = preview.excluded.find((e) => e.eventId === 'no-identifiers')!;
    expect(noIds.codes).toEqual(['no_click_id']);
    expect(noIds.orderId).toBeNull();
    // two problems → two codes, two reasons, counted in both groups
    const leads = await exportsOf(ctx).preview({ format: 'google-leads' }, { now: NOW });
    const both = leads.excluded.find((e) => e.eventId === 'signup-unmapped');
    expect(both?.codes ?? []).not.toContain('no_identifiers');
    const twice = leads.excluded.find((e) => e.codes.length > 1)!;
    expect(twice.reasons).toHaveLength(twice.codes.length);
    for (const code of twice.codes) expect(leads.excludedByCode[code]).toBeGreaterThan(0);
    expect(leads.excludedCount).toBe(leads.excluded.length);
  });

  it('an unmapped filter with no unmapped name matches nothing; "too old" keeps a narrower To', () => {
    updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'P' }, lead: { googleConversionName: 'L' }, signup: { googleConversionName: 'S' }, add_to_cart: { googleConversionName: 'A' }, page_view: { googleConversionName: 'V' }, custom: { googleConversionName: 'C' } } });
    addEvent(ctx, { event_name: 'purchase', event_id: 'p1', gclid: 'g', event_time: ago(1) });
    const none = resolveFilter(ctx.db, EventFilterSchema.parse({ unmappedFor: 'google_ads' }), NOW.getTime());
    expect(none.conversionNames).toEqual([]);
    expect(events.countEvents(ctx.db, none).total).toBe(0);
    expect(events.listEvents(ctx.db, { filter: none }).events).toEqual([]);
    const narrow = resolveFilter(ctx.db, EventFilterSchema.parse({ tooOldFor: 'google_ads', timeTo: '2026-01-01T00:00:00Z' }), NOW.getTime());
    expect(narrow.timeTo).toBe('2026-01-01T00:00:00.000Z');
    const wide = resolveFilter(ctx.db, EventFilterSchema.parse({ tooOldFor: 'google_ads' }), NOW.getTime());
    expect(wide.timeTo).toBe(ago(90));
  });
});

describe('"Skip these N" on an exclusion group', () => {
  it('skips the group for the file\'s destination only, and Undo puts it back', async () => {
    seed();
    const { skipExcluded } = await import('../../src/main/exports/skip-excluded');
    const before = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW });
    const tooOld = before.excluded.filter((e) => e.codes.includes('too_old')).map((e) => e.id).sort();
    expect(tooOld.length).toBe(before.excludedByCode.too_old);
    const outcome = skipExcluded(ctx.db, { format: 'google-click', filter: {}, code: 'too_old' }, NOW.getTime());
    expect(outcome.changed).toBe(tooOld.length);
    expect(outcome.undoToken).toBeTruthy();
    const after = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW });
    expect(after.excludedByCode.too_old ?? 0).toBe(0);
    const delivery = (id: string, destination: string) =>
      (ctx.db.prepare('SELECT status FROM event_deliveries WHERE event_id = ? AND destination = ?').get(id, destination) as { status: string } | undefined)?.status;
    for (const id of tooOld) expect(delivery(id, 'google_ads')).toBe('skipped');
    // Meta is untouched: the Meta file still sees the event (excluded or not, for its own reasons)
    const meta = await exportsOf(ctx).preview({ format: 'meta' }, { now: NOW });
    expect(meta.matched).toBeGreaterThan(0);
    for (const id of tooOld) expect(delivery(id, 'meta')).not.toBe('skipped');
    events.undoTransition(ctx.db, outcome.undoToken!);
    const undone = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW });
    expect(undone.excludedByCode.too_old).toBe(tooOld.length);
  });

  it('takes the listed ids for a reason Review has no filter for', async () => {
    seed();
    const { skipExcluded } = await import('../../src/main/exports/skip-excluded');
    const preview = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW });
    const braids = preview.excluded.filter((e) => e.codes.includes('both_braids')).map((e) => e.id);
    expect(braids.length).toBe(1);
    expect(() => skipExcluded(ctx.db, { format: 'google-click', filter: {}, code: 'both_braids' })).toThrow(/listed event ids/);
    expect(skipExcluded(ctx.db, { format: 'google-click', filter: {}, code: 'both_braids', eventIds: braids }).changed).toBe(1);
  });
});
