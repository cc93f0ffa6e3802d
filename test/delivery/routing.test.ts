/**
 * Routing follows the conversion-name resolver (destinations.ts): an event is routed to a destination
 * when it would actually be sent there. Unit cases of the rule, then the delivery rows a first write
 * creates on a real database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveriesOf, markSent } from '../../src/main/delivery/repo';
import { getSettings, updateSettings } from '../../src/main/settings/service';
import { uuidv7 } from '../../src/main/lib/ids';
import { routeOf } from '../../src/shared/domain/delivery';
import { AppSettingsSchema } from '../../src/shared/domain/settings';
import { createTestContext } from '../helpers/context';

const defaults = AppSettingsSchema.parse({});
const withNames = (conversionNames: Record<string, { googleConversionName?: string | null; metaEventName?: string | null }>, destinations = {}) =>
  AppSettingsSchema.parse({ conversionNames, destinations });

describe('routeOf: where the event would be sent', () => {
  it('a conversion name of its own goes to Google under that name, and to Meta under its category’s event', () => {
    // "Qualified lead" is a Google action name (own name); Meta takes the lead category's "Lead".
    expect(routeOf(defaults, { event_name: 'lead', conversion_name: 'Qualified lead' })).toEqual({ google_ads: true, meta: true });
  });

  it('a category name with no Google action mapped goes to Meta only (the category’s Meta event)', () => {
    expect(routeOf(defaults, { event_name: 'purchase', conversion_name: null })).toEqual({ google_ads: false, meta: true });
    expect(routeOf(defaults, { event_name: 'purchase', conversion_name: 'purchase' })).toEqual({ google_ads: false, meta: true });
  });

  it('Settings → Conversion names "not sent to Meta" keeps the name from Meta; a mapped action routes it to Google', () => {
    const settings = withNames({ 'Store visit': { googleConversionName: 'Offline purchase', metaEventName: null } });
    expect(routeOf(settings, { event_name: 'custom', conversion_name: 'Store visit' })).toEqual({ google_ads: true, meta: false });
  });

  it('a Meta standard event name goes to Meta under that event; Google takes it only through its category’s action', () => {
    expect(routeOf(defaults, { event_name: 'custom', conversion_name: 'InitiateCheckout' })).toEqual({ google_ads: false, meta: true });
    const mapped = withNames({}, { custom: { googleConversionName: 'Checkout started', metaEventName: null } });
    expect(routeOf(mapped, { event_name: 'custom', conversion_name: 'InitiateCheckout' })).toEqual({ google_ads: true, meta: true });
  });

  it('resolving to neither: routed to both so it is listed as "not mapped", unless a name is explicitly not sent there', () => {
    expect(routeOf(defaults, { event_name: 'custom', conversion_name: null })).toEqual({ google_ads: true, meta: true });
    const keptFromGoogle = withNames({ custom: { googleConversionName: null } });
    expect(routeOf(keptFromGoogle, { event_name: 'custom', conversion_name: null })).toEqual({ google_ads: false, meta: true });
    const keptFromBoth = withNames({ custom: { googleConversionName: null, metaEventName: null } });
    expect(routeOf(keptFromBoth, { event_name: 'custom', conversion_name: null })).toEqual({ google_ads: false, meta: false });
  });
});

describe('delivery rows follow the resolver', () => {
  let ctx: ReturnType<typeof createTestContext>;
  beforeEach(() => {
    ctx = createTestContext();
  });
  afterEach(() => ctx.cleanup());

  const insert = (eventName: string, conversionName: string | null) => {
    const id = uuidv7();
    ctx.db
      .prepare("INSERT INTO conversion_events (id, event_name, conversion_name, event_id, event_time, sync_status) VALUES (?, ?, ?, ?, '2026-11-24T10:00:00.000Z', 'queued')")
      .run(id, eventName, conversionName, `evt-${id}`);
    return id;
  };

  it('a first write creates rows by the resolver: a conversion name mapped to Google only is skipped at Meta, and sent overall once Google has it', () => {
    updateSettings(ctx.db, { conversionNames: { 'Store visit': { googleConversionName: 'Offline purchase', metaEventName: null } } });
    const storeVisit = insert('custom', 'Store visit');
    const qualifiedLead = insert('lead', 'Qualified lead');
    markSent(ctx.db, 'google_ads', [{ eventId: storeVisit }, { eventId: qualifiedLead }], { settings: getSettings(ctx.db) });

    const rows = deliveriesOf(ctx.db, [storeVisit, qualifiedLead]).map((r) => [r.event_id, r.destination, r.status]);
    expect(rows).toEqual(
      [
        [storeVisit, 'google_ads', 'sent'],
        [storeVisit, 'meta', 'skipped'],
        // "Qualified lead" goes to Meta too (as Lead): it waits there.
        [qualifiedLead, 'google_ads', 'sent'],
        [qualifiedLead, 'meta', 'queued'],
      ].sort((a, b) => (a[0]! + a[1]).localeCompare(b[0]! + b[1])),
    );
    const status = (id: string) => (ctx.db.prepare('SELECT sync_status FROM conversion_events WHERE id = ?').get(id) as { sync_status: string }).sync_status;
    expect(status(storeVisit)).toBe('sent');
    expect(status(qualifiedLead)).toBe('queued');
    const skipped = deliveriesOf(ctx.db, [storeVisit]).find((r) => r.destination === 'meta')!;
    expect(skipped.last_error).toMatch(/not routed/);
  });
});
