/**
 * What the engine needs from delivery per destination (src/main/delivery/repo.ts, migration 0012):
 * read the events whose delivery to the destination is queued, with the columns the destination
 * prepares its requests from; mark some sent or failed. Marking goes through the delivery
 * repository (history rows, derived sync_status); the reads are compiled once per run here.
 */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Destination as DeliveryDestination } from '../../shared/domain/delivery';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { deliveryFilterSql } from '../delivery/filter-sql';
import { createFreshSentMarker, type FreshSentMarker } from '../delivery/fresh-marks-repo';
import type { AppSettings } from '../../shared/domain/settings';
import { destinationFilter, markFailed as markDeliveriesFailed, markSent as markDeliveriesSent } from '../delivery/repo';
import { filterToWhere, type SqlFragment } from '../events/filter-sql';
import type { SendRow } from './destination';
import { getSettings } from '../settings/service';
import { prepareOnce, slot } from './prepared';

/** A legacy filter fragment (`a = ? AND b IN (?, ?)`) as a Kysely expression with the same parameters. */
function fragment(where: SqlFragment): RawBuilder<SqlBool> {
  const pieces = where.sql.split('?');
  return sql<SqlBool>(Object.assign([...pieces], { raw: pieces }) as unknown as TemplateStringsArray, ...where.params);
}

export interface MarkInfo {
  runId: string;
  requestId: string;
  destinationLabel: string;
  now: string;
  platformIds?: Record<string, string> | null;
}

export interface DeliveryRepo {
  /** Up to `limit` events queued for the destination that match the filter, with rowid > `afterRowid`, in rowid order. */
  queuedPage(afterRowid: number, limit: number): SendRow[];
  /** How many events are queued for the destination and match the filter. */
  countQueued(): number;
  /** These events (by conversion_events.id) if still queued for the destination, in rowid order. */
  queuedByIds(ids: readonly string[]): SendRow[];
  /**
   * queued → sent (attempts +1, synced_at, run and platform ids, history) for the events of several
   * answered requests at once (one delivery write: the per-write cost is paid once for all of them).
   * Each event keeps its own request's platform ids and request id. Returns how many changed.
   */
  markSent(requests: readonly { ids: readonly string[]; rowids?: readonly (number | undefined)[]; requestId: string; platformIds?: Record<string, string> | null }[], info: Omit<MarkInfo, 'requestId' | 'platformIds'> & { changeId: string }): number;
  /** queued → failed with each event's own code and reason (attempts +1, history). */
  markFailed(failures: readonly { id: string; code: string; reason: string }[], info: MarkInfo): number;
}

/**
 * `values → { [columns[i]]: values[i] }` as one object literal, compiled once per column list (the
 * names are the destination's column constants, quoted by JSON.stringify): V8 builds such objects
 * with one fixed shape, several times faster than assigning the keys in a loop.
 */
function rowConstructor(columns: readonly string[]): (values: unknown[]) => SendRow {
  return new Function('v', `return {${columns.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')}};`) as (values: unknown[]) => SendRow;
}

const OVERALL_WITH_QUEUED_DELIVERY = ['queued', 'failed'] as const;

/** `id IN (SELECT value FROM json_each(:ids))` — a list of ids as one parameter. */
function idsIn(eb: ExpressionBuilder<DB, 'conversion_events'>) {
  return eb.selectFrom(sql<{ value: string }>`json_each(${slot('ids')})`.as('j')).select(sql.ref<string>('j.value').as('value'));
}

export function createDeliveryRepo(
  db: Sqlite,
  k: Kysely<DB>,
  destination: DeliveryDestination,
  filter: EventFilterParsed,
  columns: readonly string[],
  // Routing of events written for the first time: the Settings as they are when the run starts.
  settings: AppSettings = getSettings(db),
): DeliveryRepo {
  // Only events whose delivery to this destination is queued are ever sent, whatever the filter's statuses.
  const where = fragment(filterToWhere(destinationFilter({ ...filter, statuses: undefined }, destination)));
  const queuedHere = fragment(deliveryFilterSql({ destination, statuses: ['queued'] }));
  const selectList = ['rowid', 'id', 'event_id', ...columns.filter((c) => c !== 'id' && c !== 'event_id' && c !== 'rowid')];
  const select = () => k.selectFrom('conversion_events').select(selectList.map((c) => sql.ref(c).as(c)));
  // One page per overall status a queued delivery can have (the rule ranks failed and queued at or
  // above it): each is a range of the (sync_status, rowid) index read in rowid order and stopped by
  // the LIMIT. With `sync_status IN (…)` SQLite sorted every remaining queued event for each page,
  // quadratic over a long send.
  const pages = OVERALL_WITH_QUEUED_DELIVERY.map((status) =>
    prepareOnce(
      db,
      select().where(where).where('sync_status', '=', status).where(sql.ref('rowid'), '>', slot('after')).orderBy(sql.ref('rowid')).limit(sql<number>`${slot('limit')}`),
    ),
  );
  // Rows are read as arrays and made into objects by a constructor compiled for this column list:
  // better-sqlite3's own row objects cost about 3 times the whole read (measured 12–15 µs against
  // 4 µs per 29-column row), and the engine reads every event it sends.
  for (const page of pages) page.stmt.raw(true);
  const toRow = rowConstructor(selectList);
  const count = prepareOnce(db, k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(where));
  const byIds = prepareOnce(db, select().where('id', 'in', idsIn).where(queuedHere).orderBy(sql.ref('rowid')));
  byIds.stmt.raw(true);
  // Prepared on the first mark (a reader's read-only connection never marks).
  let fresh: FreshSentMarker | undefined;

  return {
    queuedPage(afterRowid, limit) {
      const parts = pages.map((page) => (page.stmt.all(...page.params({ after: afterRowid, limit })) as unknown[][]).map(toRow)).filter((rows) => rows.length);
      if (parts.length <= 1) return parts[0] ?? [];
      // The first `limit` rows of the union, in rowid order.
      return parts.flat().sort((a, b) => a.rowid - b.rowid).slice(0, limit);
    },
    countQueued() {
      return (count.stmt.get(...count.params({})) as { n: number }).n;
    },
    queuedByIds(ids) {
      return (byIds.stmt.all(...byIds.params({ ids: JSON.stringify(ids) })) as unknown[][]).map(toRow);
    },
    markSent(requests, info) {
      // One JSON text per request, shared by its events.
      const answered = requests.map((request) => ({ ids: request.ids, rowids: request.rowids, platformIdsJson: JSON.stringify({ ...(request.platformIds ?? {}), request_id: request.requestId }) }));
      const options = {
        runId: info.runId,
        now: info.now,
        note: `sent to ${info.destinationLabel} (run ${info.runId}; the request is in platform_ids.request_id)`,
        changeId: info.changeId,
      };
      // Events with no delivery rows yet take the direct path; any others the generic write.
      const { changed, rest } = (fresh ??= createFreshSentMarker(db, destination, settings)).markSent(answered, options);
      return changed + (rest.length ? markDeliveriesSent(db, destination, rest, { ...options, settings }).changed : 0);
    },
    markFailed(failures, info) {
      return markDeliveriesFailed(
        db,
        destination,
        failures.map((f) => ({ eventId: f.id, code: f.code, message: f.reason, platformIds: info.platformIds ?? null })),
        { runId: info.runId, now: info.now, changeId: `send_${info.requestId}` },
      ).changed;
    },
  };
}
