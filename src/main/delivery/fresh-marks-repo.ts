/**
 * The sending engine's hot write: queued → sent for events that have no delivery rows yet (the
 * common case of a first send), without the generic chunk machinery of write-repo.ts.
 *
 * The generic write works on any mix of events and actions through ~15 set-based passes over a temp
 * table; for a first send the outcome per event is fixed by what it is now, so this path reads each
 * event once (inside the caller's write transaction, so nothing changes between read and write) and
 * writes exactly the rows the generic write would:
 *   - one history row for the delivery (queued → sent, with what an undo puts back);
 *   - the event's delivery rows: this destination's already 'sent' (attempts + 1, synced_at, run,
 *     platform ids), the other destination at the event's status when routed, else 'skipped';
 *   - when the overall status changes (the other destination is not routed → 'sent'), a history row
 *     for the event;
 *   - conversion_events: sync_attempts + 1, updated_at, and sync_status / synced_at / sync_error as
 *     deriveOverallStatus gives them.
 * Events it does not take (rows exist, not queued, unknown ids, repeated ids) are returned for the
 * generic write, which also reports them. test/delivery/fresh-marks.test.ts checks both paths give the
 * same rows on the same data.
 */
import { sql } from 'kysely';
import { DESTINATIONS, routeOf, type Destination } from '../../shared/domain/delivery';
import type { AppSettings } from '../../shared/domain/settings';
import type { Sqlite } from '../db/connection';
import { param, prepare, prepareRaw } from '../db/query';
import { k } from './sql';
import type { DeliveryItem } from './write-repo';

export interface FreshMarkInfo {
  runId: string;
  now: string;
  note: string;
  changeId: string;
}

export interface FreshSentMarker {
  /** Marks what it can; returns how many it marked and the items left for the generic write. */
  markSent(items: readonly DeliveryItem[], info: FreshMarkInfo): { changed: number; rest: DeliveryItem[] };
}

type EventState = [rowid: number, id: string, status: string, eventName: string, conversionName: string | null, hasRows: number];

const NOT_ROUTED: Record<Destination, string> = {
  meta: 'not routed: no Meta event is mapped for this event',
  google_ads: 'not routed: no Google Ads conversion action is mapped for this event',
};

/** `json_each(@name) AS j` — a list travelling as one JSON parameter. */
const listOf = (name: string) => sql<{ value: unknown }>`json_each(${param(name)})`.as('j');

export function createFreshSentMarker(db: Sqlite, destination: Destination, settings: Pick<AppSettings, 'destinations' | 'conversionNames'>): FreshSentMarker {
  const others = DESTINATIONS.filter((d) => d !== destination);
  const routes = new Map<string, string>();
  /** The destinations this event is not routed to, as ",meta," (matched in SQL by instr). */
  const unroutedOf = (eventName: string, conversionName: string | null): string => {
    const key = `${eventName}\u0000${conversionName ?? '\u0001'}`;
    let unrouted = routes.get(key);
    if (unrouted === undefined) {
      const route = routeOf(settings, { event_name: eventName, conversion_name: conversionName });
      routes.set(key, (unrouted = `,${others.filter((d) => !route[d]).join(',')},`));
    }
    return unrouted;
  };
  const allUnrouted = `,${others.join(',')},`;

  const read = prepareRaw<EventState>(
    db,
    k
      .selectFrom(listOf('ids'))
      // CROSS JOIN: the id list drives, one primary-key probe per id.
      .crossJoin('conversion_events as e')
      .whereRef('e.id', '=', sql.ref('j.value'))
      .select([
        sql<number>`e.rowid`.as('rowid'),
        'e.id',
        'e.sync_status',
        'e.event_name',
        'e.conversion_name',
        (eb) => eb.exists(eb.selectFrom('event_deliveries as x').select('x.event_id').whereRef('x.event_id', '=', 'e.id')).as('has_rows'),
      ]),
  );
  // Each fresh event travels as [rowid, platform ids JSON, unrouted destinations]; what the rows need
  // of the event itself (status, attempts, synced_at, error) is read from it by rowid.
  const freshEvents = () => k.selectFrom(listOf('fresh')).crossJoin('conversion_events as e').where(sql.ref('e.rowid'), '=', sql`j.value ->> 0`);
  const historyColumns = ['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'run_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'] as const;
  const historyValues = (destinationValue: Destination | null, to: string) =>
    [
      'e.id',
      sql<string | null>`${destinationValue}`.as('destination'),
      'e.sync_status',
      sql<string>`${to}`.as('to_status'),
      sql<string>`'mark_sent'`.as('action'),
      sql<string>`${param('note')}`.as('note'),
      sql<null>`NULL`.as('batch_id'),
      sql<string>`${param('runId')}`.as('run_id'),
      sql<string>`${param('changeId')}`.as('change_id'),
      'e.sync_error',
      'e.synced_at',
      'e.sync_attempts',
      sql<null>`NULL`.as('prev_error_code'),
      sql<string>`${param('now')}`.as('created_at'),
    ] as const;
  const deliveryHistory = prepare(db, k.insertInto('sync_history').columns([...historyColumns]).expression(freshEvents().select([...historyValues(destination, 'sent')])));

  const destinations = sql<{ destination: string }>`(${sql.join(
    DESTINATIONS.map((d, n) => (n === 0 ? sql`SELECT ${d} AS destination` : sql`SELECT ${d}`)),
    sql` UNION ALL `,
  )})`;
  const written = sql<boolean>`dd.destination = ${destination}`;
  const unrouted = sql<boolean>`instr(j.value ->> 2, ',' || dd.destination || ',') > 0`;
  const notRouted = sql<string>`CASE dd.destination ${sql.join(
    others.map((d) => sql`WHEN ${d} THEN ${NOT_ROUTED[d]}`),
    sql` `,
  )} END`;
  const deliveries = prepare(
    db,
    k
      .insertInto('event_deliveries')
      .columns(['event_id', 'destination', 'status', 'attempts', 'last_error', 'last_error_code', 'synced_at', 'batch_id', 'run_id', 'platform_ids', 'updated_at'])
      .expression(
        // Per event, its rows in primary-key order (CROSS JOIN keeps the event outermost).
        freshEvents()
          .crossJoin(destinations.as('dd'))
          .select([
            'e.id',
            sql<string>`dd.destination`.as('destination'),
            sql<string>`CASE WHEN ${written} THEN 'sent' WHEN ${unrouted} THEN 'skipped' ELSE e.sync_status END`.as('status'),
            sql<number>`CASE WHEN ${written} THEN e.sync_attempts + 1 WHEN ${unrouted} THEN 0 ELSE e.sync_attempts END`.as('attempts'),
            sql<string | null>`CASE WHEN ${written} THEN NULL WHEN ${unrouted} THEN ${notRouted} ELSE e.sync_error END`.as('last_error'),
            sql<null>`NULL`.as('last_error_code'),
            sql<string | null>`CASE WHEN ${written} THEN ${param('now')} WHEN ${unrouted} THEN NULL ELSE e.synced_at END`.as('synced_at'),
            sql<null>`NULL`.as('batch_id'),
            sql<string | null>`CASE WHEN ${written} THEN ${param('runId')} END`.as('run_id'),
            sql<string | null>`CASE WHEN ${written} THEN j.value ->> 1 END`.as('platform_ids'),
            sql<string>`${param('now')}`.as('updated_at'),
          ]),
      ),
  );
  // Events routed nowhere else are now sent overall: their own history row, and their update.
  const eventHistory = prepare(
    db,
    k
      .insertInto('sync_history')
      .columns([...historyColumns])
      .expression(k.selectFrom(listOf('sentRowids')).crossJoin('conversion_events as e').where(sql.ref('e.rowid'), '=', sql.ref('j.value')).select([...historyValues(null, 'sent')])),
  );
  const rowidIn = (name: string) => sql<boolean>`rowid IN (SELECT value FROM json_each(${param(name)}))`;
  // sync_status is assigned only where it changes (an assigned indexed column costs an index delete
  // + insert even when its value stays the same).
  const eventStays = prepare(db, k.updateTable('conversion_events').set({ sync_attempts: sql`sync_attempts + 1`, updated_at: param('now') }).where(rowidIn('stayRowids')));
  const eventSent = prepare(
    db,
    k
      .updateTable('conversion_events')
      .set({ sync_status: 'sent', sync_attempts: sql`sync_attempts + 1`, synced_at: param('now'), sync_error: null, updated_at: param('now') })
      .where(rowidIn('sentRowids')),
  );

  return {
    markSent(items, info) {
      const rest: DeliveryItem[] = [];
      if (!items.length) return { changed: 0, rest };
      const byId = new Map<string, DeliveryItem>();
      for (const item of items) {
        if (byId.has(item.eventId)) rest.push(item);
        else byId.set(item.eventId, item);
      }
      const states = read.all({ ids: JSON.stringify([...byId.keys()]) });
      const fresh: [number, string | null, string][] = [];
      const stayRowids: number[] = [];
      const sentRowids: number[] = [];
      for (const [rowid, id, status, eventName, conversionName, hasRows] of states) {
        const item = byId.get(id)!;
        byId.delete(id);
        if (hasRows || status !== 'queued') {
          rest.push(item);
          continue;
        }
        const unrouted = unroutedOf(eventName, conversionName);
        fresh.push([rowid, item.platformIdsJson ?? (item.platformIds == null ? null : JSON.stringify(item.platformIds)), unrouted]);
        // Overall: this delivery is sent; a routed other one is still queued, like the event.
        (unrouted === allUnrouted ? sentRowids : stayRowids).push(rowid);
      }
      rest.push(...byId.values()); // not events
      if (!fresh.length) return { changed: 0, rest };

      // The generic write's order: the deliveries' history, the deliveries, the events' history, the events.
      const values = { runId: info.runId, changeId: info.changeId, now: info.now, note: info.note };
      const freshJson = JSON.stringify(fresh);
      deliveryHistory.run({ ...values, fresh: freshJson });
      deliveries.run({ now: info.now, runId: info.runId, fresh: freshJson });
      if (sentRowids.length) {
        const sent = JSON.stringify(sentRowids);
        eventHistory.run({ ...values, sentRowids: sent });
        eventSent.run({ now: info.now, sentRowids: sent });
      }
      if (stayRowids.length) eventStays.run({ now: info.now, stayRowids: JSON.stringify(stayRowids) });
      return { changed: fresh.length, rest };
    },
  };
}
