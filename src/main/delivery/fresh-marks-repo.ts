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

/** The events of one answered request: their ids, their rowids when known (undefined: look up by id), the platform's answer. */
export interface FreshRequest {
  ids: readonly string[];
  rowids?: readonly (number | undefined)[];
  platformIdsJson: string | null;
}

export interface FreshSentMarker {
  /** Marks what it can; returns how many it marked and the items left for the generic write. */
  markSent(requests: readonly FreshRequest[], info: FreshMarkInfo): { changed: number; rest: DeliveryItem[] };
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

  // CROSS JOIN: the list drives, one key probe per event (by rowid: one b-tree search instead of two).
  const readBy = (list: string, key: 'e.rowid' | 'e.id') =>
    prepareRaw<EventState>(
      db,
      k
        .selectFrom(listOf(list))
        .crossJoin('conversion_events as e')
        .where(sql.ref(key), '=', sql.ref('j.value'))
        .select([
          sql<number>`e.rowid`.as('rowid'),
          'e.id',
          'e.sync_status',
          'e.event_name',
          'e.conversion_name',
          (eb) => eb.exists(eb.selectFrom('event_deliveries as x').select('x.event_id').whereRef('x.event_id', '=', 'e.id')).as('has_rows'),
        ]),
    );
  const readByRowid = readBy('rowids', 'e.rowid');
  const readById = readBy('ids', 'e.id');
  // The fresh events travel as a JSON list of rowids; what the rows need of each event (status,
  // attempts, synced_at, error) is read from it by rowid.
  const freshEvents = () => k.selectFrom(listOf('rowids')).crossJoin('conversion_events as e').where(sql.ref('e.rowid'), '=', sql.ref('j.value'));
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
  const unrouted = sql<boolean>`instr(${param('unrouted')}, ',' || dd.destination || ',') > 0`;
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
        // One run per request and routing: the platform's answer and the unrouted destinations are
        // parameters. Per event, its rows in primary-key order (CROSS JOIN keeps the event outermost).
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
            sql<string | null>`CASE WHEN ${written} THEN ${param('platformIds')} END`.as('platform_ids'),
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
      .expression(freshEvents().select([...historyValues(null, 'sent')])),
  );
  const rowidIn = (name: string) => sql<boolean>`rowid IN (SELECT value FROM json_each(${param(name)}))`;
  // sync_status is assigned only where it changes (an assigned indexed column costs an index delete
  // + insert even when its value stays the same).
  const eventStays = prepare(db, k.updateTable('conversion_events').set({ sync_attempts: sql`sync_attempts + 1`, updated_at: param('now') }).where(rowidIn('rowids')));
  const eventSent = prepare(
    db,
    k
      .updateTable('conversion_events')
      .set({ sync_status: 'sent', sync_attempts: sql`sync_attempts + 1`, synced_at: param('now'), sync_error: null, updated_at: param('now') })
      .where(rowidIn('rowids')),
  );

  return {
    markSent(requests, info) {
      const rest: DeliveryItem[] = [];
      // Each event once: its request, its rowid when known.
      const requestOf = new Map<string, number>();
      const byRowid: number[] = [];
      const byId: string[] = [];
      requests.forEach((request, r) => {
        request.ids.forEach((id, i) => {
          if (requestOf.has(id)) return void rest.push({ eventId: id, platformIdsJson: request.platformIdsJson });
          requestOf.set(id, r);
          const rowid = request.rowids?.[i];
          if (rowid === undefined) byId.push(id);
          else byRowid.push(rowid);
        });
      });
      if (!requestOf.size) return { changed: 0, rest };
      const states = [
        ...(byRowid.length ? readByRowid.all({ rowids: JSON.stringify(byRowid) }) : []),
        ...(byId.length ? readById.all({ ids: JSON.stringify(byId) }) : []),
      ];
      // Fresh events grouped by request and routing (one delivery insert each); the others for the generic write.
      const groups = new Map<string, { platformIdsJson: string | null; unrouted: string; rowids: number[] }>();
      const stayRowids: number[] = [];
      const sentRowids: number[] = [];
      const freshRowids: number[] = [];
      for (const [rowid, id, status, eventName, conversionName, hasRows] of states) {
        const r = requestOf.get(id);
        if (r === undefined) continue; // a rowid now holding another event: its own id is looked at below
        requestOf.delete(id);
        if (hasRows || status !== 'queued') {
          rest.push({ eventId: id, platformIdsJson: requests[r]!.platformIdsJson });
          continue;
        }
        const unrouted = unroutedOf(eventName, conversionName);
        const key = `${r}\u0000${unrouted}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { platformIdsJson: requests[r]!.platformIdsJson, unrouted, rowids: [] }));
        group.rowids.push(rowid);
        freshRowids.push(rowid);
        // Overall: this delivery is sent; a routed other one is still queued, like the event.
        (unrouted === allUnrouted ? sentRowids : stayRowids).push(rowid);
      }
      // Not events (or not at the rowid given): the generic write looks them up by id and reports them.
      for (const [id, r] of requestOf) rest.push({ eventId: id, platformIdsJson: requests[r]!.platformIdsJson });
      if (!freshRowids.length) return { changed: 0, rest };

      // The generic write's order: the deliveries' history, the deliveries, the events' history, the events.
      const values = { runId: info.runId, changeId: info.changeId, now: info.now, note: info.note };
      deliveryHistory.run({ ...values, rowids: JSON.stringify(freshRowids) });
      for (const group of groups.values()) {
        deliveries.run({ now: info.now, runId: info.runId, platformIds: group.platformIdsJson, unrouted: group.unrouted, rowids: JSON.stringify(group.rowids) });
      }
      if (sentRowids.length) {
        const sent = JSON.stringify(sentRowids);
        eventHistory.run({ ...values, rowids: sent });
        eventSent.run({ now: info.now, rowids: sent });
      }
      if (stayRowids.length) eventStays.run({ now: info.now, rowids: JSON.stringify(stayRowids) });
      return { changed: freshRowids.length, rest };
    },
  };
}
