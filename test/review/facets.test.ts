import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, SYNC_STATUSES } from '../../src/shared/domain/events';
import { deriveOverallStatus, DESTINATIONS } from '../../src/shared/domain/delivery';
import { EventFilterSchema, type EventFilter } from '../../src/shared/domain/filters';
import type { Sqlite } from '../../src/main/db/connection';
import { FacetIndex, STATUS_TEXT_ORDER, type FacetSortField } from '../../src/main/events/facets';
import { loadFacetColumns, rowidOfEventId } from '../../src/main/events/facets-repo';
import { countByStatus, listEventRows, prepareInsert, type InsertRow } from '../../src/main/events/repo';
import { preflightCounts } from '../../src/main/imports/repo';
import { createTestContext } from '../helpers/context';

const CAMPAIGNS = ['0190a000-0000-7000-8000-00000000c001', '0190a000-0000-7000-8000-00000000c002', '0190a000-0000-7000-8000-00000000c003'];
const BRANDS = ['0190a000-0000-7000-8000-00000000b001', '0190a000-0000-7000-8000-00000000b002'];
const IMPORTS = ['import-1', 'import-2'];
const UNKNOWN = '0190a000-0000-7000-8000-0000000000ff';
const TIMES = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-02-28T12:30:00.000Z', '2026-03-31T23:59:59.999Z', '2025-12-31T23:59:59.999Z'];
const CREATED = ['2026-04-01T00:00:00.000Z', '2026-04-01T00:00:00.500Z', '2026-04-02T08:00:00.000Z'];
const VALUES = [0, 1, 999_999, 1_000_000, 2_500_000, 10_000_000];
const HASH = 'ab'.repeat(32);
const SORTS: FacetSortField[] = ['event_time', 'created_at', 'event_name', 'sync_status', 'event_value'];

type TestContext = ReturnType<typeof createTestContext>;
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function baseRow(id: string, i: number): InsertRow {
  return {
    id, event_name: 'purchase', event_id: `E${i}`,
    user_email_hash: null, user_phone_hash: null, user_first_name_hash: null, user_last_name_hash: null,
    meta_email_hash: null, meta_phone_hash: null, meta_first_name_hash: null, meta_last_name_hash: null,
    user_ip: null, user_agent: null, event_value_micros: null, currency: 'USD', transaction_id: `T${i}`,
    custom_params: null, source: null, campaign_id: null, brand_id: null, import_id: null,
    gclid: null, gbraid: null, wbraid: null, fbc: null, fbp: null,
    consent_ad_user_data: 'unspecified', consent_ad_personalization: 'unspecified',
    event_time: TIMES[0]!, created_at: CREATED[0]!, updated_at: CREATED[0]!,
  };
}

const eventArb = fc.record({
  id: fc.uuid(),
  name: fc.constantFrom(...EVENT_NAMES),
  // NULL = an event stored before 0011 (its name is its category).
  conversionName: fc.constantFrom(null, null, 'Qualified lead', 'InitiateCheckout', 'purchase', 'lead', 'Store purchase'),
  status: fc.constantFrom(...SYNC_STATUSES),
  time: fc.constantFrom(...TIMES),
  created: fc.constantFrom(...CREATED),
  value: fc.option(fc.constantFrom(...VALUES), { nil: null, freq: 4 }),
  campaign: fc.constantFrom(null, ...CAMPAIGNS),
  brand: fc.constantFrom(null, ...BRANDS),
  importRef: fc.constantFrom(null, ...IMPORTS),
  click: fc.constantFrom(null, 'gclid', 'gbraid', 'wbraid'),
  email: fc.boolean(),
  phone: fc.boolean(),
  metaOnly: fc.boolean(),
  // What Meta can match on besides a Meta email hash (filter-sql.ts META_MATCH): each way, half-ways, or nothing.
  metaKey: fc.constantFrom(null, null, 'fbc', 'fbp', 'ip+ua', 'ip', 'names+zip', 'names', 'external_id', 'phone'),
  // Google's name-with-address key (quality-repo matchKeys), whole or half, for the "no platform can match" filter.
  googleKey: fc.constantFrom(null, null, 'names+address', 'names+region'),
  drop: fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
  // Delivery rows (0012) for about one event in three: [Google, Meta]; sync_status is then derived from them.
  deliveries: fc.option(fc.tuple(fc.constantFrom(...SYNC_STATUSES), fc.constantFrom(...SYNC_STATUSES)), { nil: null, freq: 2 }),
});
type GenEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

/** Each field present about one time in five, so filters combine a few conditions and still match rows. */
const maybe = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const filterArb: fc.Arbitrary<EventFilter> = fc
  .record({
    statuses: maybe(fc.subarray([...SYNC_STATUSES])),
    eventNames: maybe(fc.subarray([...EVENT_NAMES])),
    conversionNames: maybe(fc.subarray(['Qualified lead', 'InitiateCheckout', 'purchase', 'lead', 'signup', 'Store purchase', 'Nowhere'], { minLength: 1 })),
    campaignId: maybe(fc.constantFrom(null, UNKNOWN, ...CAMPAIGNS)),
    brandId: maybe(fc.constantFrom(null, UNKNOWN, ...BRANDS)),
    importId: maybe(fc.constantFrom('', 'nope', ...IMPORTS)),
    timeFrom: maybe(fc.constantFrom(...TIMES, '2026-01-15T00:00:00Z', '2026-01-01T01:00:00+01:00')),
    timeTo: maybe(fc.constantFrom(...TIMES, '2026-03-01T00:00:00Z')),
    valueMin: maybe(fc.constantFrom('0', '0.000001', '0.999999', '1', '2.5', '10')),
    valueMax: maybe(fc.constantFrom('0', '0.000001', '1', '2.5', '100')),
    hasClickId: maybe(fc.boolean()),
    hasIdentifiers: maybe(fc.boolean()),
    noIdentifiersFor: maybe(fc.constantFrom('any' as const, 'google' as const, 'meta' as const)),
    delivery: maybe(fc.record({ destination: fc.constantFrom(...DESTINATIONS), statuses: fc.subarray([...SYNC_STATUSES], { minLength: 1 }) })),
  })
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as EventFilter);

function reseed(db: Sqlite, events: GenEvent[]): void {
  const insert = prepareInsert(db);
  const setStatus = db.prepare('UPDATE conversion_events SET sync_status = ? WHERE id = ?');
  const setName = db.prepare('UPDATE conversion_events SET conversion_name = ? WHERE id = ?');
  const drop = db.prepare('DELETE FROM conversion_events WHERE id = ?');
  const addDelivery = db.prepare('INSERT INTO event_deliveries (event_id, destination, status) VALUES (?, ?, ?)');
  const META_KEY_SQL: Record<string, string> = {
    fbc: "fbc = 'fb.1.1.x'", fbp: "fbp = 'fb.1.1.y'", 'ip+ua': "user_ip = '192.0.2.1', user_agent = 'UA'", ip: "user_ip = '192.0.2.1'",
    'names+zip': `meta_first_name_hash = '${HASH}', meta_last_name_hash = '${HASH}', meta_zip_hash = '${HASH}'`,
    names: `meta_first_name_hash = '${HASH}', meta_last_name_hash = '${HASH}'`,
    external_id: `meta_external_id_hash = '${HASH}'`, phone: `meta_phone_hash = '${HASH}'`,
  };
  const GOOGLE_KEY_SQL: Record<string, string> = {
    'names+address': `user_first_name_hash = '${HASH}', user_last_name_hash = '${HASH}', google_region_code = 'CA', google_postal_code = '94105'`,
    'names+region': `user_first_name_hash = '${HASH}', user_last_name_hash = '${HASH}', google_region_code = 'CA'`,
  };
  db.transaction(() => {
    db.exec('DELETE FROM conversion_events');
    events.forEach((e, i) => {
      insert({
        ...baseRow(e.id, i),
        event_name: e.name, event_time: e.time, created_at: e.created, event_value_micros: e.value,
        campaign_id: e.campaign, brand_id: e.brand, import_id: e.importRef,
        gclid: e.click === 'gclid' ? 'g' : null, gbraid: e.click === 'gbraid' ? 'b' : null, wbraid: e.click === 'wbraid' ? 'w' : null,
        user_email_hash: e.email ? HASH : null, user_phone_hash: e.phone ? HASH : null,
        meta_email_hash: e.metaOnly ? HASH : null, user_first_name_hash: e.metaOnly ? HASH : null,
      });
      const status = e.deliveries ? deriveOverallStatus(e.deliveries)! : e.status;
      if (status !== 'pending') setStatus.run(status, e.id);
      if (e.deliveries) e.deliveries.forEach((d, k) => addDelivery.run(e.id, DESTINATIONS[k], d));
      if (e.conversionName !== null) setName.run(e.conversionName, e.id);
      if (e.googleKey) db.prepare(`UPDATE conversion_events SET ${GOOGLE_KEY_SQL[e.googleKey]} WHERE id = ?`).run(e.id);
      if (e.metaKey) db.prepare(`UPDATE conversion_events SET ${META_KEY_SQL[e.metaKey]} WHERE id = ?`).run(e.id);
    });
    for (const e of events) if (e.drop) drop.run(e.id);
  })();
}

/** Walks every page through SQL (keyset cursors) and through the index, asserting each page is the same. */
function assertSamePages(db: Sqlite, index: FacetIndex, filter: EventFilter, field: FacetSortField, direction: 'asc' | 'desc', limit: number): number[] {
  const parsed = EventFilterSchema.parse(filter);
  const sort = { field, direction } as const;
  const walked: number[] = [];
  let cursor: { key: string | number; tie: string | number; id: string } | undefined;
  for (let page = 0; page < 1000; page++) {
    const { rows } = listEventRows(db, { filter: parsed, sort, limit, after: cursor && { key: cursor.key, id: cursor.tie } });
    const expected = rows.map((row) => rowidOfEventId(db, row.id)!);
    const tiePosition = cursor ? index.positionOfRowid(rowidOfEventId(db, cursor.id)!) : undefined;
    const got = index.pageRowids({ filter: parsed, sort, limit, after: cursor && { key: cursor.key, tie: cursor.tie, tiePosition } });
    expect(got, `page ${page} of ${JSON.stringify({ filter, sort })}`).toEqual(expected);
    walked.push(...expected);
    if (rows.length < limit) return walked;
    const last = rows[rows.length - 1]!;
    cursor = { key: last.sort_key, tie: last.sort_tie, id: last.id };
  }
  throw new Error('too many pages');
}

describe('facet index', () => {
  let ctx: TestContext;
  beforeAll(() => {
    ctx = createTestContext();
    const db = ctx.db;
    for (const b of BRANDS) db.prepare("INSERT INTO brands (id, name) VALUES (?, ?)").run(b, `brand ${b}`);
    for (const c of CAMPAIGNS) db.prepare('INSERT INTO campaigns (id, brand_id, name) VALUES (?, NULL, ?)').run(c, `campaign ${c}`);
    for (const i of IMPORTS) db.prepare("INSERT INTO imports (id, file_name, file_size, status) VALUES (?, 'x.csv', 1, 'completed')").run(i);
  });
  afterAll(() => ctx.cleanup());

  it('answers counts, first pages and every keyset page exactly as the SQL path', () => {
    const db = ctx.db;
    const stats = { rows: 0, queries: 0 };
    fc.assert(
      fc.property(
        fc.uniqueArray(eventArb, { minLength: 150, maxLength: 400, selector: (e) => e.id }),
        fc.array(fc.tuple(filterArb, fc.constantFrom(...SORTS), fc.constantFrom('asc' as const, 'desc' as const)), { minLength: 1, maxLength: 6 }),
        (events, queries) => {
          reseed(db, events);
          const index = new FacetIndex(loadFacetColumns(db));
          expect(index.count).toBe(events.filter((e) => !e.drop).length);
          // "No identifiers (any)" is the import report's "no platform can match", event for event.
          for (const importId of IMPORTS) {
            const noIds = EventFilterSchema.parse({ importId, noIdentifiersFor: 'any' });
            expect(total(countByStatus(db, noIds))).toBe(preflightCounts(db, importId).unmatchable);
            expect(total(index.countByStatus(noIds))).toBe(preflightCounts(db, importId).unmatchable);
          }
          for (const [filter, field, direction] of queries) {
            const parsed = EventFilterSchema.parse(filter);
            expect(index.supports(parsed)).toBe(true);
            expect(index.countByStatus(parsed)).toEqual(countByStatus(db, parsed));
            const first = listEventRows(db, { filter: parsed, sort: { field, direction }, limit: 100 }).rows.map((r) => rowidOfEventId(db, r.id));
            expect(index.pageRowids({ filter: parsed, sort: { field, direction }, limit: 100 })).toEqual(first);
            const offset = listEventRows(db, { filter: parsed, sort: { field, direction }, limit: 10, offset: 13 }).rows.map((r) => rowidOfEventId(db, r.id));
            expect(index.pageRowids({ filter: parsed, sort: { field, direction }, limit: 10, offset: 13 })).toEqual(offset);
            stats.rows += assertSamePages(db, index, filter, field, direction, 7).length;
            stats.queries++;
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(stats.rows).toBeGreaterThan(1000); // the filters are not so narrow that nothing is compared
  });

  it('loads a hand-written row with its exact columns', () => {
    const db = ctx.db;
    db.exec('DELETE FROM conversion_events');
    const insert = prepareInsert(db);
    insert({ ...baseRow('0190a000-0000-7000-8000-000000000001', 1), event_name: 'lead', event_time: '2026-02-28T12:30:00.123Z', created_at: '2026-04-02T08:00:00.000Z', event_value_micros: 12_300_000, campaign_id: CAMPAIGNS[1]!, brand_id: null, import_id: IMPORTS[0]!, wbraid: 'w' });
    insert({ ...baseRow('0190a000-0000-7000-8000-000000000000', 2), event_name: 'custom', user_phone_hash: HASH, brand_id: BRANDS[0]! });
    db.prepare("UPDATE conversion_events SET sync_status = 'failed' WHERE event_id = 'E2'").run();
    const c = loadFacetColumns(db);
    expect(c.count).toBe(2);
    expect(c.rowids[0]).toBeLessThan(c.rowids[1]!);
    expect([...c.status].map((s) => SYNC_STATUSES[s])).toEqual(['pending', 'failed']);
    expect([...c.name].map((s) => EVENT_NAMES[s])).toEqual(['lead', 'custom']);
    expect([...c.campaign].map((x) => (x < 0 ? null : c.campaignIds[x]))).toEqual([CAMPAIGNS[1], null]);
    expect([...c.brand].map((x) => (x < 0 ? null : c.brandIds[x]))).toEqual([null, BRANDS[0]]);
    expect([...c.importRef].map((x) => (x < 0 ? null : c.importIds[x]))).toEqual([IMPORTS[0], null]);
    expect([...c.time]).toEqual([Date.UTC(2026, 1, 28, 12, 30, 0, 123), Date.parse(TIMES[0]!)]);
    expect([...c.created]).toEqual([Date.UTC(2026, 3, 2, 8), Date.parse(CREATED[0]!)]);
    expect([...c.value]).toEqual([12_300_000, -1]);
    expect([...c.flags]).toEqual([1, 2]);
    // The second row comes first in every order: January before February, -1 before 12.3, and so on.
    expect([...c.orders.event_time]).toEqual([1, 0]);
    expect([...c.orders.event_value]).toEqual([1, 0]);
    expect([...c.orders.event_name]).toEqual([1, 0]); // 'custom' < 'lead'
    expect([...c.orders.created_at]).toEqual([1, 0]);
  });

  it('refuses a non-canonical stored time', () => {
    const db = ctx.db;
    db.exec('DELETE FROM conversion_events');
    prepareInsert(db)({ ...baseRow('0190a000-0000-7000-8000-000000000002', 1), event_time: '2026-01-01 00:00:00' });
    expect(() => loadFacetColumns(db)).toThrow(/canonical/);
    db.exec("UPDATE conversion_events SET event_time = '2026-02-30T00:00:00.000Z'");
    expect(() => loadFacetColumns(db)).toThrow(/real UTC time/);
  });

  it('orders statuses as SQLite orders the TEXT, not as SYNC_STATUSES lists them', () => {
    expect(STATUS_TEXT_ORDER.map((i) => SYNC_STATUSES[i])).toEqual(['failed', 'pending', 'queued', 'sent', 'skipped']);
    const db = ctx.db;
    reseed(db, SYNC_STATUSES.flatMap((status, i) => [0, 1].map((k) => ({ ...sample(), id: `0190a000-0000-7000-8000-0000000001${i}${k}`, status }))));
    const index = new FacetIndex(loadFacetColumns(db));
    const sql = db.prepare('SELECT rowid FROM conversion_events ORDER BY sync_status, rowid').pluck().all();
    expect(index.pageRowids({ filter: {}, sort: { field: 'sync_status', direction: 'asc' }, limit: 100 })).toEqual(sql);
    expect(index.pageRowids({ filter: {}, sort: { field: 'sync_status', direction: 'desc' }, limit: 100 })).toEqual([...sql].reverse());
  });

  it('returns null when the cursor row is gone or its key changed', () => {
    const db = ctx.db;
    reseed(db, Array.from({ length: 20 }, (_, i) => ({ ...sample(), id: `0190a000-0000-7000-8000-0000000002${String(i).padStart(2, '0')}`, status: SYNC_STATUSES[i % 5]! })));
    const sort = { field: 'event_time', direction: 'desc' } as const;
    const { rows } = listEventRows(db, { filter: {}, sort, limit: 5 });
    const last = rows[4]!;
    const rowid = rowidOfEventId(db, last.id)!;
    const before = new FacetIndex(loadFacetColumns(db));
    expect(before.pageRowids({ filter: {}, sort, limit: 5, after: { key: last.sort_key, tie: last.sort_tie, tiePosition: before.positionOfRowid(rowid) } })).toHaveLength(5);
    expect(before.pageRowids({ filter: {}, sort, limit: 5, after: { key: '2020-01-01T00:00:00.000Z', tie: last.sort_tie, tiePosition: before.positionOfRowid(rowid) } })).toBeNull();
    db.prepare('DELETE FROM conversion_events WHERE id = ?').run(last.id);
    expect(rowidOfEventId(db, last.id)).toBeNull();
    const after = new FacetIndex(loadFacetColumns(db));
    expect(after.positionOfRowid(rowid)).toBe(-1);
    expect(after.pageRowids({ filter: {}, sort, limit: 5, after: { key: last.sort_key, tie: last.sort_tie, tiePosition: -1 } })).toBeNull();
    expect(after.pageRowids({ filter: {}, sort: { field: 'sync_status', direction: 'asc' }, limit: 5, after: { key: 'pending', tie: rowid } })).toBeNull();
  });

  it('compares time bounds past year 9999 or before year 0 as SQLite compares the TEXT', () => {
    const db = ctx.db;
    reseed(db, Array.from({ length: 10 }, (_, i) => ({ ...sample(), id: `0190a000-0000-7000-8000-0000000003${String(i).padStart(2, '0')}`, time: TIMES[i % TIMES.length]! })));
    const index = new FacetIndex(loadFacetColumns(db));
    for (const filter of [{ timeFrom: '9999-12-31T23:00:00-05:00' }, { timeTo: '9999-12-31T23:00:00-05:00' }, { timeFrom: '0000-01-01T00:00:00+01:00' }, { timeTo: '0000-01-01T00:00:00+01:00' }]) {
      const parsed = EventFilterSchema.parse(filter);
      expect(parsed.timeFrom ?? parsed.timeTo).toMatch(/^[+-]/);
      expect(index.countByStatus(parsed)).toEqual(countByStatus(db, parsed));
    }
  });

  it('leaves search and batch filters to SQL', () => {
    const index = new FacetIndex(loadFacetColumns(ctx.db));
    expect(index.supports({ search: 'E1' })).toBe(false);
    expect(index.supports({ batchId: 'b' })).toBe(false);
    expect(index.supports({ statuses: ['sent'], campaignId: null })).toBe(true);
    expect(() => index.countByStatus({ search: 'E1' })).toThrow();
  });
});

function sample(): GenEvent {
  return { id: '', name: 'lead', conversionName: null, status: 'pending', time: TIMES[1]!, created: CREATED[0]!, value: 1_000_000, campaign: null, brand: null, importRef: null, click: null, email: false, phone: false, metaOnly: false, metaKey: null, googleKey: null, drop: false, deliveries: null };
}
