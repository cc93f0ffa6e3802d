/**
 * Loads the facet index's columns (facets.ts) from conversion_events: one rowid-ordered scan for the
 * columns and one covering-index scan per sort for its order, all in one read transaction so every
 * array describes the same snapshot.
 */
import { sql, type RawBuilder } from 'kysely';
import { EVENT_NAMES, SYNC_STATUSES } from '../../shared/domain/events';
import type { Sqlite } from '../db/connection';
import { k, once, param, prepareRaw, preparePluck } from '../db/query';
import { parseStoredUtc } from '../exports/zone-time';
import { FOLLOWS_EVENT, searchRowid, statusOrderOf, type FacetColumns } from './facets';
import { readDeliveryCodes } from '../delivery/repo';
import { CLICK_ID, GOOGLE_NAME_ADDRESS, HASHED_ID, META_HASHED_ID, META_MATCH, VALUE_KEY } from './filter-repo';
import { SORT_EXPRESSIONS } from './repo';

/** FacetColumns.flags from the filters' own expressions (filter-repo.ts, idx_conversion_events_identifiers). */
const FLAGS = sql<number>`(${CLICK_ID} | (${HASHED_ID} << 1) | (${META_MATCH} << 2) | (${META_HASHED_ID} << 3) | (${GOOGLE_NAME_ADDRESS} << 4))`;
/** The position of a column's value in a list (-1 when it is not one of them). */
const caseOf = (column: 'sync_status' | 'event_name', values: readonly string[]): RawBuilder<number> =>
  sql<number>`case ${sql.ref(column)} ${sql.join(values.map((v, i) => sql`when ${sql.lit(v)} then ${sql.lit(i)}`), sql` `)} else -1 end`;

/** The facet columns in rowid order; read as arrays (`raw`), so the selection's order is the row's. */
const COLUMNS = once(() =>
  k
    .selectFrom('conversion_events')
    .select((eb) => [
      sql.ref<number>('rowid').as('rowid'),
      caseOf('sync_status', SYNC_STATUSES).as('status'),
      caseOf('event_name', EVENT_NAMES).as('name'),
      'campaign_id',
      'brand_id',
      'import_id',
      'event_time',
      VALUE_KEY.as('value'),
      FLAGS.as('flags'),
      'created_at',
      'currency',
      eb.fn.coalesce('conversion_name', 'event_name').as('conversion_name'),
    ])
    .orderBy(sql.ref('rowid')),
);
const COUNT = once(() => k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')));
const ORDERED_FIELDS = ['event_time', 'created_at', 'event_name', 'event_value'] as const;
/** Rowids in a sort's order (its covering index). */
const ORDER_OF = Object.fromEntries(
  ORDERED_FIELDS.map((field) => [
    field,
    once(() => k.selectFrom('conversion_events').select(sql.ref<number>('rowid').as('rowid')).orderBy(SORT_EXPRESSIONS[field], 'asc').orderBy('id', 'asc')),
  ]),
) as Record<(typeof ORDERED_FIELDS)[number], ReturnType<typeof once>>;
const ROWID_OF_ID = once(() => k.selectFrom('conversion_events').select(sql.ref<number>('rowid').as('rowid')).where('id', '=', param('id')));

/**
 * Above this many distinct conversion names the index stops encoding them (their dictionary would
 * outweigh the columns) and the conversion-name filter takes the SQL path.
 */
export const FACET_MAX_CONVERSION_NAMES = 50_000;

/** Canonical stored time `YYYY-MM-DDTHH:MM:SS.SSSZ` (fields in range; day-of-month checked after parsing). */
const CANONICAL_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export class NonCanonicalTimeError extends Error {}

/** Epoch ms of a canonical stored time; throws on anything else (its TEXT order might not be its time order). */
function storedMs(text: unknown, column: string): number {
  if (typeof text !== 'string' || !CANONICAL_UTC.test(text)) throw new NonCanonicalTimeError(`${column} is not a canonical UTC time: ${String(text)}`);
  const ms = parseStoredUtc(text);
  // Day 29–31: the month must have it (Date.parse rolls 02-30 over into March).
  const day = text.charCodeAt(8) === 51 || (text.charCodeAt(8) === 50 && text.charCodeAt(9) === 57);
  if (!Number.isFinite(ms) || (day && new Date(ms).getUTCDate() !== Number(text.slice(8, 10)))) {
    throw new NonCanonicalTimeError(`${column} is not a real UTC time: ${text}`);
  }
  return ms;
}

/** Dictionary encoder for a nullable TEXT id column (consecutive rows often share an id). */
function encoder(ids: string[]) {
  const codes = new Map<string, number>();
  let last: unknown = null;
  let lastCode = -1;
  return (value: unknown): number => {
    if (value === null) return -1;
    if (value === last) return lastCode;
    let code = codes.get(value as string);
    if (code === undefined) {
      code = ids.length;
      ids.push(value as string);
      codes.set(value as string, code);
    }
    last = value;
    lastCode = code;
    return code;
  };
}

/** rowid → position: a direct table when rowids are dense enough, else a binary search. */
function positionFinder(rowids: Float64Array): (rowid: number) => number {
  const n = rowids.length;
  if (n === 0) return () => -1;
  const min = rowids[0]!;
  const span = rowids[n - 1]! - min + 1;
  if (span <= 4 * n + 1024) {
    const table = new Int32Array(span).fill(-1);
    for (let i = 0; i < n; i++) table[rowids[i]! - min] = i;
    return (rowid) => (rowid >= min && rowid - min < span ? table[rowid - min]! : -1);
  }
  return (rowid) => searchRowid(rowids, rowid);
}

/**
 * Above this many events the index is not built (~68 bytes an event in the window's process, ~3.5 s a
 * load per million): the grid stays on the SQL path, as it is while the index reloads.
 */
export const FACET_MAX_ROWS = 5_000_000;

/**
 * The facet columns of one snapshot of conversion_events. Throws when a stored time is not canonical
 * or there are more than maxRows events (the caller falls back to SQL then).
 */

export function loadFacetColumns(db: Sqlite, maxRows = FACET_MAX_ROWS): FacetColumns {
  const read = () => {
    const count = preparePluck<number>(db, COUNT).get()!;
    if (count > maxRows) throw new Error(`${count} events: more than the facet index holds (${maxRows}); the grid uses SQL`);
    const c: FacetColumns = {
      count,
      rowids: new Float64Array(count),
      status: new Uint8Array(count),
      name: new Uint8Array(count),
      conversionName: new Int32Array(count),
      delivery: { google_ads: new Uint8Array(count).fill(FOLLOWS_EVENT), meta: new Uint8Array(count).fill(FOLLOWS_EVENT) },
      conversionNames: [],
      campaign: new Int32Array(count),
      brand: new Int32Array(count),
      importRef: new Int32Array(count),
      campaignIds: [],
      brandIds: [],
      importIds: [],
      currency: new Int32Array(count),
      currencies: [],
      time: new Float64Array(count),
      value: new Float64Array(count),
      flags: new Uint8Array(count),
      orders: { event_time: new Uint32Array(count), created_at: new Uint32Array(count), event_name: new Uint32Array(count), event_value: new Uint32Array(count) },
      created: new Float64Array(count),
    };
    const campaign = encoder(c.campaignIds);
    const brand = encoder(c.brandIds);
    const importRef = encoder(c.importIds);
    const currency = encoder(c.currencies);
    const conversionNames: string[] = [];
    const conversionName = encoder(conversionNames);
    let lastCreated = '';
    let lastCreatedMs = 0;
    let i = 0;
    for (const row of prepareRaw<unknown[]>(db, COLUMNS).iterate()) {
      if (i >= count) throw new Error('conversion_events changed while loading the facet index');
      const status = row[1] as number;
      const name = row[2] as number;
      if (status < 0 || name < 0) throw new Error(`Unknown sync_status or event_name at rowid ${String(row[0])}`);
      c.rowids[i] = row[0] as number;
      c.status[i] = status;
      c.name[i] = name;
      c.campaign[i] = campaign(row[3]);
      c.brand[i] = brand(row[4]);
      c.importRef[i] = importRef(row[5]);
      c.currency[i] = currency(row[10]);
      if (conversionNames.length <= FACET_MAX_CONVERSION_NAMES) c.conversionName[i] = conversionName(row[11]);
      c.time[i] = storedMs(row[6], 'event_time');
      c.value[i] = row[7] as number;
      c.flags[i] = row[8] as number;
      const created = row[9] as string;
      if (created !== lastCreated) (lastCreatedMs = storedMs(created, 'created_at')), (lastCreated = created);
      c.created[i] = lastCreatedMs;
      i++;
    }
    if (i !== count) throw new Error('conversion_events changed while loading the facet index');
    const positionOf = positionFinder(c.rowids);
    for (const field of ORDERED_FIELDS) {
      const order = c.orders[field];
      // .all() of one integer column is ~1/3 faster than .iterate() here (1M rows).
      const ordered = preparePluck<number>(db, ORDER_OF[field]).all();
      if (ordered.length !== count) throw new Error('conversion_events changed while loading the facet index');
      for (let k = 0; k < count; k++) {
        const position = positionOf(ordered[k]!);
        if (position < 0) throw new Error('conversion_events changed while loading the facet index');
        order[k] = position;
      }
    }
    loadDeliveries(db, c, positionOf);
    c.conversionNames = conversionNames.length <= FACET_MAX_CONVERSION_NAMES ? conversionNames : null;
    c.statusOrder = statusOrderOf(c.status);
    return c;
  };
  // One deferred read transaction: every statement reads the same snapshot.
  return db.transaction(read)();
}

/** The delivery columns: the rows of event_deliveries (only events written to by a destination have any). */
function loadDeliveries(db: Sqlite, c: FacetColumns, positionOf: (rowid: number) => number): void {
  for (const [rowid, destination, status] of readDeliveryCodes(db)) {
    const position = positionOf(rowid);
    if (position < 0) throw new Error('conversion_events changed while loading the facet index');
    c.delivery[destination][position] = status;
  }
}

/** The rowid of an event by its id (conversion_events.id, the UUID primary key), or null when gone. */
export function rowidOfEventId(db: Sqlite, id: string): number | null {
  const rowid = preparePluck<number>(db, ROWID_OF_ID).get({ id });
  return rowid ?? null;
}
