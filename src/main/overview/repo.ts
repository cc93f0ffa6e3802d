import { SYNC_STATUSES, type ConversionSyncStatus } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { StatusCounts } from '../../shared/ipc/channels/events';
import type { OverviewTiles, OverviewTimeline, TimelineDay, TimelineParsed } from '../../shared/ipc/channels/overview';
import type { Sqlite } from '../db/connection';
import { expressionBuilder, sql } from 'kysely';
import { all, k } from '../db/query';
import type { DB } from '../db/schema';
import { filterExpression } from '../events/filter-repo';

const eb = expressionBuilder<DB, 'conversion_events'>();

const MAX_DAYS = 3660;
const DAY_MS = 86_400_000;

const zeroCounts = (): StatusCounts => Object.fromEntries(SYNC_STATUSES.map((s) => [s, 0])) as StatusCounts;

/** The calendar day of event_time in a fixed UTC offset (the offset is a literal: one statement per offset). */
function dayExpression(offsetMinutes: number) {
  if (offsetMinutes === 0) return eb.fn<string>('substr', ['event_time', sql.lit(1), sql.lit(10)]);
  const sign = offsetMinutes > 0 ? '+' : '-';
  return eb.fn<string>('strftime', [sql.lit('%Y-%m-%d'), 'event_time', sql.lit(`${sign}${Math.abs(offsetMinutes)} minutes`)]);
}
/** count(*) and the value total (0 when none) of a group. */
const groupTotals = () => [eb.fn.countAll<number>().as('n'), eb.fn('ifnull', [eb.fn.sum<number>('event_value_micros'), sql.lit(0)]).as('v')];

function dayOf(iso: string, offsetMinutes: number): string {
  return new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 10);
}
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
/** The UTC instant at which a local day (in the offset) starts. */
function dayStartUtc(day: string, offsetMinutes: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - offsetMinutes * 60_000).toISOString();
}

/** One group of matching events: per day (timeline only), status and currency. */
export interface OverviewRow {
  day: string;
  status: ConversionSyncStatus;
  currency: string;
  n: number;
  v: number;
}

export interface TimelineScope {
  /** The review filter, narrowed to the requested window when its end is known. */
  filter: EventFilterParsed;
  endDay: string | null;
}

export function timelineScope(input: TimelineParsed): TimelineScope {
  const filter: EventFilterParsed = { ...input.filter };
  let endDay: string | null = null;
  if (filter.timeTo) endDay = dayOf(new Date(Date.parse(filter.timeTo) - 1).toISOString(), input.utcOffsetMinutes);
  if (input.days && endDay) {
    const from = dayStartUtc(addDays(endDay, -(input.days - 1)), input.utcOffsetMinutes);
    if (!filter.timeFrom || filter.timeFrom < from) filter.timeFrom = from;
  }
  return { filter, endDay };
}

/** Conversions per day stacked by status (count, and value per currency), for a review filter. */
export function overviewTimeline(db: Sqlite, input: TimelineParsed): OverviewTimeline {
  const scope = timelineScope(input);
  const query = k
    .selectFrom('conversion_events')
    .select([dayExpression(input.utcOffsetMinutes).as('day'), 'sync_status as status', 'currency', ...groupTotals()])
    .where(filterExpression(scope.filter))
    .groupBy([sql.lit(1), sql.lit(2), sql.lit(3)]);
  const rows = all<OverviewRow>(db, query);
  return assembleTimeline(rows, input, scope);
}

/** The timeline from grouped rows (SQL's GROUP BY or the facet index's). */
export function assembleTimeline(rows: readonly OverviewRow[], input: TimelineParsed, scope: TimelineScope): OverviewTimeline {
  const offset = input.utcOffsetMinutes;
  const { filter, endDay } = scope;
  if (rows.length === 0) return { from: null, to: null, days: [], currencies: [] };

  let firstDay = rows[0]!.day;
  let lastDay = rows[0]!.day;
  for (const row of rows) {
    if (row.day < firstDay) firstDay = row.day;
    if (row.day > lastDay) lastDay = row.day;
  }
  const to = endDay ?? lastDay;
  let from = input.days ? addDays(to, -(input.days - 1)) : firstDay;
  if (filter.timeFrom && !input.days) from = dayOf(filter.timeFrom, offset) > from ? dayOf(filter.timeFrom, offset) : from;
  if (Date.parse(to) - Date.parse(from) >= MAX_DAYS * DAY_MS) from = addDays(to, -(MAX_DAYS - 1));

  const byDay = new Map<string, TimelineDay>();
  for (let d = from; d <= to; d = addDays(d, 1)) byDay.set(d, { day: d, total: 0, count: zeroCounts(), valueMicros: {} });
  const currencyTotals = new Map<string, number>();
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    entry.total += row.n;
    entry.count[row.status] += row.n;
    if (row.v) {
      const perStatus = (entry.valueMicros[row.currency] ??= {});
      perStatus[row.status] = (perStatus[row.status] ?? 0) + row.v;
    }
    currencyTotals.set(row.currency, (currencyTotals.get(row.currency) ?? 0) + row.v);
  }
  const currencies = [...currencyTotals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  return { from, to, days: [...byDay.values()], currencies };
}

/** Tiles: counts by status and total value by currency for a review filter. */
export function overviewTiles(db: Sqlite, filter: EventFilterParsed): OverviewTiles {
  const query = k
    .selectFrom('conversion_events')
    .select(['sync_status as status', 'currency', ...groupTotals()])
    .where(filterExpression(filter))
    .groupBy([sql.lit(1), sql.lit(2)]);
  const rows = all<Omit<OverviewRow, 'day'>>(db, query);
  return assembleTiles(rows);
}

/** The tiles from grouped rows (SQL's GROUP BY or the facet index's). */
export function assembleTiles(rows: readonly Omit<OverviewRow, 'day'>[]): OverviewTiles {
  const byStatus = zeroCounts();
  const valueByStatus = Object.fromEntries(SYNC_STATUSES.map((s) => [s, {}])) as OverviewTiles['valueByStatus'];
  const perCurrency = new Map<string, { valueMicros: number; count: number }>();
  let total = 0;
  for (const row of rows) {
    total += row.n;
    byStatus[row.status] += row.n;
    if (row.v) valueByStatus[row.status][row.currency] = (valueByStatus[row.status][row.currency] ?? 0) + row.v;
    const c = perCurrency.get(row.currency) ?? { valueMicros: 0, count: 0 };
    c.valueMicros += row.v;
    c.count += row.n;
    perCurrency.set(row.currency, c);
  }
  const valueByCurrency = [...perCurrency.entries()]
    .map(([currency, c]) => ({ currency, ...c }))
    .sort((a, b) => b.valueMicros - a.valueMicros || a.currency.localeCompare(b.currency));
  return { total, byStatus, valueByCurrency, valueByStatus };
}
