/**
 * The review grid's in-memory facet index: a columnar copy of the few columns the review filters and
 * sorts read, for one snapshot of conversion_events. Answers per-status counts and a page's *row
 * selection* (rowids, in page order) exactly as the SQL path (filter-sql.ts + repo.ts) would; the caller
 * then reads those rows by rowid. Pure: no SQL, no Node APIs (facets-repo.ts loads the columns).
 */
import { EVENT_NAMES, SYNC_STATUSES } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { Destination } from '../../shared/domain/delivery';
import { decimalToMicros } from '../../shared/domain/money';
import type { StatusCounts } from '../../shared/ipc/channels/events';

export type FacetSortField = 'event_time' | 'created_at' | 'event_name' | 'sync_status' | 'event_value';

export interface FacetColumns {
  count: number;
  /** Ascending rowid; position i = the i-th row in rowid order. */
  rowids: Float64Array;
  /** Index into SYNC_STATUSES. */
  status: Uint8Array;
  /** Index into EVENT_NAMES. */
  name: Uint8Array;
  /**
   * Per destination: the delivery's status (index into SYNC_STATUSES), or FOLLOWS_EVENT when the event
   * has no delivery rows (its deliveries follow its sync_status) — destinationStatusSql's semantics.
   */
  delivery: Record<Destination, Uint8Array>;
  /** Index into conversionNames: the event's own name, or its category when conversion_name is NULL. */
  conversionName: Int32Array;
  /** Distinct conversion names of the snapshot; null when there were too many to index (the filter uses SQL then). */
  conversionNames: string[] | null;
  /** Index into campaignIds, -1 = NULL. */
  campaign: Int32Array;
  /** Index into brandIds, -1 = NULL. */
  brand: Int32Array;
  /** Index into importIds, -1 = NULL. */
  importRef: Int32Array;
  campaignIds: string[];
  brandIds: string[];
  importIds: string[];
  /** Index into currencies (the overview's value sums are per currency). */
  currency: Int32Array;
  currencies: string[];
  /** event_time as epoch ms. */
  time: Float64Array;
  /** ifnull(event_value_micros, -1), the value sort key (VALUE_KEY in filter-sql.ts). */
  value: Float64Array;
  /**
   * bit0 = has a click id (gclid/gbraid/wbraid), bit1 = has a hashed id (user email/phone hash),
   * bit2 = Meta can match it (META_MATCH), bit3 = an email / phone pre-hashed for Meta.
   */
  flags: Uint8Array;
  /** Positions in the order SQLite lists them ascending: ORDER BY <sort expression> ASC, id ASC. */
  orders: { event_time: Uint32Array; created_at: Uint32Array; event_name: Uint32Array; event_value: Uint32Array };
  /** created_at as epoch ms (the created_at sort's key). */
  created: Float64Array;
  /** The status sort's order (statusOrderOf), when the loader computed it off the window's thread. */
  statusOrder?: Uint32Array;
}

/** Binary search in ascending rowids: the position of a rowid, or -1. */
export function searchRowid(rowids: Float64Array, rowid: number): number {
  let lo = 0;
  let hi = rowids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = rowids[mid]!;
    if (at === rowid) return mid;
    if (at < rowid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Positions ordered by (sync_status as TEXT, rowid): a counting sort, O(n). */
export function statusOrderOf(status: Uint8Array): Uint32Array {
  const count = status.length;
  const start = new Uint32Array(SYNC_STATUSES.length);
  const sizes = new Uint32Array(SYNC_STATUSES.length);
  for (let i = 0; i < count; i++) sizes[status[i]!]!++;
  let next = 0;
  for (const s of STATUS_TEXT_ORDER) (start[s] = next), (next += sizes[s]!);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[start[status[i]!]!++] = i;
  return order;
}

/** FacetColumns.delivery: no row for this destination, the delivery follows the event's status. */
export const FOLLOWS_EVENT = 255;

export const FLAG_CLICK_ID = 1;
export const FLAG_HASHED_ID = 2;
export const FLAG_META_MATCH = 4;
export const FLAG_META_HASHED_ID = 8;
export const FLAG_GOOGLE_NAME_ADDRESS = 16;
/** NO_IDENTIFIERS (filter-repo.ts) as flag masks: the event has none of these bits. */
const NO_IDENTIFIERS_MASK = {
  any: FLAG_CLICK_ID | FLAG_HASHED_ID | FLAG_GOOGLE_NAME_ADDRESS | FLAG_META_MATCH,
  google: FLAG_HASHED_ID | FLAG_META_HASHED_ID,
  meta: FLAG_META_MATCH | FLAG_HASHED_ID,
} as const;

/** SQLite orders sync_status as TEXT: the SYNC_STATUSES indexes in alphabetical order of their names. */
export const STATUS_TEXT_ORDER: readonly number[] = SYNC_STATUSES.map((s, i) => [s, i] as const)
  .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  .map(([, i]) => i);

export interface FacetPageQuery {
  filter: EventFilterParsed;
  sort: { field: FacetSortField; direction: 'asc' | 'desc' };
  limit: number;
  /** Matches to skip first (classic paging, as SQL's OFFSET); ignored when `after` is given, as in listStatement. */
  offset?: number;
  /**
   * The previous page's last row: its sort key and tie (as the SQL path gives them: sort_key, sort_tie)
   * and its position (index in rowids; positionOfRowid of its rowid). The status sort's tie is the
   * rowid itself, so tiePosition may be left out there.
   */
  after?: { key: string | number; tie: string | number; tiePosition?: number };
}

/** Compiled filter: one pass per row over plain numbers. */
interface Predicate {
  statusOk: Uint8Array | null;
  nameOk: Uint8Array | null;
  conversionNameOk: Uint8Array | null;
  delivery: { column: Uint8Array; ok: Uint8Array } | null;
  /** -2 = any; -1 = NULL; -3 = an id not in the snapshot (nothing matches). */
  campaign: number;
  brand: number;
  importRef: number;
  timeFrom: number;
  timeTo: number;
  valueMin: number;
  valueMax: number;
  clickId: number; // -1 any, 0/1
  identifiers: number; // -1 any, 0 none, 1 some
  /** Flags none of which the event may have (noIdentifiersFor), 0 = no such filter. */
  noneOf: number;
  /** A resolved filter that matches nothing (an empty conversion-name list). */
  nothing: boolean;
}

const ANY = -2;
const NOTHING = -3;
const MASK_CACHE_SIZE = 4;
/** Dictionary lookup for an `= ?` / `IS NULL` filter on an encoded id column. */
function idCode(ids: string[], wanted: string | null | undefined): number {
  if (wanted === undefined) return ANY;
  if (wanted === null) return -1;
  const at = ids.indexOf(wanted);
  return at < 0 ? NOTHING : at;
}

export class FacetIndex {
  readonly count: number;
  private readonly masks = new Map<string, Uint8Array>();
  private readonly inverse: Partial<Record<FacetSortField, Uint32Array>> = {};
  private statusOrder: Uint32Array | null = null;

  constructor(readonly columns: FacetColumns) {
    this.count = columns.count;
  }

  /**
   * Applies status changes this snapshot's owner made itself (rowid → new status). False (and nothing
   * changed) when a row or status is unknown: the caller reloads instead.
   */
  patchStatuses(rows: readonly { rowid: number; status: string }[]): boolean {
    const updates: [number, number][] = [];
    for (const row of rows) {
      const position = this.positionOfRowid(row.rowid);
      const code = (SYNC_STATUSES as readonly string[]).indexOf(row.status);
      if (position < 0 || code < 0) return false;
      updates.push([position, code]);
    }
    for (const [position, code] of updates) this.columns.status[position] = code;
    this.masks.clear();
    this.statusOrder = null;
    this.columns.statusOrder = undefined;
    delete this.inverse.sync_status;
    return true;
  }

  /** Search, batch and "no platform can match" filters stay in SQL. */
  supports(filter: EventFilterParsed): boolean {
    return !filter.search && !filter.batchId && (!filter.conversionNames || this.columns.conversionNames !== null);
  }

  /** Position (index in rowids) of a rowid, or -1 when the snapshot has no such row. */
  positionOfRowid(rowid: number): number {
    return searchRowid(this.columns.rowids, rowid);
  }

  /** Exact per-status counts for a filter (the same as repo.countByStatus). */
  countByStatus(filter: EventFilterParsed): StatusCounts {
    const mask = this.mask(filter);
    const status = this.columns.status;
    const tally = new Float64Array(SYNC_STATUSES.length);
    for (let i = 0; i < this.count; i++) tally[status[i]!]! += mask[i]!;
    const counts = {} as StatusCounts;
    SYNC_STATUSES.forEach((s, i) => (counts[s] = tally[i]!));
    return counts;
  }

  /**
   * The rowids of a page, in page order, identical to repo.listEventRows' rows for the same query.
   * Null when the cursor's row is not (or no longer with that key) in this snapshot: use SQL then.
   */
  pageRowids(query: FacetPageQuery): number[] | null {
    const mask = this.mask(query.filter);
    const order = this.order(query.sort.field);
    const asc = query.sort.direction === 'asc';
    let start = asc ? 0 : this.count - 1;
    let skip = query.after ? 0 : (query.offset ?? 0);
    if (query.after) {
      const at = this.cursorIndex(query.sort.field, query.after);
      if (at < 0) return null;
      start = asc ? at + 1 : at - 1;
    }
    const rowids = this.columns.rowids;
    const out: number[] = [];
    const limit = query.limit;
    if (limit <= 0) return out;
    const step = asc ? 1 : -1;
    for (let i = start; i >= 0 && i < this.count; i += step) {
      const p = order[i]!;
      if (!mask[p]) continue;
      if (skip > 0) skip--;
      else if (out.push(rowids[p]!) >= limit) break;
    }
    return out;
  }

  /** The distinct conversion names of the snapshot, sorted (null when too many were indexed). */
  conversionNames(): string[] | null {
    return this.columns.conversionNames ? [...this.columns.conversionNames].sort() : null;
  }

  /** The distinct (category, conversion name) pairs of the snapshot (null when names were too many to index). */
  namePairs(): { event_name: (typeof EVENT_NAMES)[number]; name: string }[] | null {
    const { conversionNames, conversionName, name, count } = { ...this.columns, count: this.count };
    if (!conversionNames) return null;
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) seen.add(conversionName[i]! * EVENT_NAMES.length + name[i]!);
    return [...seen].map((key) => ({ event_name: EVENT_NAMES[key % EVENT_NAMES.length]!, name: conversionNames[Math.floor(key / EVENT_NAMES.length)]! }));
  }

  /** Positions in ascending sort order (the status sort's is derived here by a counting sort). */
  order(field: FacetSortField): Uint32Array {
    if (field !== 'sync_status') return this.columns.orders[field];
    this.statusOrder ??= this.columns.statusOrder ?? statusOrderOf(this.columns.status);
    return this.statusOrder;
  }

  /** The match mask of a filter (1 = the row matches), cached for the last few filters: shared, do not modify. */
  mask(filter: EventFilterParsed): Uint8Array {
    if (!this.supports(filter)) throw new Error('The facet index does not answer search or batch filters');
    const key = JSON.stringify(filter);
    const cached = this.masks.get(key);
    if (cached) {
      this.masks.delete(key);
      this.masks.set(key, cached);
      return cached;
    }
    const mask = this.buildMask(this.compile(filter));
    this.masks.set(key, mask);
    if (this.masks.size > MASK_CACHE_SIZE) this.masks.delete(this.masks.keys().next().value!);
    return mask;
  }

  /** Index in the ascending order of the cursor's row, or -1 when it is gone or its key changed. */
  private cursorIndex(field: FacetSortField, after: NonNullable<FacetPageQuery['after']>): number {
    const position = after.tiePosition ?? (field === 'sync_status' ? this.positionOfRowid(Number(after.tie)) : -1);
    if (position < 0 || position >= this.count) return -1;
    if (field === 'sync_status' && this.columns.rowids[position] !== Number(after.tie)) return -1;
    if (!this.keyEquals(field, position, after.key)) return -1;
    let inverse = this.inverse[field];
    if (!inverse) {
      const order = this.order(field);
      inverse = new Uint32Array(this.count);
      for (let i = 0; i < this.count; i++) inverse[order[i]!] = i;
      this.inverse[field] = inverse;
    }
    return inverse[position]!;
  }

  private keyEquals(field: FacetSortField, position: number, key: string | number): boolean {
    const c = this.columns;
    switch (field) {
      case 'event_time':
        return typeof key === 'string' && c.time[position] === Date.parse(key);
      case 'created_at':
        return typeof key === 'string' && c.created[position] === Date.parse(key);
      case 'event_name':
        return EVENT_NAMES[c.name[position]!] === key;
      case 'sync_status':
        return SYNC_STATUSES[c.status[position]!] === key;
      case 'event_value':
        return c.value[position] === Number(key);
    }
  }

  /** The filter as numbers, with the semantics of filterToWhere (filter-sql.ts). */
  private compile(filter: EventFilterParsed): Predicate {
    const c = this.columns;
    const lookup = (all: readonly string[], wanted: readonly string[] | undefined) => {
      if (!wanted?.length) return null;
      const ok = new Uint8Array(all.length);
      for (const w of wanted) {
        const at = all.indexOf(w);
        if (at >= 0) ok[at] = 1;
      }
      return ok;
    };
    // SQL compares the TEXT: a bound past year 9999 or before year 0 ("+010000-…", "-000001-…") sorts
    // before every stored (4-digit-year) time, so it is -Infinity here, whatever its instant.
    const time = (iso: string | undefined, fallback: number) => {
      if (!iso) return fallback;
      if (!/^\d{4}-/.test(iso)) return -Infinity;
      const ms = Date.parse(iso);
      if (Number.isNaN(ms)) throw new Error(`Not a date-time: ${iso}`);
      return ms;
    };
    let valueMin = -Infinity;
    let valueMax = Infinity;
    if (filter.valueMin !== undefined) valueMin = decimalToMicros(filter.valueMin);
    if (filter.valueMax !== undefined) {
      if (filter.valueMin === undefined) valueMin = 0;
      valueMax = decimalToMicros(filter.valueMax);
    }
    return {
      statusOk: lookup(SYNC_STATUSES, filter.statuses),
      nameOk: lookup(EVENT_NAMES, filter.eventNames),
      conversionNameOk: lookup(c.conversionNames ?? [], filter.conversionNames),
      delivery: filter.delivery ? { column: c.delivery[filter.delivery.destination], ok: lookup(SYNC_STATUSES, filter.delivery.statuses)! } : null,
      campaign: idCode(c.campaignIds, filter.campaignId),
      brand: idCode(c.brandIds, filter.brandId),
      importRef: filter.importId ? idCode(c.importIds, filter.importId) : ANY,
      timeFrom: time(filter.timeFrom, -Infinity),
      timeTo: time(filter.timeTo, Infinity),
      valueMin,
      valueMax,
      clickId: filter.hasClickId === undefined ? -1 : filter.hasClickId ? 1 : 0,
      identifiers: filter.hasIdentifiers === undefined ? -1 : filter.hasIdentifiers ? 1 : 0,
      noneOf: filter.noIdentifiersFor ? NO_IDENTIFIERS_MASK[filter.noIdentifiersFor] : 0,
      nothing: filter.conversionNames !== undefined && filter.conversionNames.length === 0,
    };
  }

  private buildMask(p: Predicate): Uint8Array {
    const c = this.columns;
    const n = this.count;
    const mask = new Uint8Array(n);
    if (p.nothing || p.campaign === NOTHING || p.brand === NOTHING || p.importRef === NOTHING) return mask;
    mask.fill(1);
    // One pass per active predicate: each loop stays monomorphic and tight.
    const { statusOk, nameOk, conversionNameOk, delivery } = p;
    if (delivery) {
      const col = delivery.column;
      const overall = c.status;
      const ok = delivery.ok;
      for (let i = 0; i < n; i++) {
        const code = col[i]!;
        mask[i]! &= ok[code === FOLLOWS_EVENT ? overall[i]! : code]!;
      }
    }
    if (statusOk) {
      const col = c.status;
      for (let i = 0; i < n; i++) mask[i]! &= statusOk[col[i]!]!;
    }
    if (nameOk) {
      const col = c.name;
      for (let i = 0; i < n; i++) mask[i]! &= nameOk[col[i]!]!;
    }
    if (conversionNameOk) {
      const col = c.conversionName;
      for (let i = 0; i < n; i++) mask[i]! &= conversionNameOk[col[i]!]!;
    }
    const equals = (col: Int32Array, code: number) => {
      if (code === ANY) return;
      for (let i = 0; i < n; i++) if (col[i] !== code) mask[i] = 0;
    };
    equals(c.campaign, p.campaign);
    equals(c.brand, p.brand);
    equals(c.importRef, p.importRef);
    const range = (col: Float64Array, min: number, max: number, maxInclusive: boolean) => {
      if (min === -Infinity && max === Infinity) return;
      if (maxInclusive) for (let i = 0; i < n; i++) (col[i]! < min || col[i]! > max) && (mask[i] = 0);
      else for (let i = 0; i < n; i++) (col[i]! < min || col[i]! >= max) && (mask[i] = 0);
    };
    range(c.time, p.timeFrom, p.timeTo, false);
    range(c.value, p.valueMin, p.valueMax, true);
    if (p.clickId >= 0 || p.identifiers >= 0) {
      const flags = c.flags;
      for (let i = 0; i < n; i++) {
        const f = flags[i]!;
        if (p.clickId >= 0 && (f & FLAG_CLICK_ID ? 1 : 0) !== p.clickId) mask[i] = 0;
        else if (p.identifiers >= 0 && (f & (FLAG_CLICK_ID | FLAG_HASHED_ID) ? 1 : 0) !== p.identifiers) mask[i] = 0;
      }
    }
    if (p.noneOf) {
      const flags = c.flags;
      const noneOf = p.noneOf;
      for (let i = 0; i < n; i++) if (flags[i]! & noneOf) mask[i] = 0;
    }
    return mask;
  }
}
